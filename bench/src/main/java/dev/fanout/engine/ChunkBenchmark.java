package dev.fanout.engine;

import dev.fanout.jmh.PeopleFile;
import dev.fanout.csv.CsvSource;
import dev.fanout.csv.RecordBatch;
import dev.fanout.memory.BufferPool;
import dev.fanout.output.NdjsonRenderer;
import dev.fanout.schema.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/// One validating thread's work on one chunk of 1,024 `people` rows (cast, check, render NDJSON),
/// without the parse and without the hand-offs between threads: the per-row cost of validation
/// alone, in a benchmark steady enough to compare small changes. Score / 1,024 = ns per row.
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xmx256m", "-XX:+UseSerialGC"})
public class ChunkBenchmark {
    /// Distinct chunks validated in turn: 1 keeps the chunk's bytes in the core's caches; 256
    /// (about 16 MB of input) makes each chunk come from memory, as in a run.
    @Param({"1"})
    int chunks;

    /// Whether every row is invalid (each with one of the file's defects): the path of rows with
    /// errors, their messages and longer lines.
    @Param({"false"})
    boolean invalid;

    private RowValidator validator;
    private Chunk[] all;
    private int next;

    @Setup(Level.Trial)
    public void readChunk() throws IOException {
        // The same rows from the start (one generator, one seed); the large file has room for 256 chunks.
        long fileBytes = chunks == 1 ? 1_000_000 : 100_000_000;
        Path file = Path.of(System.getProperty("fanout.bench.dir", "bench/data"),
                "people-" + (invalid ? "invalid-" : "") + fileBytes + ".csv");
        if (!Files.exists(file)) {
            Files.createDirectories(file.getParent());
            PeopleFile.write(file, fileBytes, 1, false, invalid);
        }
        Schema schema = Schema.people();
        try (InputStream in = Files.newInputStream(file);
             CsvSource source = CsvSource.open(in, ',', 1 << 20, 1024)) {
            String[] header = source.next().orElseThrow().cells();
            var mapping = ColumnMapping.of(header, schema, ExtraColumns.ERROR);
            all = new Chunk[chunks];
            for (int i = 0; i < chunks; i++) {
                var batch = new RecordBatch(128 * 1024);
                source.fill(batch, 1024);
                all[i] = new Chunk(1 + 1024L * i, batch, false, Optional.empty());
            }
            List<UniqueConstraint> uniques = UniqueConstraint.of(schema);
            validator = new RowValidator(schema, mapping, Mode.ALL, uniques, NdjsonRenderer.of(mapping.dataNames),
                    Lookups.NONE, Thread.ofVirtual().factory());
        }
    }

    @Benchmark
    public int validateChunk() throws InterruptedException {
        Chunk chunk = all[next];
        next = next + 1 == all.length ? 0 : next + 1;
        ValidatedChunk validated = validator.validate(chunk, WorkerSlot.NONE);
        // As the writer does once the chunk is out.
        BufferPool.SHARED.give(validated.bytes());
        return validated.end() - validated.start();
    }
}
