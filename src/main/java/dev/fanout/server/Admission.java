package dev.fanout.server;

import dev.fanout.engine.KeyBudget;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/// Admission control for validations: at most `limit` run at once, and of those at most
/// `largeLimit` large ones (a large upload holds several chunks in memory: without this bound a
/// burst of big uploads exhausts the heap); beyond either a request is refused at once with `503`
/// + `Retry-After` instead of queueing without bound. While the server drains for shutdown every
/// new request is refused the same way. A large place stands for 4 MB of the heap (see
/// `ServerSettings`), and the keys a run remembers for `unique` and `primaryKey` take free large
/// places as they grow past 1 MB ([#keyBudget]), so that a burst of keyed uploads cannot exhaust
/// the heap either. Thread-safe.
final class Admission {
    /// What a run's keys may take on the place it was admitted to.
    static final long FREE_KEY_BYTES = 1L << 20;
    /// The heap a large place stands for.
    static final long PLACE_BYTES = 4L << 20;

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

    /// A budget for one run's keys: [#FREE_KEY_BYTES], then one more large place for each further
    /// [#PLACE_BYTES], taken only when free (a keyed run then ends with `too_many_keys` rather
    /// than wait), and given back as the keys are.
    KeyBudget keyBudget() {
        return new PlacesForKeys();
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

    /// One run's keys, paid for with large places.
    private final class PlacesForKeys implements KeyBudget {
        private long held;
        private int places;

        @Override
        public synchronized boolean take(long bytes) {
            int needed = placesFor(held + bytes);
            if (needed > places) {
                if (!largePermits.tryAcquire(needed - places)) {
                    return false;
                }
                places = needed;
            }
            held += bytes;
            return true;
        }

        @Override
        public synchronized void giveBack(long bytes) {
            held -= bytes;
            int needed = placesFor(held);
            if (needed < places) {
                largePermits.release(places - needed);
                places = needed;
            }
        }

        @Override
        public synchronized String describe() {
            return ("the %d MiB this server could give them (1 MiB, and 4 MiB for each free place of its"
                    + " fanout.limits.max-concurrent-large-validations, which a larger heap makes more of)").formatted(
                    (FREE_KEY_BYTES + places * PLACE_BYTES) >> 20);
        }

        private static int placesFor(long bytes) {
            return bytes <= FREE_KEY_BYTES ? 0 : (int) ((bytes - FREE_KEY_BYTES + PLACE_BYTES - 1) / PLACE_BYTES);
        }
    }
}
