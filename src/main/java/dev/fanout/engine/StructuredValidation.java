package dev.fanout.engine;

import dev.fanout.csv.StreamErrorCode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/// Runs one multi-chunk validation under one `StructuredTaskScope`: the calling thread reads
/// chunks and forks a validation subtask per chunk; one writer subtask writes the results in
/// input order as soon as every earlier chunk is out.
///
/// All of Fanout's structured-concurrency code lives here, because the API is a preview in JDK 25
/// and changes in later JDKs: an upgrade should touch this class only.
///
/// Bounds: at most `chunksInFlight` chunks are read but not yet written (the reader waits for the
/// writer), and at most `workers` chunks are checked at once (their lines are written outside the
/// places, see [WorkerSlot]). Failure: when the output fails,
/// the writer's exception cancels the scope, which interrupts the validation subtasks, and the
/// reader stops at its next step; the exception reaches the caller. A validation subtask that
/// fails (a bug) ends the stream with an `internal_error` line instead of a half-written row.
/// Reaching the error limit stops a run the way a failed output does (the writer cancels the
/// scope, so the chunks in flight and their lookups are interrupted and no further chunk is read),
/// except that the run then ends normally, for its last lines to be written.
final class StructuredValidation {
    /// More permits than any run can hold, released to wake a reader waiting for the writer.
    private static final int WAKE_ALL = Integer.MAX_VALUE / 2;

    private final ChunkReader reader;
    private final RowValidator validator;
    private final OrderedWriter writer;
    private final Semaphore inFlight;
    private final ValidationPlaces workers;
    private final BlockingQueue<Slot> slots;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private volatile StreamError internalError;

    /// A chunk on its way: its validation result arrives in `result`, in any order; the writer
    /// takes slots in input order.
    private record Slot(Chunk chunk, CompletableFuture<ValidatedChunk> result) {
    }

    private final ThreadFactory threads;
    private final EngineMetrics metrics;
    private final long startNanos;
    /// Set by the writer when the error limit stopped the run.
    private volatile RunOutcome stoppedOutcome;

    private StructuredValidation(ChunkReader reader, RowValidator validator, OrderedWriter writer, ValidationPlaces workers,
            int chunksInFlight, ThreadFactory threads, EngineMetrics metrics, long startNanos) {
        this.startNanos = startNanos;
        this.threads = threads;
        this.metrics = metrics;
        this.reader = reader;
        this.validator = validator;
        this.writer = writer;
        this.inFlight = new Semaphore(chunksInFlight);
        this.workers = workers;
        this.slots = new ArrayBlockingQueue<>(chunksInFlight);
    }

    /// Validates `first` and every chunk after it, writing them in order; returns the chunk that
    /// ended the input (it carries the input's failure, if any) or the internal failure.
    ///
    /// @throws IOException when writing the output failed; every subtask has ended by then
    static StreamEnd run(Chunk first, ChunkReader reader, RowValidator validator, OrderedWriter writer,
            ValidationPlaces workers, int chunksInFlight, ThreadFactory threads, EngineMetrics metrics, long startNanos) throws IOException {
        return new StructuredValidation(reader, validator, writer, workers, chunksInFlight, threads, metrics, startNanos).run(first);
    }

    /// How the input ended: the last chunk read, and an internal error that cut the run short; or,
    /// when the error limit stopped the run, its outcome (the last lines are written already).
    record StreamEnd(Chunk last, StreamError internalError, RunOutcome stopped) {
    }

    private StreamEnd run(Chunk first) throws IOException {
        Chunk chunk = first;
        try (var scope = StructuredTaskScope.open(Joiner.<Object>awaitAllSuccessfulOrThrow(),
                config -> config.withThreadFactory(threads))) {
            scope.fork(this::writeInOrder);
            while (true) {
                if (!awaitRoom(scope)) {
                    break;
                }
                var slot = new Slot(chunk, new CompletableFuture<>());
                slots.add(slot);
                if (chunk.size() == 0) {
                    // Only says that the input ended (after a full chunk): nothing to validate or time.
                    slot.result().complete(new ValidatedChunk(chunk.firstRow(), 0, new byte[0], 0, new int[0], 0, null, null, new int[0]));
                } else {
                    scope.fork(() -> validate(slot));
                }
                if (chunk.last()) {
                    break;
                }
                chunk = reader.next();
            }
            join(scope);
        }
        return new StreamEnd(chunk, internalError, stoppedOutcome);
    }

    private boolean awaitRoom(StructuredTaskScope<?, ?> scope) throws IOException {
        try {
            inFlight.acquire();
        } catch (InterruptedException e) {
            // The caller's thread was interrupted (the server shuts down): stop like a failed output.
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("validation interrupted");
        }
        return !stopped.get() && !scope.isCancelled();
    }

    private void join(StructuredTaskScope<Object, Void> scope) throws IOException {
        try {
            scope.join();
        } catch (StructuredTaskScope.FailedException e) {
            if (e.getCause() instanceof ErrorLimitReached) {
                return;
            }
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("validation interrupted");
        }
    }

    private Void validate(Slot slot) throws InterruptedException {
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
        return null;
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

    /// Thrown by the writer when the error limit is reached, to cancel the scope: not a failure.
    private static final class ErrorLimitReached extends Exception {
        ErrorLimitReached() {
            super("the error limit was reached", null, false, false);
        }
    }

    private Void writeInOrder() throws IOException, InterruptedException, ErrorLimitReached {
        try {
            while (true) {
                Slot slot = slots.peek();
                if (slot == null || !slot.result().isDone()) {
                    // About to wait: let the client see what is already written.
                    writer.flush();
                }
                slot = slots.take();
                ValidatedChunk validated;
                try {
                    validated = slot.result().get();
                } catch (ExecutionException e) {
                    internalError = new StreamError(StreamErrorCode.INTERNAL_ERROR,
                            "validation failed unexpectedly; the rows from here on were not checked", slot.chunk().firstRow());
                    stop();
                    return null;
                }
                writer.write(validated);
                reader.recycle(slot.chunk());
                if (writer.stopped()) {
                    // The last lines go out now, not once the reading thread is back: it may be
                    // waiting for more of an upload whose client stops sending once it sees them.
                    stoppedOutcome = writer.finish(java.util.Optional.empty(), startNanos);
                    writer.flush();
                    stop();
                    throw new ErrorLimitReached();
                }
                inFlight.release();
                if (slot.chunk().last()) {
                    return null;
                }
            }
        } catch (IOException | RuntimeException | InterruptedException e) {
            stop();
            throw e;
        }
    }

    private void stop() {
        stopped.set(true);
        inFlight.release(WAKE_ALL);
    }
}
