package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.metrics.ManualSliceClock;
import dev.fanout.metrics.SliceClock;
import dev.fanout.server.Await;
import dev.fanout.server.FanoutConfig;
import dev.fanout.server.FanoutServer;
import dev.fanout.server.GatewayExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `fanout stats` against real gateways: per-source lines and an exact merge of their histograms,
/// the same for an `.hlog` a gateway wrote, and one `fanout:` line when a source is unreachable.
class StatsCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final int[] ROWS_A = {1, 4, 9, 16, 25};
    static final int[] ROWS_B = {100, 200, 300, 400, 500, 600, 1500};
    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    /// One printed line of `fanout stats`: source, count, min, mean, p50, p90, p99, p99.9, p99.99, max.
    record Line(String source, long count, long min, String mean, long p50, long p90, long p99, long p999,
            long p9999, long max) {
        static Line parse(String text) {
            String[] cells = text.trim().split("\\s+");
            assertEquals(10, cells.length, text);
            return new Line(cells[0], Long.parseLong(cells[1]), Long.parseLong(cells[2]), cells[3],
                    Long.parseLong(cells[4]), Long.parseLong(cells[5]), Long.parseLong(cells[6]),
                    Long.parseLong(cells[7]), Long.parseLong(cells[8]), Long.parseLong(cells[9]));
        }

        /// What the line must say for `h`, HdrHistogram's own percentiles of the same values.
        static Line of(String source, Histogram h) {
            return new Line(source, h.getTotalCount(), h.getMinValue(), String.format(Locale.ROOT, "%.1f", h.getMean()),
                    h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                    h.getValueAtPercentile(99.9), h.getValueAtPercentile(99.99), h.getMaxValue());
        }
    }

    static FanoutServer start(Path schemas, Map<String, String> settings) {
        return start(schemas, settings, SliceClock.system());
    }

    /// As above, with the histograms' slices cut by `clock`.
    static FanoutServer start(Path schemas, Map<String, String> settings, SliceClock clock) {
        Map<String, String> flags = new HashMap<>(settings);
        flags.put("server.port", "0");
        flags.put("server.host", "127.0.0.1");
        flags.put("fanout.schemas.dir", schemas.toString());
        return FanoutServer.start(FanoutConfig.load(Optional.empty(), flags, Map.of()), clock);
    }

    static String baseUrl(FanoutServer server) {
        return "http://127.0.0.1:" + server.port();
    }

    /// The validation URL of the bench tests, on `gateway`: the bundled schema, with a summary.
    static String peopleUrl(GatewayExtension gateway) {
        return gateway.uri("/v1/validate?schema=people&summary=true").toString();
    }

    /// Writes [#people] of `rows` rows to `people.csv` in `dir` and returns its path.
    static String peopleFile(Path dir, int rows) throws IOException {
        Path file = dir.resolve("people.csv");
        Files.writeString(file, people(rows));
        return file.toString();
    }

    static String people(int rows) {
        var csv = new StringBuilder("id,name,email,age,city\n");
        for (int id = 1; id <= rows; id++) {
            csv.append(id).append(",Name").append(id).append(",user").append(id).append("@example.org,30,Here\n");
        }
        return csv.toString();
    }

    /// Posts one file per entry of `rowCounts` and waits (bounded) until the server counted them.
    static void post(FanoutServer server, int... rowCounts) throws IOException, InterruptedException {
        long expected = stats(server).at("/histograms/rows/run/count").asLong() + rowCounts.length;
        for (int rows : rowCounts) {
            var response = CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl(server) + "/v1/validate?schema=people"))
                    .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(people(rows))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            assertEquals(rows, response.body().lines().count());
        }
        Await.until(Duration.ofSeconds(5), () -> stats(server).at("/histograms/rows/run/count").asLong() >= expected);
    }

    static JsonNode stats(FanoutServer server) throws IOException, InterruptedException {
        var response = CLIENT.send(HttpRequest.newBuilder(URI.create(baseUrl(server) + "/v1/stats")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    static Histogram histogramOf(int[]... rowCounts) {
        var histogram = new Histogram(3);
        for (int[] counts : rowCounts) {
            for (int rows : counts) {
                histogram.recordValue(rows);
            }
        }
        return histogram;
    }

    @Test
    void twoInstancesArePrintedEachAndMergedExactly() throws Exception {
        FanoutServer a = start(dir, Map.of());
        FanoutServer b = start(dir, Map.of());
        try {
            post(a, ROWS_A);
            post(b, ROWS_B);

            CliRun run = CliRun.of("stats", baseUrl(a), baseUrl(b) + "/", "--name", "rows");

            assertEquals(0, run.status(), run.stderr());
            List<String> lines = run.lines();
            assertEquals(4, lines.size(), run.stdout());
            assertTrue(lines.get(0).trim().startsWith("source"), lines.get(0));
            assertAll(
                    () -> assertEquals(Line.of(baseUrl(a), histogramOf(ROWS_A)), Line.parse(lines.get(1))),
                    () -> assertEquals(Line.of(baseUrl(b) + "/", histogramOf(ROWS_B)), Line.parse(lines.get(2))),
                    () -> assertEquals(Line.of("merged", histogramOf(ROWS_A, ROWS_B)), Line.parse(lines.get(3))));
            Line merged = Line.parse(lines.get(3));
            assertEquals(12, merged.count());
            assertEquals(1, merged.min());
            assertEquals(1500, merged.max());
            assertEquals(100, merged.p50());
        } finally {
            a.stop();
            b.stop();
        }
    }

    @Test
    void anHlogWrittenByAGatewayGivesTheGatewaysOwnPercentiles() throws Exception {
        Path hlog = dir.resolve("gateway.hlog");
        var clock = new ManualSliceClock();
        FanoutServer server = start(dir, Map.of("fanout.histograms.log", hlog.toString(),
                "fanout.histograms.interval", "PT0.2S"), clock);
        JsonNode request;
        try {
            post(server, 3, 300, 1200);
            clock.advance(Duration.ofMillis(250));
            post(server, 30);
            request = stats(server).at("/histograms/request/run");
        } finally {
            server.stop();
        }

        CliRun run = CliRun.of("stats", hlog.toString(), "--name", "request");

        assertEquals(0, run.status(), run.stderr());
        List<String> lines = run.lines();
        assertEquals(2, lines.size(), "a header and one source, no merged line: " + run.stdout());
        Line line = Line.parse(lines.get(1));
        assertAll(
                () -> assertEquals(hlog.toString(), line.source()),
                () -> assertEquals(4, line.count(), run.stdout()),
                () -> assertEquals(request.path("min").asLong(), line.min(), request::toString),
                () -> assertEquals(request.path("p50").asLong(), line.p50(), request::toString),
                () -> assertEquals(request.path("p99").asLong(), line.p99(), request::toString),
                () -> assertEquals(request.path("max").asLong(), line.max(), request::toString),
                () -> assertEquals(request.path("mean").asText(), line.mean(), request::toString));

        CliRun rows = CliRun.of("stats", hlog.toString(), "--name", "rows");
        assertEquals(0, rows.status(), rows.stderr());
        assertEquals(Line.of(hlog.toString(), histogramOf(new int[] {3, 300, 1200, 30})), Line.parse(rows.lines().get(1)));
    }

    static String unreachableUrl() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void anUnreachableInstanceIsOneErrorLineAndExitTwo() throws Exception {
        String url = unreachableUrl();

        CliRun run = CliRun.of("stats", url, "--name", "rows");

        assertEquals(2, run.status(), run.stdout() + run.stderr());
        assertEquals(1, run.errorLines().size(), run.stderr());
        String error = run.errorLines().getFirst();
        assertTrue(error.startsWith("fanout: "), error);
        assertTrue(error.contains(url), error);
        assertFalse(error.contains("Exception"), error);
        assertEquals("", run.stdout(), "nothing printed for a run that failed");
    }

    /// The line says why the fetch failed, as `CliFailure.io` words other I/O errors.
    @Test
    void anUnreachableInstanceIsReportedWithTheReason() throws Exception {
        String url = unreachableUrl();

        CliRun run = CliRun.of("stats", url, "--name", "rows");

        String error = run.errorLines().getFirst();
        assertFalse(error.endsWith(": null"), "the reason is given: " + error);
    }

    @Test
    void anUnknownHistogramNameIsOneErrorLineAndExitTwo() throws Exception {
        FanoutServer server = start(dir, Map.of());
        try {
            CliRun run = CliRun.of("stats", baseUrl(server), "--name", "nope");

            assertEquals(2, run.status(), run.stdout() + run.stderr());
            assertEquals(1, run.errorLines().size(), run.stderr());
            assertTrue(run.errorLines().getFirst().startsWith("fanout: "), run.stderr());
            assertTrue(run.errorLines().getFirst().contains("404"), run.stderr());
        } finally {
            server.stop();
        }
    }
}
