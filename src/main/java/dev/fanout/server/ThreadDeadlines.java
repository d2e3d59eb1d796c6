package dev.fanout.server;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/// Deadlines that threads arm and disarm around something that may take too long (reading a
/// request's head, one socket write), and one shared platform thread that runs the action of any
/// deadline that passes while still armed. A thread has at most one deadline armed at a time.
///
/// Arming and disarming touch only the calling thread's own slot (a thread-local): an atomic swap
/// and a compare-and-set on a line no other thread writes, where a shared `ConcurrentHashMap`
/// entry put and removed per request cost ~2 % of the gateway's CPU under W1 (issue 11), its
/// table and counters written by both cores. The checker finds the slots in a set that a thread
/// joins when it arms while out of it, and leaves after two checks in a row found it disarmed
/// (so threads that have ended are dropped, and a busy connection's thread is added once).
///
/// The checker runs every `period`. An action runs on the checker's thread, at most once per arming;
/// it must be quick (an exception or error it throws is logged, and the checks go on). Thread-safe.
final class ThreadDeadlines implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ThreadDeadlines.class.getName());

    // A slot's states besides an armed deadline: disarmed (in the set), and out of the set.
    private static final Armed DISARMED = new Armed(0, () -> { });
    private static final Armed DETACHED = new Armed(0, () -> { });

    @SuppressWarnings("ThreadLocalUsage") // per instance on purpose: two servers in one JVM (tests) keep apart
    private final ThreadLocal<Slot> slots = ThreadLocal.withInitial(Slot::new);
    private final Set<Slot> watched = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService checker;

    /// Deadlines of `timeout` checked a few times per `timeout` (every quarter of it, between 10 ms
    /// and 1 s), so that one is acted on at most a quarter late, by a daemon thread named
    /// `threadName`.
    static ThreadDeadlines forTimeout(String threadName, Duration timeout) {
        long periodNanos = Math.clamp(timeout.toNanos() / 4, TimeUnit.MILLISECONDS.toNanos(10),
                TimeUnit.SECONDS.toNanos(1));
        return new ThreadDeadlines(threadName, Duration.ofNanos(periodNanos));
    }

    /// Deadlines checked every `period` by a daemon thread named `threadName`.
    ThreadDeadlines(String threadName, Duration period) {
        this.checker = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name(threadName).factory());
        long periodNanos = period.toNanos();
        var _ = checker.scheduleWithFixedDelay(this::checkNow, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    // A scheduled task that throws is never run again: every deadline after it (slowloris heads,
    // stalled writes) would pass unseen for the rest of the process, with nothing logged.
    private void checkNow() {
        try {
            check(System.nanoTime());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "a deadline check failed; the next one runs as planned", e);
        }
    }

    /// Arms the calling thread's deadline: `onLate` runs if it is still armed at `deadlineNanos`
    /// (`System.nanoTime()`). Replaces a deadline the thread had armed. Returns the thread's slot,
    /// for [#disarm(Slot)] on the same thread.
    Slot arm(long deadlineNanos, Runnable onLate) {
        Slot slot = slots.get();
        var armed = new Armed(deadlineNanos, onLate);
        slot.mine = armed;
        if (slot.state.getAndSet(armed) == DETACHED) {
            watched.add(slot);
        }
        return slot;
    }

    /// Disarms the calling thread's deadline, if it armed one that has not fired.
    void disarm() {
        disarm(slots.get());
    }

    /// Disarms the deadline armed in `slot` (returned by [#arm] on this thread), if it has not
    /// fired: [#disarm()] without looking the thread's slot up again.
    void disarm(Slot slot) {
        Armed mine = slot.mine;
        if (mine != null) {
            slot.mine = null;
            slot.state.compareAndSet(mine, DISARMED);
        }
    }

    /// How many threads' slots the checker looks at (armed, or disarmed for less than two checks).
    int watchedThreads() {
        return watched.size();
    }

    /// One look at every slot: runs the actions of the deadlines passed at `nowNanos`, and drops
    /// the slots found disarmed twice in a row. The checker calls it every period; tests call it
    /// to control time.
    void check(long nowNanos) {
        for (Slot slot : watched) {
            Armed armed = slot.state.get();
            if (armed == DISARMED) {
                if (slot.idleChecks++ >= 1) {
                    detach(slot);
                }
                continue;
            }
            slot.idleChecks = 0;
            if (armed != DETACHED && nowNanos - armed.deadlineNanos > 0 && slot.state.compareAndSet(armed, DISARMED)) {
                try {
                    armed.onLate.run();
                } catch (RuntimeException e) {
                    // One failing action must not stop the checks of every other thread.
                    LOG.log(Level.WARNING, "a deadline's action failed", e);
                }
            }
        }
    }

    // Out of the set, unless its thread armed it meanwhile: then back in. A thread that arms a
    // detached slot adds it itself, so whichever of the two runs last, an armed slot ends up in
    // the set.
    private void detach(Slot slot) {
        watched.remove(slot);
        slot.idleChecks = 0;
        if (!slot.state.compareAndSet(DISARMED, DETACHED)) {
            watched.add(slot);
        }
    }

    /// Stops the checks.
    @Override
    public void close() {
        checker.shutdownNow();
        watched.clear();
    }

    // Compared by identity (the slot's compare-and-sets, the two states): not a record.
    private static final class Armed {
        final long deadlineNanos;
        final Runnable onLate;

        Armed(long deadlineNanos, Runnable onLate) {
            this.deadlineNanos = deadlineNanos;
            this.onLate = onLate;
        }
    }

    /// One thread's deadline. `mine` is its thread's alone; `idleChecks` the checker's alone.
    static final class Slot {
        private final AtomicReference<Armed> state = new AtomicReference<>(DETACHED);
        private Armed mine;
        private int idleChecks;
    }
}
