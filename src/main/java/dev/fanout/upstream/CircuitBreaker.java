package dev.fanout.upstream;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/// One upstream's circuit breaker. Closed, it lets every call through and counts consecutive
/// failed calls (5xx, time-outs, connection errors; any other HTTP answer means the upstream is
/// alive and resets the count). After `failureThreshold` of them it opens: calls are refused, so
/// rows get `lookup_unavailable` at once instead of piling onto a sick upstream. After `openFor` it
/// is half-open: exactly one trial call goes through; its success closes the circuit, its failure
/// opens it for another period. Thread-safe; nothing blocks while holding the lock.
final class CircuitBreaker {
    /// What [#tryCall()] allows. The caller hands it back with the call's result, so that only the
    /// trial's result decides a half-open circuit (not a late result of a call started while closed).
    enum Permission { CALL, TRIAL, REFUSED }

    private enum State { CLOSED, OPEN, HALF_OPEN }

    private final int failureThreshold;
    private final long openNanos;
    private final LongSupplier nanoTime;
    private final ReentrantLock lock = new ReentrantLock();

    // All written under lock. `state` and `consecutiveFailures` are also read without it: a
    // closed circuit with no failures, the usual case, lets calls through and takes their
    // successes without locking (with a thousand calls in flight, the lock was contended).
    private volatile State state = State.CLOSED;
    private volatile int consecutiveFailures;
    private long openedAtNanos;
    private boolean trialInFlight;

    CircuitBreaker(int failureThreshold, Duration openFor) {
        this(failureThreshold, openFor, System::nanoTime);
    }

    CircuitBreaker(int failureThreshold, Duration openFor, LongSupplier nanoTime) {
        this.failureThreshold = failureThreshold;
        this.openNanos = openFor.toNanos();
        this.nanoTime = nanoTime;
    }

    /// Asks to make one call now.
    Permission tryCall() {
        if (state == State.CLOSED) {
            return Permission.CALL;
        }
        lock.lock();
        try {
            return switch (state) {
                case CLOSED -> Permission.CALL;
                case OPEN -> {
                    if (nanoTime.getAsLong() - openedAtNanos < openNanos) {
                        yield Permission.REFUSED;
                    }
                    state = State.HALF_OPEN;
                    trialInFlight = true;
                    yield Permission.TRIAL;
                }
                case HALF_OPEN -> {
                    if (trialInFlight) {
                        yield Permission.REFUSED;
                    }
                    trialInFlight = true;
                    yield Permission.TRIAL;
                }
            };
        } finally {
            lock.unlock();
        }
    }

    /// Reports how a permitted call went: `healthy` when the upstream answered anything but a 5xx.
    @SuppressWarnings("NonAtomicVolatileUpdate") // written under the lock; volatile for the lock-free check above it
    void record(Permission permission, boolean healthy) {
        if (permission == Permission.CALL && healthy && state == State.CLOSED && consecutiveFailures == 0) {
            return; // nothing would change
        }
        lock.lock();
        try {
            if (permission == Permission.TRIAL) {
                trialInFlight = false;
                if (healthy) {
                    close();
                } else {
                    open();
                }
            } else if (permission == Permission.CALL && state == State.CLOSED) {
                if (healthy) {
                    consecutiveFailures = 0;
                } else if (++consecutiveFailures >= failureThreshold) {
                    open();
                }
            }
            // A CALL finishing while open or half-open started before the circuit opened: it says
            // nothing the trial will not say more recently.
        } finally {
            lock.unlock();
        }
    }

    /// Reports that a permitted call was cancelled before it had a result: a trial's slot is
    /// given back so the next caller can try.
    void abandon(Permission permission) {
        if (permission != Permission.TRIAL) {
            return;
        }
        lock.lock();
        try {
            trialInFlight = false;
        } finally {
            lock.unlock();
        }
    }

    private void open() {
        state = State.OPEN;
        openedAtNanos = nanoTime.getAsLong();
        consecutiveFailures = 0;
    }

    private void close() {
        state = State.CLOSED;
        consecutiveFailures = 0;
    }
}
