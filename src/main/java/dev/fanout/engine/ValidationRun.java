package dev.fanout.engine;

import dev.fanout.csv.CsvSource;
import dev.fanout.csv.StreamErrorCode;
import dev.fanout.output.NdjsonRenderer;
import dev.fanout.schema.Schema;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;

/// One validation whose header has been read and accepted: `writeTo` validates the rest of the
/// input and writes the NDJSON. Obtained from `ValidationEngine.open`; used once, by one thread,
/// except `rowsRead()` and `bytesRead()`, which any thread may poll for progress, and `cancel()`,
/// which any thread may call.
public final class ValidationRun implements AutoCloseable {
    /// About how many bytes a chunk's lines may take besides its cells' own bytes (which the
    /// chunk's ~256 KB of input bound), were every field of every row to fail: a chunk has fewer
    /// rows than `chunkRows` when its `data` is so wide that they would take more (see
    /// `NdjsonRenderer.rowsWithin`). A people row's bound is ~1.5 KB, so its chunks keep up to
    /// ~5,400 rows (the default is 1,024); 1,000 failing fields keep ~30 rows (~2 MB of lines).
    private static final long CHUNK_LINE_BYTES = 8L << 20;
    /// About how many bytes a chunk's lines may take in a run of [#boundChunkLines]: a people
    /// row's bound is ~1.5 KB, so people chunks keep their 1,024 rows.
    private static final long SMALL_CHUNK_LINE_BYTES = 2L << 20;

    private final CsvSource source;
    private final Schema schema;
    private final ColumnMapping mapping;
    private final EngineOptions options;
    private final long startNanos;
    private final ChunkReader chunks;
    private final NdjsonRenderer renderer;
    private final ThreadFactory threads;
    /// The places this run's chunks are validated in: its own, or the engine's shared ones.
    private final ValidationPlaces workers;
    private final EngineMetrics metrics;
    private final Lookups lookups;
    private final List<ForeignKeyCheck> foreignKeys;
    private boolean used;
    /// The thread inside `writeTo`, for `cancel`; guarded by `this`.
    private Thread writing;
    private boolean cancelled;
    private volatile boolean stoppedEarly;
    /// The input's size when known ([#expectInputBytes]); 0 when not.
    private volatile long inputBytes;

    ValidationRun(CsvSource source, Schema schema, ColumnMapping mapping, EngineOptions options, long startNanos,
            ThreadFactory threads, ValidationPlaces workers, EngineMetrics metrics, Lookups lookups, List<ForeignKeyCheck> foreignKeys) {
        this.workers = workers;
        this.lookups = lookups;
        this.foreignKeys = foreignKeys;
        this.threads = threads;
        this.metrics = metrics;
        this.source = source;
        this.schema = schema;
        this.mapping = mapping;
        this.options = options;
        this.startNanos = startNanos;
        this.renderer = NdjsonRenderer.of(mapping.dataNames);
        this.chunks = new ChunkReader(source, renderer.rowsWithin(CHUNK_LINE_BYTES, options.chunkRows()));
    }

    /// The keys of each row's `data`, in output order.
    public List<String> dataNames() {
        return mapping.dataNames;
    }

    /// Validates every row and writes the NDJSON to `out` in input order, ending with the summary
    /// line (when asked) or the error line (when the input could not be read to its end). With an
    /// error limit (`maxErrors`), the run stops at the invalid row that reaches it: no later row is
    /// written, no further chunk is read, the chunks in flight are cancelled (their lookups
    /// interrupted), and the output ends with the summary (when asked, saying it stopped) and a
    /// `max_errors` error line; the rest of the input is left unread (see `stoppedEarly`). It
    /// neither flushes nor closes `out` at the end: the caller does.
    ///
    /// @throws IOException when writing to `out` failed; the run's work has stopped by then
    public RunOutcome writeTo(OutputStream out) throws IOException {
        return writeTo(out, KeyBudget.UNLIMITED);
    }

    /// As [#writeTo(OutputStream)], holding the keys that `unique`, `primaryKey`, `uniqueKeys` and
    /// self-referencing foreign keys remember within `keys`, and giving it all back at the end:
    /// when it runs out, the output ends at the row being decided with a `too_many_keys` error
    /// line.
    ///
    /// @throws IOException when writing to `out` failed; the run's work has stopped by then
    public RunOutcome writeTo(OutputStream out, KeyBudget keys) throws IOException {
        if (used) {
            throw new IllegalStateException("a run is written once");
        }
        used = true;
        synchronized (this) {
            if (cancelled) {
                throw new InterruptedIOException("validation cancelled");
            }
            writing = Thread.currentThread();
        }
        try {
            return validateAndWrite(out, keys);
        } finally {
            boolean wasCancelled;
            synchronized (this) {
                writing = null;
                wasCancelled = cancelled;
            }
            if (wasCancelled) {
                // No interrupt can come now: the one `cancel` sent is not left for the caller's
                // thread to trip over later.
                Thread.interrupted();
            }
        }
    }

    /// Stops the run from any thread (its client has gone): `writeTo` ends soon with an
    /// `InterruptedIOException`, its subtasks and their upstream lookups interrupted; a `writeTo`
    /// not yet begun fails at once.
    public void cancel() {
        synchronized (this) {
            cancelled = true;
            if (writing != null) {
                writing.interrupt();
            }
        }
    }

    private RunOutcome validateAndWrite(OutputStream out, KeyBudget keys) throws IOException {
        // Counted while under way, so that a run that is not alone takes no spare place.
        workers.runStarted();
        try {
            return validateAndWriteRows(out, keys);
        } finally {
            workers.runEnded();
        }
    }

