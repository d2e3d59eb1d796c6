package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.server.GatewayExtension;
import dev.fanout.testserver.ScriptedServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/// The load generator against a real gateway: exact counts, the asked rate, bodies round-robin,
/// errors by kind, and the files it writes.
class LoadGeneratorTest {
    private static final String PEOPLE = "/v1/validate?schema=people";

    @RegisterExtension
    static final GatewayExtension server = GatewayExtension.withSchemas();
    static final Gateway gateway = new Gateway(server);
    @TempDir
    static Path dir;
    static Path small;
    static Path larger;

    @BeforeAll
    static void files() throws IOException {
        small = Gateway.people(dir, "three.csv", 3);
        larger = Gateway.people(dir, "five.csv", 5);
    }

    static LoadPlan plan(URI url, List<Path> files, long requests, Duration duration, int connections, double rate,
            boolean multipart) {
        var payloads = files.stream().map(f -> Payload.of(url, f, multipart)).toList();
        return new LoadPlan(url, payloads, requests, duration, connections, rate, Duration.ZERO, 1,
                Duration.ofSeconds(10), true);
    }

    static BenchResult run(LoadPlan plan) throws InterruptedException {
        return Benchmark.run(plan, null, line -> { });
    }

    @Test
    void closedLoopMakesExactlyTheAskedRequestsAndTheGatewaySeesThemAll() throws Exception {
        BenchResult result = run(plan(gateway.url(PEOPLE + "&summary=true"), List.of(small), 1_003, null, 7, 0, false));

        assertEquals(1_003, result.requests());
        assertEquals(0, result.errors(), result.errorsByKind().toString());
        assertEquals(1_003, result.latency().getTotalCount());
        assertEquals(1_003, result.gateway().orElseThrow().getTotalCount(), "the gateway's request histogram, after minus before");
        assertTrue(result.throughput() > 0);
        assertTrue(result.cpuSecondsPer10k() > 0);
    }

    @Test
    void openLoopHoldsTheAskedRateWithinTwoPercent() throws Exception {
        BenchResult result = run(plan(gateway.url(PEOPLE), List.of(small), 1_200, null, 16, 400, false));

        assertEquals(1_200, result.requests());
        assertEquals(0, result.errors(), result.errorsByKind().toString());
        double ratio = result.throughput() / 400;
        assertTrue(Math.abs(ratio - 1) <= 0.02, "achieved " + result.throughput() + " req/s for 400 asked");
        assertEquals(1_200, result.uncorrected().getTotalCount());
    }

    @Test
    void aRoundOfADurationEndsOnTime() throws Exception {
        BenchResult result = run(plan(gateway.url(PEOPLE), List.of(small), 0, Duration.ofMillis(800), 4, 0, false));

        assertTrue(result.requests() > 0);
        assertEquals(0, result.errors(), result.errorsByKind().toString());
        assertTrue(result.seconds() >= 0.7 && result.seconds() < 3, "round lasted " + result.seconds() + " s");
    }

    @Test
    void filesAreSentRoundRobinAsMultipart() throws Exception {
        Histogram rowsBefore = gateway.histogram("rows");
        BenchResult result = run(plan(gateway.url(PEOPLE), List.of(small, larger), 40, null, 3, 0, true));

        assertEquals(0, result.errors(), result.errorsByKind().toString());
        Histogram rows = gateway.histogram("rows");
        rows.subtract(rowsBefore);
        assertEquals(20, rows.getCountAtValue(3), "requests with the 3-row file");
        assertEquals(20, rows.getCountAtValue(5), "requests with the 5-row file");
    }

    @Test
    void statusErrorsAreCountedByStatus() throws Exception {
        BenchResult result = run(plan(gateway.url("/v1/validate?schema=nosuch"), List.of(small), 30, null, 3, 0, false));

        assertEquals(30, result.requests());
        assertEquals(30, result.errors());
        assertEquals(Map.of("status 404", 30L), result.errorsByKind());
    }

    @Test
    void aClosedPortGivesConnectErrors() throws Exception {
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        URI url = URI.create("http://127.0.0.1:" + port + PEOPLE);
        BenchResult result = run(plan(url, List.of(small), 12, null, 2, 0, false));

        assertEquals(12, result.requests());
        assertEquals(Map.of("connect", 12L), result.errorsByKind());
        assertTrue(result.gateway().isEmpty());
    }

