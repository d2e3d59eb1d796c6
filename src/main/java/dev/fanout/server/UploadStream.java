package dev.fanout.server;

import dev.fanout.csv.InputException;
import dev.fanout.csv.StreamErrorCode;
import io.helidon.http.RequestException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/// The request body as the engine reads it: at most `maxBytes` (beyond, reads fail with
/// `upload_too_large`), a chunked body whose framing is broken (a chunk size that is not
/// hexadecimal, a chunk extension, a bad last chunk) failing with `malformed_upload`, and any other
/// failure of the connection underneath, checked or not, turned into `truncated_upload`, so that
/// a client that breaks off ends its stream with the SPEC's error line.
///
/// After any of these the body is **broken**: where the rest of it starts on the connection is
/// not known (or it is too large to read through), so the stream never reads the connection
/// again, and later reads fail the same way. `whenBroken` is told once, with what may still be
/// read of the body (nothing but this failing stream, unless its framing is whole: an upload over
/// the limit), to have the connection closed after the answer. Helidon's own reader must not
/// read on either: after a bad chunk size it takes the next line for a size and waits for that
/// many bytes, so that the request hangs until the client gives up. So `close` reads nothing, and
/// what the validation left unread is read through here, by `finish`, after the answer
/// (`ConnectionCloser.closeWhenAsked`), rather than by Helidon.
///
/// Each read waits for the client at most `deadline`'s time-out: then `hangUp` closes the
/// connection, and the upload breaks as `truncated_upload`, saying that it stalled.
///
/// Read by one thread at a time (the engine's workers take turns, under a lock).
final class UploadStream extends FilterInputStream {
    private final long maxBytes;
    private final Consumer<InputStream> whenBroken;
    private final UploadReadDeadline deadline;
    private final Runnable onStall;
    private long read;
    private volatile @Nullable InputException broken;
    private volatile boolean stalled;
    private volatile boolean ended;

    UploadStream(InputStream in, long maxBytes, Consumer<InputStream> whenBroken, UploadReadDeadline deadline,
            Runnable hangUp) {
        super(in);
        this.maxBytes = maxBytes;
        this.whenBroken = whenBroken;
        this.deadline = deadline;
        this.onStall = () -> {
            stalled = true;
            hangUp.run();
        };
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        InputException earlier = broken;
        if (earlier != null) {
            throw new InputException(earlier.code(), earlier.getMessage());
        }
        int n;
        ThreadDeadlines.Slot slot = deadline.arm(onStall);
        try {
            n = in.read(b, off, len);
        } catch (InputException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw breaks(stalled
                    ? new InputException(StreamErrorCode.TRUNCATED_UPLOAD, "the upload stalled after " + read
                            + " bytes: nothing came for " + deadline.timeout().toSeconds() + " s, and the connection was closed", e)
                    : failure(e, read));
        } finally {
            deadline.disarm(slot);
        }
        if (n < 0) {
            ended = true;
        } else if (n > 0) {
            read += n;
            if (read > maxBytes) {
                // Its framing is whole: what follows may be read (and dropped) before the close.
                throw breaks(new InputException(StreamErrorCode.UPLOAD_TOO_LARGE,
                        "the upload is over the limit of " + maxBytes + " bytes"), in);
            }
        }
        return n;
    }

    private InputException breaks(InputException failure) {
        return breaks(failure, this);
    }

    /// `rest`: what may be read of the body from here on, to drop it before the close.
    private InputException breaks(InputException failure, InputStream rest) {
        if (broken == null) {
            broken = failure;
            whenBroken.accept(rest);
        }
        return failure;
    }

    /// Whether the body broke (see the type's javadoc): the connection cannot serve another request.
    boolean broken() {
        return broken != null;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] buffer = new byte[(int) Math.min(n, 8192)];
        int skipped = read(buffer, 0, buffer.length);
        return Math.max(skipped, 0);
    }

    /// Reads the rest of the body through and drops it, as Helidon would to keep the connection
    /// (but here a broken framing breaks this stream, see above); nothing when already broken.
    ///
    /// Returns whether the body came whole to its end.
    boolean finish() {
        if (broken != null) {
            return false;
        }
        if (ended) {
            // Read to its end already (a whole validation): nothing to read, nor to allocate for.
            return true;
        }
        byte[] scratch = new byte[8192];
        try {
            while (read(scratch, 0, scratch.length) >= 0) {
                // dropped
            }
        } catch (IOException e) {
            // Broken now, and `whenBroken` told.
        }
        return broken == null;
    }

    /// Reads nothing: Helidon's `close` reads on, and the rest is for `finish` to read.
    @Override
    public void close() {
    }

    private static InputException failure(Exception e, long read) {
        if (e instanceof RequestException tooLarge && tooLarge.status().code() == 413) {
            // Helidon's own limit (`server.max-payload-size`), should one be set.
            return new InputException(StreamErrorCode.UPLOAD_TOO_LARGE, "the upload is over server.max-payload-size after "
                    + read + " bytes", e);
        }
        if (e instanceof NumberFormatException || e instanceof RequestException) {
            // Helidon's chunk reader: `Integer.parseUnsignedInt` of the size line, or its own
            // refusal of a last chunk with something after it.
            return new InputException(StreamErrorCode.MALFORMED_UPLOAD, "the chunked upload's framing is broken after "
                    + read + " bytes (a chunk size that is not hexadecimal, a chunk extension, which the gateway does"
                    + " not take, or a bad last chunk)", e);
        }
        return new InputException(StreamErrorCode.TRUNCATED_UPLOAD, "the upload broke off after " + read + " bytes", e);
    }
}
