package dev.fanout.server;

import java.time.Duration;

/// The upload read deadline: closes the connection of an upload whose next bytes do not come
/// within `timeout` (`fanout.limits.upload-read-timeout`), as nginx's `client_body_timeout` does.
/// Without it a client that stops sending in the middle of its body, its connection kept open,
/// held its validation, and its admission place, for as long as the connection lived: with the
/// default launch's seven or eight places for large uploads, as many stalled chunked uploads
/// turned every other large upload away with `503`.
///
/// The gateway's reading through of a body's rest after its answer (`ConnectionCloser`) is bound
/// by it too. Only the time spent waiting inside a read of the upload counts (each read arms the
/// reading thread's deadline in `ThreadDeadlines` and disarms it when bytes come): a validation
/// that stops reading while its rows wait on lookups, or a client that sends slowly but steadily,
/// is never cut. Thread-safe.
final class UploadReadDeadline implements AutoCloseable {
    private final long timeoutNanos;
    private final Duration timeout;
    private final ThreadDeadlines deadlines;

    UploadReadDeadline(Duration timeout) {
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.deadlines = ThreadDeadlines.forTimeout("fanout-upload-deadline", timeout);
    }

    /// Arms the calling thread's deadline before a read: `onLate` runs (on the checker's thread)
    /// if the read has not returned within the time-out.
    ThreadDeadlines.Slot arm(Runnable onLate) {
        return deadlines.arm(System.nanoTime() + timeoutNanos, onLate);
    }

    /// Disarms the deadline that `arm` returned, on the same thread, once the read returned.
    void disarm(ThreadDeadlines.Slot slot) {
        deadlines.disarm(slot);
    }

    Duration timeout() {
        return timeout;
    }

    @Override
    public void close() {
        deadlines.close();
    }
}
