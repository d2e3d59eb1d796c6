package dev.fanout.engine;

import java.util.concurrent.Semaphore;

/// The worker place a chunk's validation holds. It is given up while the chunk waits on upstream
/// lookups — waiting is not work, and holding it would cap a request's lookups in flight at about
/// workers × chunk rows — and taken back before validation goes on. Used by one thread.
final class WorkerSlot {
    /// For a chunk validated inline, outside the worker pool: nothing to give up.
    static final WorkerSlot NONE = new WorkerSlot(null);

    private final Semaphore workers;
    private boolean held;

    private WorkerSlot(Semaphore workers) {
        this.workers = workers;
    }

    /// Takes a place from `workers`, waiting for one.
    static WorkerSlot acquire(Semaphore workers) throws InterruptedException {
        workers.acquire();
        var slot = new WorkerSlot(workers);
        slot.held = true;
        return slot;
    }

    /// Gives the place up for an I/O wait.
    void pause() {
        if (workers != null && held) {
            held = false;
            workers.release();
        }
    }

    /// Takes a place back after an I/O wait.
    void resume() throws InterruptedException {
        if (workers != null && !held) {
            workers.acquire();
            held = true;
        }
    }

    /// Gives the place back for good, if it is held.
    void release() {
        pause();
    }
}
