package dev.fanout.server;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/// Admission control for validations: at most `limit` run at once, and of those at most
/// `largeLimit` large ones (a large upload holds several chunks in memory: without this bound a
/// burst of big uploads exhausts the heap); beyond either a request is refused at once with `503`
/// + `Retry-After` instead of queueing without bound. While the server drains for shutdown every
/// new request is refused the same way. Thread-safe.
final class Admission {
    private final int limit;
    private final int largeLimit;
    private final Semaphore permits;
    private final Semaphore largePermits;
    private volatile boolean draining;

    Admission(int limit, int largeLimit) {
        this.limit = limit;
        this.largeLimit = largeLimit;
        this.permits = new Semaphore(limit);
        this.largePermits = new Semaphore(largeLimit);
    }

    /// A granted place; closing it gives the place back. Close it exactly once.
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /// Takes a place (and a large one for a large upload) or refuses the request.
    ///
    /// @throws ProblemException `503 overloaded` when full or draining
    Permit enter(boolean large) {
        if (draining) {
            throw ProblemException.shuttingDown();
        }
        if (!permits.tryAcquire()) {
            throw ProblemException.overloaded("more than " + limit + " validations are running; retry shortly");
        }
        if (!large) {
            return permits::release;
        }
        if (!largePermits.tryAcquire()) {
            permits.release();
            throw ProblemException.overloaded("more than " + largeLimit + " large uploads are being validated; retry shortly");
        }
        return () -> {
            largePermits.release();
            permits.release();
        };
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
