package dev.fanout.engine;

import dev.fanout.csv.CsvRecord;
import java.util.List;
import java.util.Optional;

/// A run of consecutive records handed to one validation subtask: the index of its first data row,
/// its records, whether it is the input's last, and the failure that ended the input, if any (a
/// failed chunk is always the last and holds the records read before the failure).
record Chunk(long firstRow, List<CsvRecord> records, boolean last, Optional<StreamError> failure) {
    Chunk {
        records = List.copyOf(records);
    }
}
