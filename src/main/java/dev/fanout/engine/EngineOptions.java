package dev.fanout.engine;

import java.util.Objects;

/// How one run validates and writes: the SPEC's request options (`mode`, `summary`, `delimiter`,
/// `extra`, `maxErrors`: the invalid rows after which the run stops), the engine's tuning (`workers`, `chunkRows`, `chunksInFlight`) and the CSV limits
/// (`maxFieldBytes`, `maxColumns`, `maxRecordBytes`).
///
/// `workers` bounds how many chunks are validated at once; `chunksInFlight` bounds how many chunks
/// are read but not yet written, which with `chunkRows` bounds the run's memory whatever the file
/// size. Immutable; the `with*` methods return copies.
public record EngineOptions(
        Mode mode,
        boolean summary,
        char delimiter,
        ExtraColumns extra,
        int workers,
        int chunkRows,
        int chunksInFlight,
        int maxFieldBytes,
        int maxColumns,
        long maxErrors,
        int maxRecordBytes) {

    /// Rows per chunk by default: big enough that handing chunks between threads costs little per row, small enough that
    /// the first lines of a streamed upload come back early.
    public static final int DEFAULT_CHUNK_ROWS = 1024;
    /// The SPEC's default field limit (1 MiB).
    public static final int DEFAULT_MAX_FIELD_BYTES = 1 << 20;
    /// The SPEC's default column limit.
    public static final int DEFAULT_MAX_COLUMNS = 1024;
    /// `maxRecordBytes` when only the other limits bound a record (up to ~1 GiB): the CLI's, whose
    /// heap is a quarter of the memory.
    public static final int NO_RECORD_LIMIT = Integer.MAX_VALUE;
    /// `maxErrors` when there is no limit: every row is validated.
    public static final long NO_ERROR_LIMIT = Long.MAX_VALUE;

    public EngineOptions {
        Objects.requireNonNull(mode, "mode must not be null");
        Objects.requireNonNull(extra, "extra must not be null");
        if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
        }
        requirePositive(workers, "workers");
        requirePositive(chunkRows, "chunkRows");
        requirePositive(chunksInFlight, "chunksInFlight");
        requirePositive(maxFieldBytes, "maxFieldBytes");
        requirePositive(maxColumns, "maxColumns");
        requirePositive(maxRecordBytes, "maxRecordBytes");
        if (maxErrors < 1) {
            throw new IllegalArgumentException("maxErrors must be at least 1, not " + maxErrors);
        }
    }

    /// The SPEC's defaults, with one worker per core and four chunks in flight per worker.
    public static EngineOptions defaults() {
        int cores = Runtime.getRuntime().availableProcessors();
        return new EngineOptions(Mode.ALL, false, ',', ExtraColumns.ERROR, cores, DEFAULT_CHUNK_ROWS,
                Math.max(4, 4 * cores), DEFAULT_MAX_FIELD_BYTES, DEFAULT_MAX_COLUMNS, NO_ERROR_LIMIT, NO_RECORD_LIMIT);
    }

    public EngineOptions withMode(Mode newMode) {
        return new EngineOptions(newMode, summary, delimiter, extra, workers, chunkRows, chunksInFlight, maxFieldBytes, maxColumns, maxErrors, maxRecordBytes);
    }

    public EngineOptions withSummary(boolean newSummary) {
        return new EngineOptions(mode, newSummary, delimiter, extra, workers, chunkRows, chunksInFlight, maxFieldBytes, maxColumns, maxErrors, maxRecordBytes);
    }

    public EngineOptions withDelimiter(char newDelimiter) {
        return new EngineOptions(mode, summary, newDelimiter, extra, workers, chunkRows, chunksInFlight, maxFieldBytes, maxColumns, maxErrors, maxRecordBytes);
    }

    public EngineOptions withExtra(ExtraColumns newExtra) {
        return new EngineOptions(mode, summary, delimiter, newExtra, workers, chunkRows, chunksInFlight, maxFieldBytes, maxColumns, maxErrors, maxRecordBytes);
    }

    public EngineOptions withWorkers(int newWorkers) {
        return new EngineOptions(mode, summary, delimiter, extra, newWorkers, chunkRows, chunksInFlight, maxFieldBytes, maxColumns, maxErrors, maxRecordBytes);
    }

    public EngineOptions withChunkRows(int newChunkRows) {
        return new EngineOptions(mode, summary, delimiter, extra, workers, newChunkRows, chunksInFlight, maxFieldBytes, maxColumns, maxErrors, maxRecordBytes);
    }

    public EngineOptions withChunksInFlight(int newChunksInFlight) {
        return new EngineOptions(mode, summary, delimiter, extra, workers, chunkRows, newChunksInFlight, maxFieldBytes, maxColumns, maxErrors, maxRecordBytes);
    }

    public EngineOptions withLimits(int newMaxFieldBytes, int newMaxColumns) {
        return new EngineOptions(mode, summary, delimiter, extra, workers, chunkRows, chunksInFlight, newMaxFieldBytes, newMaxColumns, maxErrors, maxRecordBytes);
    }

    /// A copy that refuses a record of `newMaxRecordBytes` bytes or more (`record_too_large`).
    public EngineOptions withMaxRecordBytes(int newMaxRecordBytes) {
        return new EngineOptions(mode, summary, delimiter, extra, workers, chunkRows, chunksInFlight, maxFieldBytes, maxColumns, maxErrors, newMaxRecordBytes);
    }

    /// A copy that stops after `newMaxErrors` invalid rows (`NO_ERROR_LIMIT`: never).
    public EngineOptions withMaxErrors(long newMaxErrors) {
        return new EngineOptions(mode, summary, delimiter, extra, workers, chunkRows, chunksInFlight, maxFieldBytes, maxColumns, newMaxErrors, maxRecordBytes);
    }

    /// Whether the run stops after `maxErrors` invalid rows.
    public boolean limitsErrors() {
        return maxErrors != NO_ERROR_LIMIT;
    }

    private static void requirePositive(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be at least 1, not " + value);
        }
    }
}
