package dev.fanout.engine;

import dev.fanout.csv.CsvFailure;
import dev.fanout.csv.CsvSource;
import dev.fanout.csv.RecordBatch;
import dev.fanout.csv.StreamErrorCode;
import dev.fanout.memory.BufferPool;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/// Cuts the record stream into chunks of at most `chunkRows` records and about 256 KB of
/// input at most (`CsvSource` ends a batch there), so that a chunk's memory is bounded even for
/// very wide rows. A read failure becomes data: the last chunk carries it.
///
/// Chunks' batches are reused: the writer gives each back ([#recycle]) once its rows are out, so
/// a long run allocates only as many batches as are ever in flight at once. [#next] is called by
/// one thread at a time (the run's workers take turns, under a lock); [#recycle] and [#rowsRead] by any; [#release] once the run is over.
final class ChunkReader {
    /// A new batch's buffer until the source gives it one (the one the header was read into, or
    /// one from the pool sized to what is read).
    private static final byte[] NO_BUFFER = new byte[0];
    /// The `internal_error` message when reading runs out of memory; as a chunk's checks say it
    /// (see `StructuredValidation`), the client can retry.
    private static final String OUT_OF_MEMORY_READING =
            "the server ran out of memory reading this row (retry when it is less busy); the rows from here on were not checked";

    private final CsvSource source;
    /// Set before the first chunk is read ([#limitRows]); read by whichever worker reads.
    private int chunkRows;
    private final ConcurrentLinkedQueue<RecordBatch> free = new ConcurrentLinkedQueue<>();
    /// Every batch made for this run, for [#release].
    private final List<RecordBatch> made = new ArrayList<>();
    private volatile long nextRow = 1;
    private boolean ended;

    ChunkReader(CsvSource source, int chunkRows) {
        this.source = source;
        this.chunkRows = chunkRows;
    }

    /// Cuts chunks at `rows` records at most, if fewer than now; only before the first [#next].
    void limitRows(int rows) {
        if (!made.isEmpty()) {
            throw new IllegalStateException("chunks are being read");
        }
        chunkRows = Math.min(chunkRows, rows);
    }

    /// Data rows read so far.
    long rowsRead() {
        return nextRow - 1;
    }

    /// Reads the next chunk; call only until a chunk says it is the last.
    Chunk next() {
        if (ended) {
            throw new IllegalStateException("the input has ended");
        }
        RecordBatch batch = free.poll();
        if (batch == null) {
            // The first batch's indexes grow to what a chunk of this input needs; later ones start there.
            batch = made.isEmpty() ? new RecordBatch(NO_BUFFER) : RecordBatch.withIndexesOf(NO_BUFFER, made.getFirst());
            made.add(batch);
        }
        long firstRow = nextRow;
        try {
            boolean last = source.fill(batch, chunkRows);
            nextRow = firstRow + batch.size();
            ended = last;
            return new Chunk(firstRow, batch, last, Optional.empty());
        } catch (CsvFailure failure) {
            ended = true;
            nextRow = firstRow + batch.size();
            var error = new StreamError(failure.code(), failure.getMessage(), nextRow);
            return new Chunk(firstRow, batch, true, Optional.of(error));
        } catch (OutOfMemoryError e) {
            // Reading ran out of memory (a buffer grown for a long record while the heap is full,
            // say): the rows read are checked and written, and the stream ends at the next one as
            // after a CSV failure, rather than the run failing with its answer cut off. The batch
            // holds whole records only (one is added once read), and nothing is read after this.
            ended = true;
            nextRow = firstRow + batch.size();
            var error = new StreamError(StreamErrorCode.INTERNAL_ERROR, OUT_OF_MEMORY_READING, nextRow);
            return new Chunk(firstRow, batch, true, Optional.of(error));
        }
    }

    /// Has a read waiting for a turn at the wide records' gate give up: the run has stopped. Any
    /// thread may call it.
    void stopWaiting() {
        source.stopWaiting();
    }

    /// Gives a chunk's batch back for reuse, once its rows are written; nobody may read it any
    /// more. A wide record in it no longer holds its turn at the gate: its line is written.
    void recycle(Chunk chunk) {
        chunk.batch().leaveWideGate();
        free.offer(chunk.batch());
    }

    /// Gives every batch's buffer back to the shared pool, and every wide record's turn at the gate,
    /// once the run is over and no chunk is read any more.
    void release() {
        for (RecordBatch batch : made) {
            batch.leaveWideGate();
            BufferPool.SHARED.give(batch.buffer());
        }
        made.clear();
        free.clear();
    }
}
