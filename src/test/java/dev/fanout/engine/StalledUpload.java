package dev.fanout.engine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/// An upload whose client sends `bytes` and then nothing more: the read after them waits until
/// [#release] (then the input ends) or until its thread is interrupted (then it fails, and
/// [#interrupted] says so). For the engine's tests of a run that stops or is cancelled while a
/// worker waits for input.
final class StalledUpload extends InputStream {
    private final ByteArrayInputStream sent;
    private final CountDownLatch waiting = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);
    private final AtomicBoolean interrupted = new AtomicBoolean();

    StalledUpload(byte[] bytes) {
        this.sent = new ByteArrayInputStream(bytes);
    }

    @Override
    public int read() {
        throw new UnsupportedOperationException("read in blocks, as the engine does");
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = sent.read(b, off, len);
        if (n > 0) {
            return n;
        }
        waiting.countDown();
        try {
            released.await();
        } catch (InterruptedException e) {
            interrupted.set(true);
            throw new InterruptedIOException("read interrupted");
        }
        return -1;
    }

    /// Waits until a read has taken every byte sent and waits for more; false after `timeout`.
    boolean awaitWaiting(Duration timeout) throws InterruptedException {
        return waiting.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /// Waits until a read waits for more, for a hook that cannot throw: interrupted (the run was
    /// cancelled), it returns with the interrupt set again.
    void awaitWaiting() {
        try {
            waiting.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /// Ends the input: the waiting read returns its end.
    void release() {
        released.countDown();
    }

    /// Whether the waiting read was interrupted.
    boolean interrupted() {
        return interrupted.get();
    }
}
