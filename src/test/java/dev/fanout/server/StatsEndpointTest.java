package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fanout.metrics.HistogramCodec;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// `/v1/stats` and its `.hgrm`/`.hdr` forms, end to end: real uploads through a real gateway,
/// and the histograms read back over HTTP. Row counts are below 2048, where an HdrHistogram of
/// 3 significant digits is exact, so the `rows` histogram must hold exactly what was sent.
/// Every test starts from `POST /v1/stats/reset`, so they do not depend on one another's order.
class StatsEndpointTest {
    static final int CHUNK_ROWS = 100;
    /// The row counts of the workload, sent alternately as `text/csv` and multipart.
    static final int[] ROW_COUNTS = {3, 10, 250, 777, 2000};
    static final List<String> NAMES = List.of("request", "ttfb", "rows", "chunk_validate", "queue_wait");
    static final List<String> ORDERED_FIELDS = List.of("min", "p50", "p90", "p99", "p999", "p9999", "max");
    /// How long recording may lag behind the response a client has already read in full.
    static final Duration RECORDING_GRACE = Duration.ofSeconds(5);

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.engine.chunk-rows", Integer.toString(CHUNK_ROWS))
            .setting("fanout.engine.workers", "2")
            .setting("fanout.histograms.interval", "PT1S");

