package dev.fanout.server;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/// Admission control for validations: at most `limit` run at once; beyond that a request is
/// refused at once with `503` + `Retry-After` instead of queueing without bound. While the server
/// drains for shutdown every new request is refused the same way. Thread-safe.
final class Admission {
    private final int limit;
    private final Semaphore permits;
    private volatile boolean draining;

    Admission(int limit) {
        this.limit = limit;
        this.permits = new Semaphore(limit);
    }

    /// A granted place; closing it gives the place back. Close it exactly once.
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /// Takes a place or refuses the request.
    ///
    /// @throws ProblemException `503 overloaded` when full or draining
    Permit enter() {
        if (draining) {
            throw ProblemException.overloaded("the server is shutting down");
        }
        if (!permits.tryAcquire()) {
            throw ProblemException.overloaded("more than " + limit + " validations are running; retry shortly");
        }
        return permits::release;
    }

    /// Validations running now.
    int running() {
        return limit - permits.availablePermits();
    }

    /// Refuses new requests from now on and waits up to `grace` for the running ones to end.
    ///
    /// @return whether every running validation ended in time
    boolean drain(Duration grace) {
        draining = true;
        try {
            if (permits.tryAcquire(limit, grace.toMillis(), TimeUnit.MILLISECONDS)) {
                permits.release(limit);
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
