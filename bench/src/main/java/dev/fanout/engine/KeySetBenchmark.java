package dev.fanout.engine;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/// What a keyed upload's writer does per row for its `primaryKey`: the key of each of a run's
/// rows added to a fresh [KeySet] with its row, as `OrderedWriter` does (the keys of a 200,000-row
/// people file: its ids, "1" to "200000"), the keys encoded and hashed beforehand in chunks of
/// 1,024 rows as the workers do ([ChunkKeys]). `addFirstEveryRow` is the writer's way (each
/// chunk's table groups read ahead, [KeySet#warm]); `withoutWarming` leaves that out;
/// `expectingTheKeys` tells the set how many keys to expect once a sixteenth of them is in, as
/// `fanout validate` of a file does. Score / `keys` = ns per row.
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xmx256m", "-XX:+UseSerialGC"})
public class KeySetBenchmark {
    private static final int CHUNK_ROWS = 1024;

    @Param({"200000"})
    int keys;

    private ChunkKeys[] chunks;

    @Setup
    public void encode() {
        chunks = new ChunkKeys[(keys + CHUNK_ROWS - 1) / CHUNK_ROWS];
        int[] field = {0};
        Object[] values = new Object[1];
        for (int c = 0; c < chunks.length; c++) {
            int rows = Math.min(CHUNK_ROWS, keys - c * CHUNK_ROWS);
            chunks[c] = new ChunkKeys(rows, 1);
            for (int r = 0; r < rows; r++) {
                values[0] = Long.toString(c * CHUNK_ROWS + r + 1L);
                chunks[c].set(r, 0, field, values);
            }
        }
    }

    @Benchmark
    public KeySet addFirstEveryRow() {
        return addAll(true, false);
    }

    @Benchmark
    public KeySet withoutWarming() {
        return addAll(false, false);
    }

    @Benchmark
    public KeySet expectingTheKeys() {
        return addAll(true, true);
    }

    private KeySet addAll(boolean warm, boolean expect) {
        var set = new KeySet();
        long row = 1;
        for (ChunkKeys chunk : chunks) {
            if (expect && row > keys / 16) {
                set.expect(keys);
            }
            if (warm) {
                set.warm(chunk.hashes(), 0, chunk.rows());
            }
            byte[] bytes = chunk.bytes();
            for (int r = 0; r < chunk.rows(); r++, row++) {
                if (set.addFirst(bytes, chunk.start(r, 0), chunk.end(r, 0), chunk.hash(r, 0), row) >= 0) {
                    throw new IllegalStateException("a duplicate where there is none");
                }
            }
        }
        return set;
    }
}