    private RunOutcome validateAndWriteRows(OutputStream out, KeyBudget keys) throws IOException {
        List<UniqueConstraint> uniques = UniqueConstraint.of(schema);
        List<ForeignKeyCheck> selfReferences = ForeignKeyCheck.selfReferences(foreignKeys);
        var validator = new RowValidator(schema, mapping, options.mode(), uniques, foreignKeys, renderer, lookups, threads,
                options.limitsErrors(), true);
        var writer = new OrderedWriter(out, options.mode(), options.summary(), uniques, selfReferences, renderer,
                options.maxErrors(), keys, this::expectedRows);
        try {
            return validateAndWriteChunks(validator, writer);
        } finally {
            writer.releaseKeys();
        }
    }

    private RunOutcome validateAndWriteChunks(RowValidator validator, OrderedWriter writer) throws IOException {
        Chunk first = chunks.next();
        if (first.last()) {
            // A small input: forking would cost more than validating it here.
            long validateNanos = System.nanoTime();
            metrics.queueWaited(0);
            // Timed as a chunk on a place is: checking its rows, not writing their lines.
            WorkerSlot unplaced = WorkerSlot.unplaced();
            unplaced.onChecked(() -> metrics.chunkValidated(System.nanoTime() - validateNanos));
            ValidatedChunk validated;
            try {
                validated = validator.validate(first, unplaced);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("validation interrupted");
            } catch (RuntimeException | Error e) {
                // As when a chunk of several fails: an error line, not a failed run.
                return writer.finish(Optional.of(checksFailed(e, first.firstRow())), startNanos);
            }
            writer.write(validated);
            stoppedEarly = writer.stopped();
            return writer.finish(first.failure(), startNanos);
        }
        var end = StructuredValidation.run(first, chunks, validator, writer, workers, options.chunksInFlight(), threads,
                metrics, startNanos);
        stoppedEarly = writer.stopped();
        if (end.stopped() != null) {
            return end.stopped();
        }
        Optional<StreamError> error = end.internalError() != null ? Optional.of(end.internalError()) : end.last().failure();
        return writer.finish(error, startNanos);
    }

    /// The error line that ends a run whose checks of the chunk from `firstRow` threw `cause`
    /// instead of returning, on either path (a single chunk checked in place here, or several by
    /// `StructuredValidation`), so that a small input ends as a large one does. A bug's cause is
    /// logged with its stack trace: the line says nothing of it, and the operator must find it.
    static StreamError checksFailed(Throwable cause, long firstRow) {
        if (cause instanceof OutOfMemoryError) {
            // Not a bug, and the client can do something about it: retry.
            return new StreamError(StreamErrorCode.INTERNAL_ERROR, "the server ran out of memory validating these rows"
                    + " (retry when it is less busy); the rows from here on were not checked", firstRow);
        }
        // Looked up here, not held in a field: a constant would start the JDK's logging in every
        // `fanout validate` (and its AOT cache), which otherwise never logs.
        System.getLogger(ValidationRun.class.getName())
                .log(System.Logger.Level.ERROR, "checking the rows from row " + firstRow + " failed unexpectedly", cause);
        return new StreamError(StreamErrorCode.INTERNAL_ERROR, "validation failed unexpectedly; the rows from here on"
                + " were not checked", firstRow);
    }

    /// Whether the run stopped at its error limit, leaving the rest of the input unread: a caller
    /// that must not read an upload to its end then leaves the stream open rather than `close` it.
    public boolean stoppedEarly() {
        return stoppedEarly;
    }

    /// Says how many bytes the input has, when that is known before it is read (a file's size, an
    /// upload's `Content-Length`): a run with keys to remember then sizes its key sets for the
    /// rows the input likely has, from the rows per byte read so far. A hint: a wrong size costs
    /// only time or memory within the run's key budget.
    public void expectInputBytes(long bytes) {
        inputBytes = bytes;
    }

    /// Keeps each chunk's lines within about 2 MiB instead of the ~8 MB any run has: for a small
    /// input whose heap is bounded by its length, as the gateway's small uploads are (four bytes a
    /// byte of their bodies). A schema whose `data` is wide or whose errors are long makes a line
    /// of many times its row: 480 failing integer fields (a 16 KiB inline schema) turn a 1 KB row
    /// into ~36 KB, so a 200 KB upload's chunks of ~60 rows held ~6 MB each: of forty such
    /// uploads sent at once to the default launch (eleven admitted), one ended with
    /// `internal_error`, out of memory. Its chunks keep 15 rows now. Call before [#writeTo].
    public void boundChunkLines() {
        chunks.limitRows(renderer.rowsWithin(SMALL_CHUNK_LINE_BYTES, options.chunkRows()));
    }

    /// The rows the input likely has, from its expected size and the rows per byte so far; 0
    /// when unknown, or while less than a sixteenth of the input is read: rows per byte from the
    /// first rows alone could be far off (a table sized for them would be too), and the
    /// doublings up to then are cheap next to the later ones.
    private long expectedRows() {
        long size = inputBytes;
        if (size <= 0) {
            return 0;
        }
        long bytes = bytesRead();
        return bytes == 0 || bytes < size / 16 ? 0 : (long) ((double) rowsRead() * size / bytes);
    }

    /// Data rows read from the input so far.
    public long rowsRead() {
        return chunks.rowsRead();
    }

    /// Bytes read from the input so far.
    public long bytesRead() {
        return source.bytesRead();
    }

    /// Closes the input and gives the run's buffers back.
    @Override
    public void close() {
        chunks.release();
        source.close();
    }
}
