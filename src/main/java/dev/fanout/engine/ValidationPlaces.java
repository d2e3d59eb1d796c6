package dev.fanout.engine;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/// The places where chunks are validated: a chunk takes one before it validates, gives it up while
/// it waits on lookups, and gives it back after ([WorkerSlot]). A run of the CLI has places of its
/// own; a gateway's runs share theirs ([ValidationEngine#sharingWorkers]): `shared` places, taken
/// in the order asked for, and `spare` places that a chunk takes only while its run is the only
/// one under way.
///
/// Why the spare places: with one shared place on two cores (the core left over reads uploads and
/// sends answers, which keeps concurrent uploads' slowest requests near their median), a lone
/// upload whose checks cost far more than its parse validated on one core, at half the speed it
/// had with two (bench/RESULTS.md, "Issue 11, fourth pass"). Alone, no other request waits behind
/// its chunks. As soon as a second run starts, chunks take shared places only; a spare place still
/// held is given back when its chunk is done.
///
/// Thread-safe.
final class ValidationPlaces {
    private final Semaphore shared;
    private final Semaphore spare;
    /// Runs under way (between `runStarted` and `runEnded`), small ones validated inline included.
    private final AtomicInteger runs = new AtomicInteger();

    private ValidationPlaces(Semaphore shared, Semaphore spare) {
        this.shared = shared;
        this.spare = spare;
    }

    /// `workers` places for one run alone.
    static ValidationPlaces ofRun(int workers) {
        return new ValidationPlaces(new Semaphore(workers), new Semaphore(0));
    }

    /// Places for many runs: `workers` shared ones, taken first come first served, and `spare`
    /// more for a run while it is the only one.
    static ValidationPlaces shared(int workers, int spare) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1, got " + workers);
        }
        if (spare < 0) {
            throw new IllegalArgumentException("spare places must not be negative, got " + spare);
        }
        return new ValidationPlaces(new Semaphore(workers, true), new Semaphore(spare));
    }

    /// Takes a place, waiting for one, and returns the semaphore to give it back to.
    Semaphore take() throws InterruptedException {
        // Alone, a free shared place first (barging is harmless: any waiter is the run's own), then a spare one.
        if (runs.get() <= 1) {
            if (shared.tryAcquire()) {
                return shared;
            }
            if (spare.tryAcquire()) {
                return spare;
            }
        }
        shared.acquire();
        return shared;
    }

    /// A run begins: until it ends, other runs take no spare place.
    void runStarted() {
        runs.incrementAndGet();
    }

    void runEnded() {
        runs.decrementAndGet();
    }
}
