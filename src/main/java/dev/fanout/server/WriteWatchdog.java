package dev.fanout.server;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/// The write deadline: gives up on a client that has stopped reading its response for good.
///
/// A blocking socket write has no time-out (Helidon 4.4's socket options have none either), so
/// a client that keeps its connection open but reads nothing would hold its sender thread, its
/// admission place and its spill file for as long as the connection lives. Each response being
/// sent holds a `Watch`; the code that writes to the socket marks each write with `writing()` and
/// `wrote()`. One shared thread looks at every watch a few times per `timeout` (a quarter of it, at
/// most once a second); a watch that has been inside one write for longer than `timeout` gets its
/// give-up action run, once, which closes the connection (see `ConnectionCloser`): the write then
/// fails and the response ends as it does when the client disconnects.
///
/// Watching costs one set entry per response being sent; nothing runs per request. Thread-safe.
final class WriteWatchdog implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WriteWatchdog.class.getName());
    private static final long NOT_WRITING = Long.MIN_VALUE;

    private final Duration timeout;
    private final long timeoutNanos;
    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService checker;

    WriteWatchdog(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the write time-out must be positive, not " + timeout);
        }
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        long periodNanos = Math.clamp(timeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
        this.checker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("fanout-write-watchdog").factory());
        var _ = checker.scheduleWithFixedDelay(this::check, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /// The time a write may block before the connection is closed.
    Duration timeout() {
        return timeout;
    }

    /// Starts watching one response; `giveUp` runs (on the watchdog's thread, at most once) when
    /// one of its writes blocks for longer than the time-out. Close the watch when the response
    /// has ended.
    Watch watch(Runnable giveUp) {
        var watch = new Watch(giveUp);
        watches.add(watch);
        return watch;
    }

    /// One response's socket writes, as the watchdog sees them. `writing` and `wrote` come from the
    /// one thread that writes.
    final class Watch implements AutoCloseable {
        private final Runnable giveUp;
        private final AtomicBoolean gaveUp = new AtomicBoolean();
        private volatile long writingSinceNanos = NOT_WRITING;

        private Watch(Runnable giveUp) {
            this.giveUp = giveUp;
        }

        /// A write to the socket starts: it may block until the client reads.
        void writing() {
            writingSinceNanos = System.nanoTime();
        }

        /// The write returned: the client took the bytes (or the write failed).
        void wrote() {
            writingSinceNanos = NOT_WRITING;
        }

        @Override
        public void close() {
            watches.remove(this);
        }

        private void check(long nowNanos) {
            long since = writingSinceNanos;
            if (since != NOT_WRITING && nowNanos - since > timeoutNanos && gaveUp.compareAndSet(false, true)) {
                LOG.log(Level.INFO, "a client read nothing for " + timeout + " (fanout.response.write-timeout):"
                        + " closing its connection");
                giveUp.run();
            }
        }
    }

    private void check() {
        long nowNanos = System.nanoTime();
        for (Watch watch : watches) {
            try {
                watch.check(nowNanos);
            } catch (RuntimeException e) {
                // A failing give-up must not stop the checks of every other response.
                LOG.log(Level.WARNING, "giving up on a client that stopped reading failed", e);
            }
        }
    }

    /// Stops the checks (the server stops).
    @Override
    public void close() {
        checker.shutdownNow();
    }
}
