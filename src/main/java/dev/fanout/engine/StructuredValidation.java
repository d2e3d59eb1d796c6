package dev.fanout.engine;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.HashSet;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/// Runs one multi-chunk validation under one `StructuredTaskScope`: `chunksInFlight` chunk
/// workers, subtasks that live as long as the run, each in turn read the next chunk (one at a
/// time, in input order), check it on a worker place and render its lines, then write every chunk
/// that is next in input order and done — whichever worker finishes the chunk the output waits
/// for writes it, and any done ones after it.
///
/// Why workers that read, rather than the calling thread reading and forking a subtask per chunk
/// for a writer subtask to write: each of those hand-offs woke a parked carrier, and the reading
/// thread, a third thread on two cores, lost its core to the one it woke (a fifth of its wall
/// time in `ForkJoinPool.signalWork`) while it was the stage everything waited for. Here the work
/// stays on the carriers, a worker waiting for the read lock or a place yields its carrier to
/// another, and no thread is woken per chunk (`EngineBenchmark`, one place: 271-287 -> 209-226 ms).
///
/// All of Fanout's structured-concurrency code lives here, because the API is a preview in JDK 25
/// and changes in later JDKs: an upgrade should touch this class only.
///
/// Bounds: at most `chunksInFlight` chunks are read but not yet written (a worker takes room
/// before it reads, the writing worker gives it back), and at most `workers` chunks are checked at
/// once (their lines are written outside the places, see [WorkerSlot]). Failure: when the output
/// fails, the scope is cancelled, which interrupts every worker, and the exception reaches the
/// caller. A chunk whose validation fails (a bug) ends the stream with an `internal_error` line
/// instead of a half-written row. Reaching the error limit stops a run too: the last lines are
/// written at once, no further chunk is read, and the workers are interrupted (their lookups with
/// them) — all but the one reading, if any: interrupting a read closes an upload's socket
/// (a virtual thread's blocking read), and the rest of the upload is to be left unread on an open
/// connection, so that read ends by itself. The run then ends normally.
final class StructuredValidation {
    /// More permits than any run can hold, released to wake workers waiting for room.
    private static final int WAKE_ALL = Integer.MAX_VALUE / 2;

    private final ChunkReader reader;
    private final RowValidator validator;
    private final OrderedWriter writer;
    private final Semaphore inFlight;
    private final int chunkWorkers;
    private final ValidationPlaces workers;
    /// The chunks read and not yet written, in input order: added under `readLock`, taken under
    /// `writeLock`.
    private final Queue<Slot> slots = new ConcurrentLinkedQueue<>();
    /// Taken to read a chunk: one reads at a time, so that chunks are read, and queued, in order.
    private final ReentrantLock readLock = new ReentrantLock();
    /// Held by the worker writing: tried, never waited for (see [#writeWhatIsDone]).
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final ThreadFactory threads;
    private final EngineMetrics metrics;
    private final long startNanos;
    /// The chunk read before the workers started, until one takes it; guarded by `readLock`.
    private Chunk first;
    /// Whether the last chunk has been read; guarded by `readLock`.
    private boolean ended;
    /// The workers under way, and the one reading (null when none): guarded by `this`, so that
    /// [#stop] never interrupts a read.
    private final Set<Thread> running = new HashSet<>();
    private Thread reading;
    private volatile Chunk last;
    private volatile StreamError internalError;
    /// Set by the writing worker when the error limit stopped the run.
    private volatile RunOutcome stoppedOutcome;

    /// A chunk on its way: its validation result arrives in `result`, in any order; the writing
    /// worker takes slots in input order.
    private record Slot(Chunk chunk, CompletableFuture<ValidatedChunk> result) {
    }

    private StructuredValidation(Chunk first, ChunkReader reader, RowValidator validator, OrderedWriter writer,
            ValidationPlaces workers, int chunksInFlight, ThreadFactory threads, EngineMetrics metrics, long startNanos) {
        this.first = first;
        this.startNanos = startNanos;
        this.threads = threads;
        this.metrics = metrics;
        this.reader = reader;
        this.validator = validator;
        this.writer = writer;
        this.inFlight = new Semaphore(chunksInFlight);
        // As many as chunks may be in flight: each can be waiting on its lookups.
        this.chunkWorkers = chunksInFlight;
        this.workers = workers;
    }