    @BeforeEach
    void reset() throws Exception {
        var response = gateway.client.send(HttpRequest.newBuilder(gateway.uri("/v1/stats/reset"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(204, response.statusCode(), response.body());
    }

    /// Posts one people file of `rows` rows (some invalid) and checks it was answered in full.
    static void postPeople(int rows, boolean multipart) throws IOException, InterruptedException {
        People.File file = People.file(1, rows, People::mixed);
        var response = multipart
                ? gateway.postMultipart("/v1/validate?schema=people", new Multipart().file(file.csv()))
                : gateway.postCsv("/v1/validate?schema=people", file.csv());
        assertEquals(200, response.statusCode(), response::body);
        assertEquals(file.ndjsonAll(), response.body());
    }

    /// Posts every file of `ROW_COUNTS`, then one for an unknown schema (a `404` problem).
    static void postWorkload() throws IOException, InterruptedException {
        for (int i = 0; i < ROW_COUNTS.length; i++) {
            postPeople(ROW_COUNTS[i], i % 2 == 1);
        }
        TestGateway.assertProblem(gateway.postCsv("/v1/validate?schema=nobody", People.HEADER), 404, "unknown_schema");
    }

    static JsonNode stats(String query) throws IOException, InterruptedException {
        var response = gateway.get("/v1/stats" + query);
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        return TestGateway.json(response.body());
    }

    /// `/v1/stats` once it has counted `requests` requests (bounded wait: a response may reach
    /// the client a moment before its request is recorded).
    static JsonNode statsOnceCounted(long requests) throws IOException, InterruptedException {
        Await.until(RECORDING_GRACE, () -> stats("").at("/histograms/request/run/count").asLong() >= requests);
        return stats("");
    }

    static long chunksOf(int rows) {
        return (rows + CHUNK_ROWS - 1L) / CHUNK_ROWS;
    }

    static Histogram expectedRows() {
        var expected = new Histogram(3);
        for (int rows : ROW_COUNTS) {
            expected.recordValue(rows);
        }
        return expected;
    }

    @Test
    void rowsHistogramHoldsExactlyTheRowCountsSentSinceReset() throws Exception {
        postWorkload();

        JsonNode rows = statsOnceCounted(ROW_COUNTS.length + 1).at("/histograms/rows");
        Histogram expected = expectedRows();
        assertEquals("rows", rows.path("unit").asText());
        JsonNode run = rows.path("run");
        assertAll(
                () -> assertEquals(ROW_COUNTS.length, run.path("count").asLong(), run::toString),
                () -> assertEquals(3, run.path("min").asLong(), run::toString),
                () -> assertEquals(250, run.path("p50").asLong(), run::toString),
                () -> assertEquals(2000, run.path("max").asLong(), run::toString),
                () -> assertEquals(608.0, run.path("mean").asDouble(), run::toString),
                () -> assertEquals(expected.getValueAtPercentile(90), run.path("p90").asLong(), run::toString),
                () -> assertEquals(expected.getValueAtPercentile(99), run.path("p99").asLong(), run::toString),
                () -> assertEquals(expected.getValueAtPercentile(99.9), run.path("p999").asLong(), run::toString),
                () -> assertEquals(expected.getValueAtPercentile(99.99), run.path("p9999").asLong(), run::toString));
    }

    @Test
    void requestCountsEveryValidationIncludingProblemsAndCountsThemByStatus() throws Exception {
        postWorkload();

        JsonNode stats = statsOnceCounted(ROW_COUNTS.length + 1);
        JsonNode histograms = stats.path("histograms");
        assertAll(
                () -> assertEquals(ROW_COUNTS.length + 1, histograms.at("/request/run/count").asLong(), histograms::toString),
                () -> assertEquals("us", histograms.at("/request/unit").asText()),
                // A problem response writes no NDJSON byte and validates no row.
                () -> assertEquals(ROW_COUNTS.length, histograms.at("/ttfb/run/count").asLong(), histograms::toString),
                () -> assertEquals(ROW_COUNTS.length, histograms.at("/rows/run/count").asLong(), histograms::toString),
                () -> assertEquals(TestGateway.json("{\"200\":" + ROW_COUNTS.length + ",\"404\":1}"),
                        stats.path("requests")),
                () -> assertTrue(histograms.at("/request/run/min").asLong() > 0, histograms::toString));
    }

    @Test
    void everyChunkIsTimedOnceAndWaitsForAPermitOnce() throws Exception {
        postWorkload();

        JsonNode histograms = statsOnceCounted(ROW_COUNTS.length + 1).path("histograms");
        long chunks = 0;
        for (int rows : ROW_COUNTS) {
            chunks += chunksOf(rows);
        }
        long expectedChunks = chunks;
        assertAll(
                () -> assertEquals(expectedChunks, histograms.at("/chunk_validate/run/count").asLong(), histograms::toString),
                () -> assertEquals(expectedChunks, histograms.at("/queue_wait/run/count").asLong(), histograms::toString));
    }

    @Test
    void percentilesNeverDecreaseInAnyHistogram() throws Exception {
        postWorkload();

        JsonNode stats = statsOnceCounted(ROW_COUNTS.length + 1);
        for (String name : NAMES) {
            for (String section : List.of("run", "window")) {
                JsonNode summary = stats.at("/histograms/" + name + "/" + section);
                assertTrue(summary.path("count").asLong() > 0, name + " " + section + ": " + summary);
                long previous = -1;
                for (String field : ORDERED_FIELDS) {
                    long value = summary.path(field).asLong();
                    assertTrue(value >= previous, name + " " + section + ": " + field + " below the one before: " + summary);
                    previous = value;
                }
                double mean = summary.path("mean").asDouble();
                assertTrue(mean >= summary.path("min").asLong() && mean <= summary.path("max").asLong(),
                        name + " " + section + ": mean outside [min, max]: " + summary);
            }
        }
    }

    @Test
    void aThirtySecondWindowCoversEveryRequestSinceReset() throws Exception {
        postWorkload();
        statsOnceCounted(ROW_COUNTS.length + 1);

        JsonNode stats = stats("?window=PT30S");
        double windowSeconds = stats.path("windowSeconds").asDouble();
        assertTrue(windowSeconds > 0 && windowSeconds <= 31, stats.toString());
        for (String name : NAMES) {
            JsonNode histogram = stats.at("/histograms/" + name);
            assertEquals(histogram.path("run"), histogram.path("window"), name + ": window of 30 s since a reset");
        }
        assertEquals(ROW_COUNTS.length, stats.at("/histograms/rows/window/count").asLong());
        // The same as "30s", the other spelling of a duration.
        assertEquals(stats.path("histograms"), stats("?window=30s").path("histograms"));
    }

    @Test
    void aWindowThatIsNotAPositiveDurationIsABadParameter() throws Exception {
        for (String window : List.of("soon", "PT0S", "-PT5S", "", "10")) {
            var response = gateway.get("/v1/stats?window=" + window);
            TestGateway.assertProblem(response, 400, "bad_parameter");
        }
    }

    @Test
    void resetZeroesEveryHistogramAndEveryStatusCount() throws Exception {
        postWorkload();
        statsOnceCounted(ROW_COUNTS.length + 1);

        reset();

        JsonNode stats = stats("?window=PT30S");
        for (String name : NAMES) {
            for (String section : List.of("run", "window")) {
                JsonNode summary = stats.at("/histograms/" + name + "/" + section);
                Iterator<Map.Entry<String, JsonNode>> fields = summary.properties().iterator();
                assertTrue(fields.hasNext(), name);
                while (fields.hasNext()) {
                    var field = fields.next();
                    assertEquals(0.0, field.getValue().asDouble(), name + " " + section + " " + field.getKey() + ": " + summary);
                }
            }
        }
        assertEquals(0, stats.path("requests").size(), stats.toString());
        assertEquals(0, HistogramCodec.decode(gateway.get("/v1/stats/rows.hdr").body()).getTotalCount());
        // And counting starts again from zero.
        postPeople(42, false);
        JsonNode after = statsOnceCounted(1);
        assertEquals(1, after.at("/histograms/request/run/count").asLong(), after.toString());
        assertEquals(42, after.at("/histograms/rows/run/max").asLong(), after.toString());
        assertEquals(TestGateway.json("{\"200\":1}"), after.path("requests"));
    }

    /// An answer that began `200` and ended with an error line is counted by its code too (its
    /// status cannot tell), in `/v1/stats` and `/metrics`; a reset zeroes the counts.
    @Test
    void answersEndedByAnErrorLineAreCountedByTheirCode() throws Exception {
        People.File mixed = People.file(1, 40, People::mixed);
        var stopped = gateway.postCsv("/v1/validate?schema=people&max-errors=1", mixed.csv());
        assertEquals(200, stopped.statusCode());
        assertTrue(stopped.body().contains("\"code\":\"max_errors\""), stopped::body);
        var malformed = gateway.postCsv("/v1/validate?schema=people", People.HEADER + "1,\"Ann\"x,a@b.org,30,Oslo\n");
        assertEquals(200, malformed.statusCode());
        assertTrue(malformed.body().contains("\"code\":\"malformed_csv\""), malformed::body);
        postPeople(5, false);

        JsonNode stats = statsOnceCounted(3);
        assertEquals(TestGateway.json("{\"200\":3}"), stats.path("requests"), stats.toString());
        assertEquals(TestGateway.json("{\"malformed_csv\":1,\"max_errors\":1}"), stats.path("streamErrors"), stats.toString());
        String metrics = gateway.get("/metrics").body();
        assertTrue(metrics.contains("# TYPE fanout_stream_errors_total counter\nfanout_stream_errors_total{code=\"malformed_csv\"} 1\n"
                + "fanout_stream_errors_total{code=\"max_errors\"} 1\n"), metrics);

        reset();
        assertEquals(0, stats("").path("streamErrors").size());
        assertTrue(!gateway.get("/metrics").body().contains("fanout_stream_errors_total"), "nothing counted since the reset");
    }

    @Test
    void anUnknownHistogramOrFormatIsANotFoundProblem() throws Exception {
        TestGateway.assertProblem(gateway.get("/v1/stats/nope.hdr"), 404, "unknown_histogram");
        TestGateway.assertProblem(gateway.get("/v1/stats/nope.hgrm"), 404, "unknown_histogram");
        TestGateway.assertProblem(gateway.get("/v1/stats/rows.csv"), 404, "unknown_format");
    }

    @Test
    void hgrmIsHdrHistogramsPercentileDistributionOfTheRunSinceReset() throws Exception {
        postWorkload();
        statsOnceCounted(ROW_COUNTS.length + 1);

        var response = gateway.get("/v1/stats/rows.hgrm");

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain"));
        List<String> lines = response.body().lines().toList();
        assertTrue(lines.getFirst().matches("\\s*Value\\s+Percentile\\s+TotalCount\\s+1/\\(1-Percentile\\)"),
                lines.getFirst());
        List<String> footer = lines.subList(lines.size() - 3, lines.size());
        assertTrue(footer.get(0).startsWith("#[Mean    ="), footer.toString());
        assertTrue(footer.get(1).startsWith("#[Max     ="), footer.toString());
        assertTrue(footer.get(2).startsWith("#[Buckets ="), footer.toString());
        Matcher max = Pattern.compile("#\\[Max\\s+=\\s+([0-9.]+), Total count\\s+=\\s+(\\d+)]").matcher(footer.get(1));
        assertTrue(max.matches(), footer.get(1));
        assertEquals(2000.0, Double.parseDouble(max.group(1)), footer.get(1));
        assertEquals(ROW_COUNTS.length, Long.parseLong(max.group(2)), footer.get(1));
        Matcher mean = Pattern.compile("#\\[Mean\\s+=\\s+([0-9.]+),.*").matcher(footer.get(0));
        assertTrue(mean.matches(), footer.get(0));
        assertEquals(608.0, Double.parseDouble(mean.group(1)), footer.get(0));
        // The body rows: value, percentile, cumulative count; the first is the smallest row count.
        String[] first = lines.get(2).trim().split("\\s+");
        assertEquals(3.0, Double.parseDouble(first[0]), lines.get(2));
        assertEquals(1, Long.parseLong(first[2]), lines.get(2));
    }

    @Test
    void hdrDecodesToTheHistogramThatStatsDescribes() throws Exception {
        postWorkload();
        JsonNode stats = statsOnceCounted(ROW_COUNTS.length + 1);

        for (String name : NAMES) {
            var response = gateway.get("/v1/stats/" + name + ".hdr");
            assertEquals(200, response.statusCode(), response.body());
            Histogram decoded = HistogramCodec.decode(response.body());
            JsonNode run = stats.at("/histograms/" + name + "/run");
            assertAll(name,
                    () -> assertEquals(run.path("count").asLong(), decoded.getTotalCount(), run::toString),
                    () -> assertEquals(run.path("min").asLong(), decoded.getMinValue(), run::toString),
                    () -> assertEquals(run.path("p50").asLong(), decoded.getValueAtPercentile(50), run::toString),
                    () -> assertEquals(run.path("p99").asLong(), decoded.getValueAtPercentile(99), run::toString),
                    () -> assertEquals(run.path("max").asLong(), decoded.getMaxValue(), run::toString));
        }
        Histogram rows = HistogramCodec.decode(gateway.get("/v1/stats/rows.hdr").body());
        assertEquals(expectedRows(), rows);
    }

    @Test
    void concurrentRequestsAreEachRecordedExactlyOnce() throws Exception {
        int requests = 24;
        var expected = new Histogram(3);
        try (var executor = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
            for (int i = 1; i <= requests; i++) {
                int rows = 40 * i + 1;
                expected.recordValue(rows);
                sent.add(executor.submit(() -> {
                    postPeople(rows, rows % 2 == 0);
                    return null;
                }));
            }
            for (var future : sent) {
                future.get(60, java.util.concurrent.TimeUnit.SECONDS);
            }
        }

        JsonNode stats = statsOnceCounted(requests);
        JsonNode rows = stats.at("/histograms/rows/run");
        assertAll(
                () -> assertEquals(requests, stats.at("/histograms/request/run/count").asLong(), stats::toString),
                () -> assertEquals(requests, rows.path("count").asLong(), rows::toString),
                () -> assertEquals(41, rows.path("min").asLong(), rows::toString),
                () -> assertEquals(expected.getValueAtPercentile(50), rows.path("p50").asLong(), rows::toString),
                () -> assertEquals(expected.getValueAtPercentile(90), rows.path("p90").asLong(), rows::toString),
                () -> assertEquals(961, rows.path("max").asLong(), rows::toString),
                () -> assertEquals(TestGateway.json("{\"200\":" + requests + "}"), stats.path("requests")));
    }

    @Test
    void withHistogramsDisabledNothingIsRecordedButStatsStillAnswer() throws Exception {
        try (var off = TestGateway.start(gateway.dir(), Map.of("fanout.histograms.enabled", "false"))) {
            off.assertStillServes();

            var response = off.get("/v1/stats");
            assertEquals(200, response.statusCode(), response.body());
            JsonNode stats = TestGateway.json(response.body());
            for (String name : NAMES) {
                assertEquals(0, stats.at("/histograms/" + name + "/run/count").asLong(), stats.toString());
            }
            assertEquals(0, stats.path("requests").size(), stats.toString());
        }
    }

    /// A benchmark script reads `/v1/stats` right after its last response has ended, often on a
    /// new connection: that request must already be counted.
    @Test
    void aRequestIsCountedByTheTimeItsResponseHasEnded() throws Exception {
        List<Long> seen = new ArrayList<>();
        for (int i = 1; i <= 100; i++) {
            postPeople(5, false);
            // A fresh connection, as a separate `curl` would open.
            try (var other = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build()) {
                var response = other.send(HttpRequest.newBuilder(gateway.uri("/v1/stats")).GET().build(),
                        HttpResponse.BodyHandlers.ofString());
                long count = TestGateway.json(response.body()).at("/histograms/request/run/count").asLong();
                if (count != i) {
                    seen.add((long) i);
                }
            }
        }
        assertEquals(List.of(), seen, "requests not yet counted when /v1/stats was read after their response");
    }
}
