package dev.fanout.engine;

import java.util.concurrent.Semaphore;
import org.jspecify.annotations.Nullable;

/// The worker place a chunk's validation holds. It is given up while the chunk waits on upstream
/// lookups — waiting is not work, and holding it would cap a request's lookups in flight at about
/// workers × chunk rows — and taken back before validation goes on; and given up for good once
/// every row is checked, before the rows' lines are written, so that the next chunk is checked
/// meanwhile (the engine with one place on the 100 MB people file: 316-325 -> 270-275 ms). Used
/// by one thread.
final class WorkerSlot {
    /// For a chunk validated inline, outside the worker pool: nothing to give up.
    static final WorkerSlot NONE = new WorkerSlot(null);

    private final ValidationPlaces places;
    /// Where the held place came from (a shared or a spare place), null when none is held.
    private Semaphore held;
    /// Told once, when the chunk's rows are checked ([#checked]); null when no one listens.
    private @Nullable Runnable onChecked;

    private WorkerSlot(ValidationPlaces places) {
        this.places = places;
    }

    /// A slot for a chunk validated inline, with nothing to give up but a listener of its own
    /// ([#NONE] is shared and takes none).
    static WorkerSlot unplaced() {
        return new WorkerSlot(null);
    }

    /// Takes a place from `places`, waiting for one.
    static WorkerSlot acquire(ValidationPlaces places) throws InterruptedException {
        var slot = new WorkerSlot(places);
        slot.held = places.take();
        return slot;
    }

    /// Runs `listener` when the chunk's rows are checked, just before its place is given up (the
    /// time the place was held is the chunk's validation time). Not for [#NONE], which chunks share.
    void onChecked(Runnable listener) {
        onChecked = listener;
    }

    /// Every row of the chunk is checked: the listener is told and the place given up for good
    /// (its lines are written outside it).
    void checked() {
        // Told before the place goes: a chunk that takes it next is then never seen as checking
        // at the same time as this one.
        Runnable listener = onChecked;
        onChecked = null;
        if (listener != null) {
            listener.run();
        }
        pause();
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
