package dev.fanout.jmh;

import dev.fanout.engine.EngineMetrics;
import dev.fanout.engine.EngineOptions;
import dev.fanout.engine.RunOutcome;
import dev.fanout.engine.ValidationEngine;
import dev.fanout.schema.Schema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

/// One W1 request's work in the engine, without HTTP: a 20-row `people` upload (10 % invalid
/// rows, as the peers' `small.csv`) opened, validated and rendered to NDJSON in memory, on an
/// engine shared by every request as the gateway's is. W1 is decided per request, where the
/// HTTP load's noise (±25 % between runs of the same build) hides a few per cent; this measures
/// our per-request set-up and garbage (`-prof gc`: bytes allocated per operation) on their own.
/// Run with `-t 2` for two requests at a time, as on the gateway's two cores.
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xmx64m", "-XX:+UseG1GC", "-XX:-TieredCompilation"})
public class SmallRequestBenchmark {
    /// Bytes of CSV: ~1,300 is the peers' 20-row `small.csv`.
    @Param({"1300"})
    int requestBytes;

    private byte[] request;
    private Schema schema;
    private ValidationEngine engine;
    /// Made once, as the gateway makes its defaults once (`EngineOptions.defaults` asks the JVM
    /// for its processor count).
    private EngineOptions options;

    @Setup(Level.Trial)
    public void createRequest() throws IOException {
        Path file = Files.createTempFile("fanout-small-request", ".csv");
        try {
            PeopleFile.write(file, requestBytes, 1);
            request = Files.readAllBytes(file);
        } finally {
            Files.delete(file);
        }
        schema = Schema.people();
        engine = ValidationEngine.sharingWorkers(Thread.ofVirtual().factory(), EngineMetrics.NONE, 2, 0);
        options = EngineOptions.defaults();
    }

    /// An answer's buffer per request, as the gateway's answer is its own.
    @State(Scope.Thread)
    public static class Answer {
        final ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    }

    @Benchmark
    public RunOutcome oneRequest(Answer answer) throws IOException {
        answer.out.reset();
        try (var run = engine.open(new ByteArrayInputStream(request), schema, options)) {
            return run.writeTo(answer.out);
        }
    }
}
