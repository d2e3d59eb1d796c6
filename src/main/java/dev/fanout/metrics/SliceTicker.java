package dev.fanout.metrics;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/// The ticking of [SliceClock#system()]: a platform (daemon) thread that runs `tick` (closing the
/// histograms' current slice) every `interval`, on a fixed schedule that does not drift; after a
/// long pause it skips the missed ticks rather than run a burst of them (which would only make
/// empty slices). `stop` wakes it with a signal,
/// never an interrupt, so a tick writing the `.hlog` is never cut mid-write, and joins it.
///
/// Not a virtual thread: under a load that keeps every carrier busy (W1, 500 connections on two
/// cores), a virtual thread woken by a timer waits in the scheduler's submission queue until the
/// load stops (JDK-8373118), and the `.hlog` of a 20 s W1 run had one 20 s interval. A platform
/// thread is woken by the OS on time.
final class SliceTicker implements SliceClock.Ticking {
    private static final System.Logger LOG = System.getLogger(SliceTicker.class.getName());
    private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(5);

    private final Duration interval;
    private final Runnable tick;
    private final ReentrantLock lock = new ReentrantLock();
    // Signalled by stop(), so the ticker stops without being interrupted mid-write.
    private final Condition stopping = lock.newCondition();
    private final Thread thread;
    private boolean stopped;

    private SliceTicker(Duration interval, Runnable tick) {
        this.interval = interval;
        this.tick = tick;
        this.thread = Thread.ofPlatform().name("fanout-histogram-ticker").daemon().unstarted(this::tickUntilStopped);
    }

    /// A started ticker.
    static SliceTicker start(Duration interval, Runnable tick) {
        SliceTicker ticker = new SliceTicker(interval, tick);
        ticker.thread.start();
        return ticker;
    }

    /// Stops the ticker and waits (up to 5 s) for a tick in progress to end.
    @Override
    public void stop() {
        lock.lock();
        try {
            stopped = true;
            stopping.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            if (!thread.join(JOIN_TIMEOUT)) {
                LOG.log(System.Logger.Level.WARNING, "histogram ticker did not stop within {0}", JOIN_TIMEOUT);
            }
        } catch (InterruptedException e) {
            // Preserve interrupt status: our caller is being stopped too.
            Thread.currentThread().interrupt();
        }
    }

    private void tickUntilStopped() {
        long intervalNanos = interval.toNanos();
        long nextTickNanos = System.nanoTime() + intervalNanos;
        try {
            while (awaitTick(nextTickNanos)) {
                try {
                    tick.run();
                } catch (RuntimeException | Error e) {
                    // A failed tick (a bug, or the heap running out while a slice is encoded) must
                    // not end the slicing: with the ticker gone, every later window and .hlog
                    // interval would silently span all the time since.
                    LOG.log(System.Logger.Level.ERROR, "closing a histogram slice failed; the next tick runs as planned", e);
                }
                nextTickNanos += intervalNanos;
                long nowNanos = System.nanoTime();
                if (nextTickNanos - nowNanos < 0) {
                    // Fell behind (a long pause): skip the missed ticks rather than emit a burst of
                    // empty slices; otherwise keep the schedule from drifting.
                    nextTickNanos = nowNanos + intervalNanos;
                }
            }
        } catch (InterruptedException e) {
            // Nothing of ours interrupts this thread (stop() signals `stopping`); if something does, stop.
            Thread.currentThread().interrupt();
        }
    }

    /// Waits until `tickNanos` (`System.nanoTime()`); false when stopped first.
    private boolean awaitTick(long tickNanos) throws InterruptedException {
        lock.lock();
        try {
            while (!stopped) {
                long waitNanos = tickNanos - System.nanoTime();
                if (waitNanos <= 0) {
                    return true;
                }
                stopping.awaitNanos(waitNanos);
            }
            return false;
        } finally {
            lock.unlock();
        }
    }
}
