package dev.fanout.server;

import dev.fanout.csv.InputException;
import dev.fanout.csv.StreamErrorCode;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/// The request body as the engine reads it: at most `maxBytes` (beyond, reads fail with
/// `upload_too_large`), and any failure of the connection underneath, checked or not, turned into
/// `truncated_upload`, so that a client that breaks off ends its stream with the SPEC's error line.
/// Read by one thread at a time (the engine's workers take turns, under a lock).
final class UploadStream extends FilterInputStream {
    private final long maxBytes;
    private long read;

    UploadStream(InputStream in, long maxBytes) {
        super(in);
        this.maxBytes = maxBytes;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n;
        try {
            n = in.read(b, off, len);
        } catch (InputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw new InputException(StreamErrorCode.TRUNCATED_UPLOAD, "the upload broke off after " + read + " bytes", e);
        }
        if (n > 0) {
            read += n;
            if (read > maxBytes) {
                throw new InputException(StreamErrorCode.UPLOAD_TOO_LARGE, "the upload is over the limit of " + maxBytes + " bytes");
            }
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        int skipped = read(buffer, 0, buffer.length);
        return Math.max(skipped, 0);
    }
}
