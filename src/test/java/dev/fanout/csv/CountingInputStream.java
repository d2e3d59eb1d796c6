package dev.fanout.csv;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/// Counts the bytes read through it, for progress reports. One reading thread; `bytesRead()` may
/// be read from any thread.
// Only the one reading thread updates bytesRead, so its += cannot lose a count; volatile is for
// the threads that read it.
@SuppressWarnings("NonAtomicVolatileUpdate")
final class CountingInputStream extends FilterInputStream {
    private volatile long bytesRead;

    CountingInputStream(InputStream in) {
        super(in);
    }

    long bytesRead() {
        return bytesRead;
    }

    @Override
    public int read() throws IOException {
        int b = in.read();
        if (b >= 0) {
            bytesRead++;
        }
        return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = in.read(b, off, len);
        if (n > 0) {
            bytesRead += n;
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = in.skip(n);
        bytesRead += skipped;
        return skipped;
    }
}
