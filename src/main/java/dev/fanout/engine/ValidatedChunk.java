package dev.fanout.engine;

/// A chunk after validation, before uniqueness is decided: the NDJSON of the rows that the mode
/// writes (assuming no duplicates) in `bytes[start, end)`, where row `i` spans
/// `[rowEnds[i-1], rowEnds[i])` (row 0 from `start`; empty when not written), plus what the
/// writer needs to decide `unique` in row order: the rows themselves (to render a duplicate again
/// with its `unique` error) and each row's keys under the uniqueness rules and self-references,
/// encoded and hashed ([ChunkKeys]). `rows` and `keys` are null when the schema has no uniqueness
/// rule. `invalidRows` lists the indexes of the invalid rows (before uniqueness), ascending, when
/// the run limits errors (the writer cuts the output after the Nth invalid row, written or not);
/// null otherwise. Owned by the writer once handed over; nobody else touches it. The bytes before
/// `start` are free room for an output that frames what it is handed
/// ([dev.fanout.memory.PooledArrayOutput]).
record ValidatedChunk(
        long firstRow,
        int rowCount,
        byte[] bytes,
        int start,
        int end,
        int[] rowEnds,
        int validCount,
        RowTable rows,
        ChunkKeys keys,
        int[] invalidRows) {
}