    /// Validates `first` and every chunk after it, writing them in order; returns the chunk that
    /// ended the input (it carries the input's failure, if any) or the internal failure.
    ///
    /// @throws IOException when writing the output failed; every subtask has ended by then
    static StreamEnd run(Chunk first, ChunkReader reader, RowValidator validator, OrderedWriter writer,
            ValidationPlaces workers, int chunksInFlight, ThreadFactory threads, EngineMetrics metrics, long startNanos) throws IOException {
        return new StructuredValidation(first, reader, validator, writer, workers, chunksInFlight, threads, metrics, startNanos).run();
    }

    /// How the input ended: the last chunk read, and an internal error that cut the run short; or,
    /// when the error limit stopped the run, its outcome (the last lines are written already).
    record StreamEnd(Chunk last, StreamError internalError, RunOutcome stopped) {
    }

    private StreamEnd run() throws IOException {
        try (var scope = StructuredTaskScope.open(Joiner.<Object>awaitAllSuccessfulOrThrow(),
                config -> config.withThreadFactory(threads))) {
            for (int i = 0; i < chunkWorkers; i++) {
                scope.fork(this::work);
            }
            join(scope);
        }
        return new StreamEnd(last, internalError, stoppedOutcome);
    }

    private void join(StructuredTaskScope<Object, Void> scope) throws IOException {
        try {
            scope.join();
        } catch (StructuredTaskScope.FailedException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        } catch (InterruptedException e) {
            // The caller's thread was interrupted (its client went, or the server shuts down):
            // closing the scope interrupts every worker.
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("validation interrupted");
        }
    }

    /// One chunk worker: reads a chunk, validates it, writes what is done, until the input ends
    /// or the run stops.
    private Void work() throws IOException, InterruptedException {
        synchronized (this) {
            if (stopped.get()) {
                return null;
            }
            running.add(Thread.currentThread());
        }
        try {
            while (true) {
                Slot slot = readNext();
                if (slot == null) {
                    return null;
                }
                if (slot.chunk().size() == 0) {
                    // Only says that the input ended (after a full chunk): nothing to validate or time.
                    slot.result().complete(new ValidatedChunk(slot.chunk().firstRow(), 0, new byte[0], 0, 0, new int[0], 0, null, null, new int[0]));
                } else {
                    validate(slot);
                }
                writeWhatIsDone();
            }
        } catch (InterruptedException e) {
            if (stopped.get()) {
                // Stopped by [#stop] (the error limit or an internal error), not cancelled: the
                // run ends normally.
                return null;
            }
            stop();
            throw e;
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        } finally {
            synchronized (this) {
                running.remove(Thread.currentThread());
            }
        }
    }

    /// Takes room, then reads the next chunk and queues its slot; null when the input has ended
    /// or the run has stopped.
    private Slot readNext() throws InterruptedException {
        readLock.lockInterruptibly();
        try {
            if (ended) {
                return null;
            }
            inFlight.acquire();
            Chunk chunk = first;
            first = null;
            if (chunk == null) {
                if (!startReading()) {
                    return null;
                }
                try {
                    chunk = reader.next();
                } finally {
                    endReading();
                }
            }
            if (stopped.get()) {
                return null;
            }
            var slot = new Slot(chunk, new CompletableFuture<>());
            slots.add(slot);
            if (chunk.last()) {
                ended = true;
                last = chunk;
            }
            return slot;
        } finally {
            readLock.unlock();
        }
    }

    private synchronized boolean startReading() {
        if (stopped.get()) {
            return false;
        }
        reading = Thread.currentThread();
        return true;
    }

    private synchronized void endReading() {
        reading = null;
    }

    private void validate(Slot slot) throws InterruptedException {
        long queuedNanos = System.nanoTime();
        WorkerSlot worker = WorkerSlot.acquire(workers);
        long startNanos = System.nanoTime();
        metrics.queueWaited(startNanos - queuedNanos);
        // A chunk's validation time is the time it holds its place: checking its rows, not
        // writing their lines, which it does after giving the place up.
        worker.onChecked(() -> metrics.chunkValidated(System.nanoTime() - startNanos));
        try {
            slot.result().complete(validator.validate(slot.chunk(), worker));
        } catch (RuntimeException | Error e) {
            slot.result().completeExceptionally(e);
        } finally {
            worker.release();
        }
    }

