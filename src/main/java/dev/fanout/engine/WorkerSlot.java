package dev.fanout.engine;

import java.util.concurrent.Semaphore;

/// The worker place a chunk's validation holds. It is given up while the chunk waits on upstream
/// lookups — waiting is not work, and holding it would cap a request's lookups in flight at about
/// workers × chunk rows — and taken back before validation goes on. Used by one thread.
final class WorkerSlot {
    /// For a chunk validated inline, outside the worker pool: nothing to give up.
    static final WorkerSlot NONE = new WorkerSlot(null);

    private final ValidationPlaces places;
    /// Where the held place came from (a shared or a spare place), null when none is held.
    private Semaphore held;

    private WorkerSlot(ValidationPlaces places) {
        this.places = places;
    }

    /// Takes a place from `places`, waiting for one.
    static WorkerSlot acquire(ValidationPlaces places) throws InterruptedException {
        var slot = new WorkerSlot(places);
        slot.held = places.take();
        return slot;
    }

    /// Gives the place up for an I/O wait.
    void pause() {
        if (held != null) {
            held.release();
            held = null;
        }
    }

    /// Takes a place back after an I/O wait.
    void resume() throws InterruptedException {
        if (places != null && held == null) {
            held = places.take();
        }
    }

    /// Gives the place back for good, if it is held.
    void release() {
        pause();
    }
}
