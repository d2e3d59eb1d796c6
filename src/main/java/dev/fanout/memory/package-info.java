/// [dev.fanout.memory.BufferPool]: the row path's big byte arrays (record batches, rendered
/// chunks, response pieces), handed back when done and handed out again across chunks and
/// requests, so that streaming a large upload does not turn every byte into garbage.
///
/// The `csv` stage reads into its arrays, the `output` stage renders into them, and the engine's
/// writer gives them back once a chunk's bytes are copied out — or hands a chunk's array on to an
/// output that takes arrays over ([dev.fanout.memory.PooledArrayOutput]: the gateway's answer
/// queue), which gives it back once sent. Thread-safe and lock-free.
///
/// [dev.fanout.memory.WideRecordGate]: how many records longer than a batch the runs may hold at
/// once. The `csv` stage's reader takes a turn for such a record before it reads further; the
/// engine gives the turn back once the record's chunk is written.
@NullMarked
package dev.fanout.memory;

import org.jspecify.annotations.NullMarked;