    /// Writes the chunks at the head of the queue that are done, in order, if no other worker is
    /// writing; flushes when it stops at one not done, to let the client see what is written
    /// before the run waits. A worker that finds the writer busy leaves its chunk to it: the
    /// writer looks at the head again after letting the lock go.
    private void writeWhatIsDone() throws IOException {
        while (writeLock.tryLock()) {
            try {
                if (!writeDoneHeads()) {
                    return;
                }
            } finally {
                writeLock.unlock();
            }
            Slot head = slots.peek();
            if (stopped.get() || head == null || !head.result().isDone()) {
                return;
            }
        }
    }

    /// Writes the done chunks at the head of the queue; false when the run is over (the last chunk
    /// written, the error limit reached, a validation failed) or stopped.
    private boolean writeDoneHeads() throws IOException {
        boolean wrote = false;
        Slot slot;
        while (!stopped.get() && (slot = slots.peek()) != null && slot.result().isDone()) {
            slots.poll();
            ValidatedChunk validated;
            try {
                validated = slot.result().join();
            } catch (CompletionException e) {
                internalError = ValidationRun.checksFailed(e.getCause(), slot.chunk().firstRow());
                stop();
                return false;
            }
            writer.write(validated);
            wrote = true;
            reader.recycle(slot.chunk());
            if (writer.stopped()) {
                // The last lines go out now, not once the reading worker is back: it may be
                // waiting for more of an upload whose client stops sending once it sees them.
                stoppedOutcome = writer.finish(Optional.empty(), startNanos);
                writer.flush();
                stop();
                return false;
            }
            inFlight.release();
            if (slot.chunk().last()) {
                return false;
            }
        }
        if (wrote) {
            writer.flush();
        }
        return !stopped.get();
    }

    /// No chunk is read or written any more: interrupts every other worker but the one reading (see
    /// the class comment; one waiting for a wide record's turn gives up by itself), and wakes those
    /// waiting for room.
    private void stop() {
        reader.stopWaiting();
        synchronized (this) {
            if (stopped.getAndSet(true)) {
                // Stopped already, by another worker (two may fail at once when the client goes):
                // its workers are interrupted and woken, and no worker joins after. A second
                // release of WAKE_ALL would pass the semaphore's maximum, an Error in place of
                // the run's own failure.
                return;
            }
            for (Thread worker : running) {
                if (worker != reading && worker != Thread.currentThread()) {
                    worker.interrupt();
                }
            }
        }
        inFlight.release(WAKE_ALL);
    }

    /// Runs `tasks`, each in its own subtask of a new scope owned by the calling thread, as many at
    /// once as `room` has permits (one taken before each fork, given back when its subtask ends),
    /// and returns their results in the tasks' order (a chunk's upstream lookups; `room` is shared
    /// by the chunks of a run). If the caller is interrupted (its run was cancelled), every task
    /// is interrupted too.
    ///
    /// @throws InterruptedException when the caller was interrupted
    @SuppressWarnings("InterruptedInCatchBlock") // clears the interrupt it set itself to join, then rethrows
    static <T> List<T> all(List<Callable<T>> tasks, ThreadFactory threads, Semaphore room) throws InterruptedException {
        int taken = 0;
        AtomicInteger started = new AtomicInteger();
        try (var scope = StructuredTaskScope.open(Joiner.<T>allSuccessfulOrThrow(), config -> config.withThreadFactory(threads))) {
            List<StructuredTaskScope.Subtask<T>> subtasks = new ArrayList<>(tasks.size());
            try {
                for (Callable<T> task : tasks) {
                    room.acquire();
                    taken++;
                    subtasks.add(scope.fork(() -> {
                        started.incrementAndGet();
                        try {
                            return task.call();
                        } finally {
                            room.release();
                        }
                    }));
                }
            } catch (InterruptedException e) {
                // Fork no more. The scope must still be joined (closing an unjoined scope throws):
                // with the interrupt set again, join() returns at once if a subtask still runs,
                // and closing cancels those; if none runs, it returns normally, so throw here.
                Thread.currentThread().interrupt();
                try {
                    scope.join();
                } finally {
                    Thread.interrupted();
                }
                throw e;
            }
            scope.join();
            List<T> results = new ArrayList<>(subtasks.size());
            for (StructuredTaskScope.Subtask<T> subtask : subtasks) {
                results.add(subtask.get());
            }
            return results;
        } catch (StructuredTaskScope.FailedException e) {
            if (e.getCause() instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            throw new IllegalStateException("a lookup failed unexpectedly", e.getCause());
        } finally {
            // A subtask forked after the scope was cancelled never runs: its permit comes back
            // here (the scope is closed, so every task that started has ended and given its own).
            room.release(taken - started.get());
        }
    }

}
