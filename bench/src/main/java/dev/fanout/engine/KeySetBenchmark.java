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
/// people file: its ids, "1" to "200000"). Score / `keys` = ns per row.
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xmx256m", "-XX:+UseSerialGC"})
public class KeySetBenchmark {
    @Param({"200000"})
    int keys;

    private byte[][] encoded;

    @Setup
    public void encode() {
        encoded = new byte[keys][];
        for (int i = 0; i < keys; i++) {
            encoded[i] = KeySet.encode(Long.toString(i + 1));
        }
    }

    @Benchmark
    public KeySet addFirstEveryRow() {
        var set = new KeySet();
        for (int i = 0; i < encoded.length; i++) {
            if (set.addFirst(encoded[i], i + 1) >= 0) {
                throw new IllegalStateException("a duplicate where there is none");
            }
        }
        return set;
    }
}
