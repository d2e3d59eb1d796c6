package dev.fanout.http1;

import java.io.InputStream;

/// A stream over fixed bytes that hands one byte per read, as a slow peer's socket may: readers
/// that assume more come at once fail on it (okio's `OneByteAtATimeSource`).
public final class OneByteAtATime extends InputStream {
    private final byte[] bytes;
    private int position;

    public OneByteAtATime(byte[] bytes) {
        this.bytes = bytes.clone();
    }

    @Override
    public int read() {
        return position < bytes.length ? bytes[position++] & 0xff : -1;
    }

    @Override
    public int read(byte[] into, int offset, int length) {
        if (length == 0) {
            return 0;
        }
        if (position == bytes.length) {
            return -1;
        }
        into[offset] = bytes[position++];
        return 1;
    }
}
