package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.server.Await;
import dev.fanout.server.GatewayExtension;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// `GET /metrics` of a real gateway after a real workload: it parses as strict Prometheus text,
/// and what a Prometheus server would compute from it agrees with `/v1/stats`. In this package
/// for `PrometheusExposition`; the gateway is started through its public API.
class MetricsEndpointTest {
    /// Row counts chosen so that request latencies spread over two decades or more.
    static final int[] ROW_COUNTS = {1, 5, 20, 60, 200, 500, 1000, 3000, 8000, 15000};
    static final int ROUNDS = 6;
    static final long MICROS_PER_SECOND = 1_000_000;
    static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.engine.chunk-rows", "500");
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    static int okResponses;

    @BeforeAll
    static void runWorkload() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            for (int rows : ROW_COUNTS) {
                var response = post("/v1/validate?schema=people&summary=true", people(rows));
                assertEquals(200, response.statusCode(), response.body());
                assertTrue(response.body().contains("{\"summary\":{\"rows\":" + rows + ",\"valid\":" + rows + ","),
                        response::body);
                okResponses++;
            }
        }
        var unknown = post("/v1/validate?schema=nobody", "id\n1\n");
        assertEquals(404, unknown.statusCode(), unknown.body());
        var badMode = post("/v1/validate?schema=people&mode=some", people(1));
        assertEquals(400, badMode.statusCode(), badMode.body());
        awaitCounted(okResponses + 2);
    }

    static String people(int rows) {
        var csv = new StringBuilder(rows * 48 + 32).append("id,name,email,age,city\n");
        for (int id = 1; id <= rows; id++) {
            csv.append(id).append(",Name").append(id).append(",user").append(id).append("@example.org,")
                    .append(id % 100).append(",City").append(id % 10).append('\n');
        }
        return csv.toString();
    }

    static HttpResponse<String> post(String pathAndQuery, String csv) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(csv)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static URI uri(String pathAndQuery) {
        return gateway.uri(pathAndQuery);
    }

    static JsonNode stats() throws IOException, InterruptedException {
        var response = get("/v1/stats");
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /// Waits (bounded) until `/v1/stats` has counted `requests` requests.
    static void awaitCounted(long requests) throws IOException, InterruptedException {
        Await.until(Duration.ofSeconds(5), () -> stats().at("/histograms/request/run/count").asLong() >= requests);
    }

    static PrometheusExposition metrics() throws IOException, InterruptedException {
        var response = get("/metrics");
        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("text/plain; version=0.0.4"),
                response.headers().toString());
        return PrometheusExposition.parse(response.body());
    }

    @Test
    void metricsParseAsStrictPrometheusTextWithEveryHistogramFamily() throws Exception {
        PrometheusExposition metrics = metrics();

        assertAll(
                () -> assertEquals("histogram", metrics.types.get("fanout_request_seconds")),
                () -> assertEquals("histogram", metrics.types.get("fanout_ttfb_seconds")),
                () -> assertEquals("histogram", metrics.types.get("fanout_rows")),
                () -> assertEquals("histogram", metrics.types.get("fanout_chunk_validate_seconds")),
                () -> assertEquals("histogram", metrics.types.get("fanout_queue_wait_seconds")),
                () -> assertEquals("counter", metrics.types.get("fanout_requests_total")));
    }

    @Test
    void requestCountersByStatusCountEveryResponse() throws Exception {
        PrometheusExposition metrics = metrics();

        assertAll(
                () -> assertEquals((double) okResponses, metrics.samples.get("fanout_requests_total{status=200}")),
                () -> assertEquals(1.0, metrics.samples.get("fanout_requests_total{status=404}")),
                () -> assertEquals(1.0, metrics.samples.get("fanout_requests_total{status=400}")),
                () -> assertEquals(3, metrics.samples.keySet().stream().filter(s -> s.startsWith("fanout_requests_total")).count(),
                        metrics.samples.toString()),
                () -> assertEquals(okResponses + 2, metrics.histograms.get("fanout_request_seconds{}").count()),
                () -> assertEquals(okResponses, metrics.histograms.get("fanout_ttfb_seconds{}").count()),
                () -> assertEquals(okResponses, metrics.histograms.get("fanout_rows{}").count()));
    }

    /// The admission control's places, taken and there are: with the workload over, none is taken
    /// (a place is given back a moment after its answer's last bytes); the limits are the
    /// settings' (here their defaults: 1024, and the large places and wide records from the heap).
    @Test
    void admissionGaugesSayWhatIsTakenAndWhatThereIs() throws Exception {
        Await.until(Duration.ofSeconds(5), () -> metrics().samples.get("fanout_validations_running{}") == 0.0);
        PrometheusExposition metrics = metrics();

        for (String gauge : new String[] {"fanout_validations_running", "fanout_validations_limit", "fanout_large_places_used",
                "fanout_large_places_limit", "fanout_wide_records_held", "fanout_wide_records_limit", "fanout_wide_records_waiting"}) {
            assertEquals("gauge", metrics.types.get(gauge), gauge);
        }
        assertAll(
                () -> assertEquals(0.0, metrics.samples.get("fanout_validations_running{}")),
                () -> assertEquals(1024.0, metrics.samples.get("fanout_validations_limit{}")),
                () -> assertEquals(0.0, metrics.samples.get("fanout_large_places_used{}")),
                () -> assertTrue(metrics.samples.get("fanout_large_places_limit{}") >= 1, metrics.samples::toString),
                () -> assertEquals(0.0, metrics.samples.get("fanout_wide_records_held{}")),
                () -> assertTrue(metrics.samples.get("fanout_wide_records_limit{}") >= 1, metrics.samples::toString),
                () -> assertEquals(0.0, metrics.samples.get("fanout_wide_records_waiting{}")));
    }

    @Test
    void p99FromTheRequestBucketsIsWithinTenPercentOfTheExactP99() throws Exception {
        JsonNode run = stats().at("/histograms/request/run");
        PrometheusExposition.Histogram buckets = metrics().histograms.get("fanout_request_seconds{}");

        for (String field : new String[] {"p50", "p90", "p99"}) {
            double quantile = switch (field) {
                case "p50" -> 0.50;
                case "p90" -> 0.90;
                default -> 0.99;
            };
            double exactSeconds = run.path(field).asDouble() / MICROS_PER_SECOND;
            double fromBuckets = PrometheusExposition.histogramQuantile(quantile, buckets);
            assertTrue(Math.abs(fromBuckets - exactSeconds) <= 0.10 * exactSeconds,
                    field + ": histogram_quantile " + fromBuckets + " s vs /v1/stats " + exactSeconds + " s; " + run);
        }
        // The workload's latencies really are spread out, or the comparison above proves little.
        assertTrue(run.path("max").asLong() > 5 * run.path("min").asLong(), run.toString());
        // _sum is mean × count, in seconds.
        double meanSeconds = run.path("mean").asDouble() / MICROS_PER_SECOND;
        assertEquals(meanSeconds * buckets.count(), buckets.sum(), 0.01 * meanSeconds * buckets.count());
    }

    @Test
    void rowsBucketsCountTheRequestsWithAtMostThatManyRows() throws Exception {
        PrometheusExposition.Histogram rows = metrics().histograms.get("fanout_rows{}");

        for (var bucket : rows.buckets().entrySet()) {
            long atMost = 0;
            for (int count : ROW_COUNTS) {
                if (count <= bucket.getKey()) {
                    atMost += ROUNDS;
                }
            }
            assertEquals(atMost, bucket.getValue(), "le=" + bucket.getKey());
        }
        assertEquals((double) sum(ROW_COUNTS) * ROUNDS, rows.sum(), 0.001 * sum(ROW_COUNTS) * ROUNDS);
    }

    private static long sum(int[] values) {
        long sum = 0;
        for (int value : values) {
            sum += value;
        }
        return sum;
    }
}
