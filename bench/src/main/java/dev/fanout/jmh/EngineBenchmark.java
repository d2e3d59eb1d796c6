package dev.fanout.jmh;

import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.CsvRecord;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import dev.fanout.csv.CsvSource;
import dev.fanout.csv.RecordBatch;
import dev.fanout.engine.EngineOptions;
import dev.fanout.engine.RunOutcome;
import dev.fanout.engine.ValidationEngine;
import dev.fanout.schema.Schema;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.openjdk.jmh.infra.Blackhole;

/// The engine (parse, validate, render NDJSON, write in order) against a raw parse of the same
/// `people` file — by FastCSV, the parser the goals are stated against, and by our own
/// byte-level reader — so that the cost of validation and output is a ratio to the parse alone.
/// One operation is one pass over the whole file; MB/s = file MB × ops/s. `workers` applies to
/// the engine only.
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xmx1g", "-XX:+UseSerialGC"})
public class EngineBenchmark {
    @Param({"100000000"})
    long fileBytes;

    @Param({"1", "2"})
    int workers;

    /// Rows per chunk (the engine's `chunk-rows`): each chunk costs the engine a few hand-offs
    /// between threads whatever its size.
    @Param({"1024"})
    int chunkRows;

    /// Every field quoted (rows from the same generator, fewer of them in the same size): the
    /// reader's quoted-cell path.
    @Param({"false"})
    boolean quoted;

    private Path file;
    private Schema schema;

    @Setup(Level.Trial)
    public void createFile() throws IOException {
        file = Path.of(System.getProperty("fanout.bench.dir", "bench/data"),
                "people-" + fileBytes + (quoted ? "-quoted" : "") + ".csv");
        if (!Files.exists(file) || Files.size(file) < fileBytes) {
            Files.createDirectories(file.getParent());
            PeopleFile.write(file, fileBytes, 1, quoted);
        }
        schema = Schema.people();
    }

    @Benchmark
    public long rawFastCsvParse(Blackhole hole) throws IOException {
        long fields = 0;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
             CsvReader<CsvRecord> reader = CsvReader.builder()
                     .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                     .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                     .ofCsvRecord(in, StandardCharsets.UTF_8)) {
            for (CsvRecord record : reader) {
                fields += record.getFieldCount();
                hole.consume(record);
            }
        }
        return fields;
    }

    /// Our own byte-level reader (`CsvSource`), which the engine uses, over the same file: records
    /// in batches of 1,024, cells left as byte ranges.
    @Benchmark
    public long rawByteParse() throws IOException {
        long cells = 0;
        try (InputStream in = Files.newInputStream(file);
             CsvSource source = CsvSource.open(in, ',', 1 << 20, 1024)) {
            var batch = new RecordBatch(64 * 1024);
            boolean ended = false;
            while (!ended) {
                ended = source.fill(batch, 1024);
                for (int r = 0; r < batch.size(); r++) {
                    cells += batch.cellCount(r);
                }
            }
        }
        return cells;
    }

    @Benchmark
    public RunOutcome engineValidate() throws IOException {
        var options = EngineOptions.defaults().withWorkers(workers).withChunkRows(chunkRows).withSummary(true);
        try (InputStream in = Files.newInputStream(file);
             var run = new ValidationEngine().open(in, schema, options)) {
            return run.writeTo(OutputStream.nullOutputStream());
        }
    }
}
