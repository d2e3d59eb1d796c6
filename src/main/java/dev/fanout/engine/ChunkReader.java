package dev.fanout.engine;

import dev.fanout.csv.CsvFailure;
import dev.fanout.csv.CsvRecord;
import dev.fanout.csv.CsvSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/// Cuts the record stream into chunks of at most `chunkRows` records and at most about
/// `CHUNK_CHARS` characters, so that a chunk's memory is bounded even for very wide rows.
/// A read failure becomes data: the last chunk carries it. One reading thread.
final class ChunkReader {
    static final long CHUNK_CHARS = 1 << 20;

    private final CsvSource source;
    private final int chunkRows;
    private long nextRow = 1;
    private boolean ended;

    ChunkReader(CsvSource source, int chunkRows) {
        this.source = source;
        this.chunkRows = chunkRows;
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
        long firstRow = nextRow;
        List<CsvRecord> records = new ArrayList<>(Math.min(chunkRows, 64));
        long chars = 0;
        try {
            while (records.size() < chunkRows && chars < CHUNK_CHARS && source.hasNext()) {
                CsvRecord record = source.nextRecord();
                records.add(record);
                nextRow++;
                for (String cell : record.cells()) {
                    chars += cell.length() + 1;
                }
            }
            boolean last = !source.hasNext();
            ended = last;
            return new Chunk(firstRow, records, last, Optional.empty());
        } catch (CsvFailure failure) {
            ended = true;
            var error = new StreamError(failure.code(), failure.getMessage(), nextRow);
            return new Chunk(firstRow, records, true, Optional.of(error));
        }
    }
}