    @Test
    void anAnswerCutShortOrEndingWithAnErrorLineIsMalformed() throws Exception {
        try (var stub = ScriptedServer.start(new StandInGateway())) {
            BenchResult cut = run(plan(stub.uri("/broken/cut"), List.of(small), 10, null, 2, 0, false));
            BenchResult errorLine = run(plan(stub.uri("/broken/error-line"), List.of(small), 10, null, 2, 0, false));
            BenchResult noSummary = run(plan(stub.uri("/broken/error-line?summary=true"), List.of(small), 4, null, 1, 0, false));
            BenchResult whole = run(plan(stub.uri("/v1/validate?summary=true"), List.of(small), 10, null, 2, 0, false));

            assertEquals(Map.of("malformed", 10L), cut.errorsByKind());
            assertEquals(Map.of("malformed", 10L), errorLine.errorsByKind());
            assertEquals(Map.of("malformed", 4L), noSummary.errorsByKind());
            assertEquals(Map.of(), whole.errorsByKind());
        }
    }

    @Test
    void aSlowAnswerPastTheTimeoutIsATimeout() throws Exception {
        try (var stub = ScriptedServer.start(new StandInGateway())) {
            URI url = stub.uri("/broken/slow");
            var plan = new LoadPlan(url, List.of(Payload.of(url, small, false)), 2, null, 2, 0, Duration.ZERO, 1,
                    Duration.ofMillis(300), true);
            long start = System.nanoTime();
            BenchResult result = run(plan);

            assertEquals(Map.of("timeout", 2L), result.errorsByKind());
            assertTrue(System.nanoTime() - start < 1_900_000_000L, "gave up at the time-out, not at the answer");
        }
    }

    @Test
    void theJsonFileHasTheSpecKeysAndReadsBackAsABaseline() throws Exception {
        var plan = new LoadPlan(gateway.url(PEOPLE), List.of(Payload.of(gateway.url(PEOPLE), small, false)), 100, null,
                4, 0, Duration.ZERO, 3, Duration.ofSeconds(10), true);
        BenchResult result = run(plan);
        Path json = dir.resolve("result.json");
        ResultFile.write(result, json);

        var root = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
        assertEquals(300, root.get("requests").asLong());
        assertEquals(0, root.get("errors").asLong());
        assertTrue(root.get("throughput").asDouble() > 0);
        for (String key : List.of("p50", "p90", "p99", "p999", "p9999", "max")) {
            assertTrue(root.get("latencyUs").get(key).isIntegralNumber(), key);
            assertTrue(root.get("uncorrectedLatencyUs").get(key).isIntegralNumber(), key);
        }
        assertEquals(3, root.get("rounds").size());
        BenchResult.Summary back = ResultFile.read(json);
        assertEquals(3, back.rounds().size());
        assertEquals(result.latency().getTotalCount(), back.latency().orElseThrow().getTotalCount());
        assertEquals(Percentiles.of(result.latency()).p99(), (long) back.overall().p99());
    }

    @Test
    void theHlogHoldsEveryMeasuredRequestUnderBothTags() throws Exception {
        Path hlog = dir.resolve("run.hlog");
        var url = gateway.url(PEOPLE);
        var plan = new LoadPlan(url, List.of(Payload.of(url, small, false)), 0, Duration.ofMillis(2_500), 4, 200,
                Duration.ofMillis(300), 1, Duration.ofSeconds(10), true);
        BenchResult result;
        try (var log = LatencyLog.create(hlog)) {
            result = Benchmark.run(plan, log, line -> { });
        }
        long latency = 0;
        long uncorrected = 0;
        int intervals = 0;
        var reader = new HistogramLogReader(hlog.toFile());
        EncodableHistogram interval;
        while ((interval = reader.nextIntervalHistogram()) != null) {
            var histogram = (Histogram) interval;
            if (LatencyLog.LATENCY_TAG.equals(histogram.getTag())) {
                latency += histogram.getTotalCount();
                intervals++;
            } else if (LatencyLog.UNCORRECTED_TAG.equals(histogram.getTag())) {
                uncorrected += histogram.getTotalCount();
            }
        }
        assertEquals(500, result.requests(), "2.5 s at 200 req/s");
        assertEquals(result.requests(), latency, "warm-up is not logged");
        assertEquals(result.requests(), uncorrected);
        assertTrue(intervals >= 3, "one-second intervals: " + intervals);
    }
}
