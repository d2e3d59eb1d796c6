package dev.fanout.engine;

import dev.fanout.csv.RecordBatch;
import java.util.Optional;

/// A run of consecutive records handed to one validation subtask: the index of its first data row,
/// its records, whether it is the input's last, and the failure that ended the input, if any (a
/// failed chunk is always the last and holds the records read before the failure). A last chunk
/// may hold no records: the one before it did not know that nothing followed.
record Chunk(long firstRow, RecordBatch batch, boolean last, Optional<StreamError> failure) {
    /// The number of records.
    int size() {
        return batch.size();
    }
}
