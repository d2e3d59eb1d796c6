package dev.fanout.server;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/// The write deadline: gives up on a client that has stopped reading its response for good.
///
/// A blocking socket write has no time-out (Helidon 4.4's socket options have none either), so
/// a client that keeps its connection open but reads nothing would hold its sender thread, its
/// admission place and its spill file for as long as the connection lives. Each response being
/// sent holds a `Watch`; the code that writes to the socket marks each write with `writing()` and
/// `wrote()`, which arm and disarm the writing thread's deadline in `ThreadDeadlines`. Their
/// checker looks a few times per `timeout` (a quarter of it, at most once a second); a watch that
/// has been inside one write for longer than `timeout` gets its give-up action run, once, which
/// closes the connection (see `ConnectionCloser`): the write then fails and the response ends as
/// it does when the client disconnects.
///
/// Watching costs nothing shared per response: a write arms and disarms its own thread's slot.
/// Thread-safe.
final class WriteWatchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WriteWatchdog.class.getName());

    private final Duration timeout;
    private final long timeoutNanos;
    private final ThreadDeadlines deadlines;

    WriteWatchdog(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the write time-out must be positive, not " + timeout);
        }
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.deadlines = ThreadDeadlines.forTimeout("fanout-write-watchdog", timeout);
    }

    /// The time a write may block before the connection is closed.
    Duration timeout() {
        return timeout;
    }

    /// Starts watching one response; `giveUp` runs (on the watchdog's thread, at most once) when
    /// one of its writes blocks for longer than the time-out. Nothing is held between writes, so
    /// a watch needs no closing.
    Watch watch(Runnable giveUp) {
        return new Watch(giveUp);
    }

    /// One response's socket writes, as the watchdog sees them. `writing` and `wrote` come from the
    /// one thread that writes, in pairs.
    final class Watch {
        private final Runnable giveUp;
        private final AtomicBoolean gaveUp = new AtomicBoolean();
        private final Runnable onLate = this::late;
        // The writing thread's slot while a write is armed.
        private ThreadDeadlines.Slot armed;

        private Watch(Runnable giveUp) {
            this.giveUp = giveUp;
        }

        /// A write to the socket starts: it may block until the client reads.
        void writing() {
            armed = deadlines.arm(System.nanoTime() + timeoutNanos, onLate);
        }

        /// The write returned: the client took the bytes (or the write failed).
        void wrote() {
            deadlines.disarm(armed);
            armed = null;
        }

        private void late() {
            if (gaveUp.compareAndSet(false, true)) {
                LOG.log(Level.INFO, "a client read nothing for " + timeout + " (fanout.response.write-timeout):"
                        + " closing its connection");
                giveUp.run();
            }
        }
    }

    /// Stops the checks (the server stops).
    @Override
    public void close() {
        deadlines.close();
    }
}
