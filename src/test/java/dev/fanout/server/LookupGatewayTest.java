package dev.fanout.server;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.serverError;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/// Upstream lookups end to end: a real gateway whose upstream `crm` is a WireMock server on
/// 127.0.0.1, CSV in over real HTTP, NDJSON out. Call counts and URLs come from WireMock's request
/// journal, the upstream's own record of what it was asked.
///
/// The SPEC fixes the codes of failed lookups but not their messages, so expected lines carry `…`
/// in place of a lookup message (see [#maskedLookupMessages]); each message is checked separately
/// to name the value and the upstream. Tests use values (or paths) of their own, so a journal
/// entry or a cached answer of one test never counts in another.
class LookupGatewayTest {
    /// The test schema: a looked-up `customer` enriched with two values, then an `amount`.
    static final String ORDERS = """
            {"fields":[
              {"name":"customer","type":"string",
               "x-lookup":{"upstream":"crm","path":"/customers/{value}",
                           "enrich":{"customer_name":"/name","tier":"/tier"}}},
              {"name":"amount","type":"integer"}]}""";
    static final String HEADER = "customer,amount\n";
    /// Short enough for the slow-upstream case, long enough for the first calls of a cold JVM
    /// (the first requests of the HTTP client and of WireMock took over 1 s on a loaded CI run).
    static final int TIMEOUT_MILLIS = 2_500;
    static final int RETRIES = 2;

    @Order(1)
    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(100))
            .build();

    @Order(2)
    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas(Map.of("orders.json", ORDERS))
            .settings(() -> settings(Map.of("fanout.engine.chunk-rows", "50")));

    /// The gateway's settings for an upstream `crm` at the WireMock server, overridden by `extra`. The
    /// breaker threshold is high so that the failures some tests cause on purpose never open it
    /// for the others.
    static Map<String, String> settings(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>();
        String crmKey = "fanout.upstreams.crm.";
        settings.put(crmKey + "base-uri", "http://127.0.0.1:" + crm.getPort());
        settings.put(crmKey + "timeout", TIMEOUT_MILLIS + "ms");
        settings.put(crmKey + "retries", Integer.toString(RETRIES));
        settings.put(crmKey + "backoff", "10ms");
        settings.put(crmKey + "max-concurrency", "32");
        settings.put(crmKey + "breaker-failures", "100000");
        settings.putAll(extra);
        return settings;
    }

    @Test
    @Timeout(30)
    void eachOutcomeOfALookupShowsInItsRowInInputOrder() throws Exception {
        crm.stubFor(get("/customers/c1").willReturn(okJson("{\"name\":\"Ada\",\"tier\":\"gold\",\"since\":1815}")));
        crm.stubFor(get("/customers/c2").willReturn(okJson("{\"name\":\"Grace\"}")));
        crm.stubFor(get("/customers/nobody").willReturn(notFound()));
        crm.stubFor(get("/customers/broken").willReturn(serverError()));
        crm.stubFor(get("/customers/slow").willReturn(okJson("{\"name\":\"Late\",\"tier\":\"x\"}")
                .withFixedDelay(TIMEOUT_MILLIS * 3)));
        String csv = HEADER + "c1,5\nnobody,7\nbroken,x\nslow,9\nc2,10\nc1,11\n,12\n";
        String found1 = "{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"customer\":\"c1\",\"amount\":5,"
                + "\"customer_name\":\"Ada\",\"tier\":\"gold\"}}\n";
        String notFound = "{\"row\":2,\"line\":3,\"valid\":false,\"data\":{\"customer\":\"nobody\",\"amount\":7,"
                + "\"customer_name\":null,\"tier\":null},"
                + "\"errors\":[{\"field\":\"customer\",\"code\":\"lookup_not_found\",\"message\":\"…\"}]}\n";
        // The lookup error comes first: errors are in schema field order, and customer is first.
        String failed = "{\"row\":3,\"line\":4,\"valid\":false,\"data\":{\"customer\":\"broken\",\"amount\":\"x\","
                + "\"customer_name\":null,\"tier\":null},"
                + "\"errors\":[{\"field\":\"customer\",\"code\":\"lookup_failed\",\"message\":\"…\"},"
                + "{\"field\":\"amount\",\"code\":\"type\",\"message\":\"\\\"x\\\" is not an integer\"}]}\n";
        String timedOut = "{\"row\":4,\"line\":5,\"valid\":false,\"data\":{\"customer\":\"slow\",\"amount\":9,"
                + "\"customer_name\":null,\"tier\":null},"
                + "\"errors\":[{\"field\":\"customer\",\"code\":\"lookup_timeout\",\"message\":\"…\"}]}\n";
        String found2 = "{\"row\":5,\"line\":6,\"valid\":true,\"data\":{\"customer\":\"c2\",\"amount\":10,"
                + "\"customer_name\":\"Grace\",\"tier\":null}}\n";
        String found1Again = "{\"row\":6,\"line\":7,\"valid\":true,\"data\":{\"customer\":\"c1\",\"amount\":11,"
                + "\"customer_name\":\"Ada\",\"tier\":\"gold\"}}\n";
        String missing = "{\"row\":7,\"line\":8,\"valid\":true,\"data\":{\"customer\":null,\"amount\":12,"
                + "\"customer_name\":null,\"tier\":null}}\n";

        var all = gateway.postMultipart("/v1/validate?summary=true", new Multipart().schema(ORDERS).file(csv));

        assertEquals(200, all.statusCode(), all::body);
        assertEquals(found1 + notFound + failed + timedOut + found2 + found1Again + missing + People.summary(7, 4, 3),
                TestGateway.masked(maskedLookupMessages(all.body())));
        assertLookupMessagesName(all.body(), List.of("nobody", "broken", "slow"));
        assertEquals(RETRIES + 1, calls("/customers/broken"), "a 5xx is retried up to `retries` times");
        assertEquals(1, calls("/customers/slow"), "a time-out is not retried");
        assertEquals(1, calls("/customers/c1"), "one call for a value asked twice");
        assertEquals(0, calls("/customers/"), "a missing value is never looked up");

        var invalidOnly = gateway.postMultipart("/v1/validate?mode=invalid", new Multipart().schema(ORDERS).file(csv));

        assertEquals(200, invalidOnly.statusCode(), invalidOnly::body);
        assertEquals(notFound + failed + timedOut, maskedLookupMessages(invalidOnly.body()));
    }

    @Test
    @Timeout(30)
    void aSchemaNamingAnUnknownUpstreamIsRefusedAndTheNextRequestWorks() throws Exception {
        crm.stubFor(get("/customers/u1").willReturn(okJson("{\"name\":\"Ada\",\"tier\":\"gold\"}")));
        String unknown = ORDERS.replace("\"upstream\":\"crm\"", "\"upstream\":\"erp\"");

        var refused = gateway.postMultipart("/v1/validate", new Multipart().schema(unknown).file(HEADER + "u1,1\n"));

        JsonNode problem = TestGateway.assertProblem(refused, 422, "invalid_schema");
        String detail = problem.path("detail").asText();
        assertTrue(detail.contains("'customer'") && detail.contains("'erp'"), detail);
        assertEquals(0, crm.getAllServeEvents().size(), "nothing was asked of any upstream");

        var next = gateway.postMultipart("/v1/validate", new Multipart().schema(ORDERS).file(HEADER + "u1,1\n"));

        assertEquals(200, next.statusCode(), next::body);
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"customer\":\"u1\",\"amount\":1,"
                + "\"customer_name\":\"Ada\",\"tier\":\"gold\"}}\n", next.body());
    }

    @Test
    @Timeout(30)
    void aPathThatIsNotUriTextIsRefusedAsTheSchemasFault() throws Exception {
        String pipe = ORDERS.replace("/customers/{value}", "/customers/{value}?f=a|b");

        var refused = gateway.postMultipart("/v1/validate", new Multipart().schema(pipe).file(HEADER + "p1,1\n"));

        JsonNode problem = TestGateway.assertProblem(refused, 422, "invalid_schema");
        assertTrue(problem.path("detail").asText().contains("'customer'"), problem::toString);
        assertEquals(0, crm.countRequestsMatching(getRequestedFor(urlPathMatching("/customers/p1.*")).build()).getCount(),
                "nothing was asked of the upstream");
    }

    /// Two lookups on one path whose enrich pointers, joined in one string, read the same
    /// (`["/p", "/q"]` against `["/p, /q"]`, one pointer): each row gets each lookup's own values.
    /// Their answers shared one cache and flight key before, so the one-pointer lookup wrote two
    /// values from its slot on, into the next row's first column or past the chunk's end.
    @Test
    @Timeout(30)
    void lookupsWhosePointersJoinAlikeKeepTheirOwnAnswers() throws Exception {
        crm.stubFor(get("/pair/k1").willReturn(okJson("{\"p\":1,\"q\":2,\"p, \":{\"q\":3}}")));
        String pair = """
                {"fields":[
                  {"name":"a","type":"string",
                   "x-lookup":{"upstream":"crm","path":"/pair/{value}","enrich":{"p":"/p","q":"/q"}}},
                  {"name":"b","type":"string",
                   "x-lookup":{"upstream":"crm","path":"/pair/{value}","enrich":{"pq":"/p, /q"}}}]}""";

        var response = gateway.postMultipart("/v1/validate", new Multipart().schema(pair).file("a,b\nk1,k1\nk1,k1\n"));

        assertEquals(200, response.statusCode(), response::body);
        String data = "\"data\":{\"a\":\"k1\",\"b\":\"k1\",\"p\":1,\"q\":2,\"pq\":3}}\n";
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true," + data + "{\"row\":2,\"line\":3,\"valid\":true," + data,
                response.body());
    }

    /// The cache bounds its entries by count, and a schema chooses what an entry holds: an answer
    /// over the bound (a whole body through the pointer `""`, say) is asked again each time, and
    /// a small one still comes from the cache.
    @Test
    @Timeout(30)
    void anAnswerTooLargeForTheCacheIsAskedAgain() throws Exception {
        String blob = "x".repeat(2_000);
        crm.stubFor(get("/blobs/large").willReturn(okJson("{\"blob\":\"" + blob + "\"}")));
        crm.stubFor(get("/blobs/small").willReturn(okJson("{\"blob\":\"s\"}")));
        String blobs = """
                {"fields":[{"name":"k","type":"string",
                            "x-lookup":{"upstream":"crm","path":"/blobs/{value}","enrich":{"blob":"/blob"}}}]}""";

        for (int request = 0; request < 2; request++) {
            var response = gateway.postMultipart("/v1/validate", new Multipart().schema(blobs).file("k\nlarge\nsmall\n"));
            assertEquals(200, response.statusCode(), response::body);
            assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"k\":\"large\",\"blob\":\"" + blob + "\"}}\n"
                    + "{\"row\":2,\"line\":3,\"valid\":true,\"data\":{\"k\":\"small\",\"blob\":\"s\"}}\n", response.body());
        }

        assertEquals(2, crm.countRequestsMatching(getRequestedFor(urlPathMatching("/blobs/large")).build()).getCount(),
                "over the bound: not cached");
        assertEquals(1, crm.countRequestsMatching(getRequestedFor(urlPathMatching("/blobs/small")).build()).getCount(),
                "under it: cached");
    }

    @Test
    void aRegisteredSchemaNamingAnUnknownUpstreamStopsTheStart(@TempDir Path otherSchemas) throws IOException {
        Files.writeString(otherSchemas.resolve("invoices.json"), ORDERS.replace("\"crm\"", "\"erp\""));

        var e = assertThrows(IllegalArgumentException.class,
                () -> TestGateway.start(otherSchemas, settings(Map.of())).close());

        assertTrue(e.getMessage().contains("invoices") && e.getMessage().contains("'customer'")
                && e.getMessage().contains("'erp'"), e.getMessage());
    }

    @Test
    @Timeout(30)
    void aThousandRowsWithOneValueMakeOneUpstreamCall() throws Exception {
        crm.stubFor(get("/customers/same-1").willReturn(okJson("{\"name\":\"Ada\",\"tier\":\"gold\"}")
                .withFixedDelay(20)));
        int rows = 1_000;
        var csv = new StringBuilder(HEADER);
        var expected = new StringBuilder();
        for (int r = 1; r <= rows; r++) {
            csv.append("same-1,").append(r).append('\n');
            expected.append("{\"row\":").append(r).append(",\"line\":").append(r + 1)
                    .append(",\"valid\":true,\"data\":{\"customer\":\"same-1\",\"amount\":").append(r)
                    .append(",\"customer_name\":\"Ada\",\"tier\":\"gold\"}}\n");
        }

        // 20 chunks of 50 rows, validated concurrently, all asking for the same value.
        var response = gateway.postCsv("/v1/validate?schema=orders&summary=true", csv.toString());

        assertEquals(200, response.statusCode(), response::body);
        assertEquals(expected + People.summary(rows, rows, 0), TestGateway.masked(response.body()));
        assertEquals(1, crm.getAllServeEvents().size());
    }

    @Test
    @Timeout(30)
    void aValueStaysInOnePathSegmentWhateverItContains() throws Exception {
        crm.stubFor(get(urlPathMatching("/enc/.*")).willReturn(okJson("{\"name\":\"Ada\"}")));
        String schema = ORDERS.replace("/customers/{value}", "/enc/{value}");
        // value → the exact URL the upstream must see.
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("a/b", "/enc/a%2Fb");
        cases.put("..", "/enc/%2E%2E");
        cases.put(".", "/enc/%2E");
        cases.put("a/../../admin", "/enc/a%2F..%2F..%2Fadmin");
        cases.put("x?y=1", "/enc/x%3Fy%3D1");
        cases.put("p#q", "/enc/p%23q");
        cases.put("a,b", "/enc/a%2Cb");
        cases.put("100% sure", "/enc/100%25%20sure");
        var csv = new StringBuilder(HEADER);
        var expected = new StringBuilder();
        int row = 0;
        for (String value : cases.keySet()) {
            row++;
            csv.append('"').append(value).append("\",").append(row).append('\n');
            expected.append("{\"row\":").append(row).append(",\"line\":").append(row + 1)
                    .append(",\"valid\":true,\"data\":{\"customer\":\"").append(value).append("\",\"amount\":").append(row)
                    .append(",\"customer_name\":\"Ada\",\"tier\":null}}\n");
        }

        var response = gateway.postMultipart("/v1/validate", new Multipart().schema(schema).file(csv.toString()));

        assertEquals(200, response.statusCode(), response::body);
        assertEquals(expected.toString(), response.body());
        List<String> urls = crm.getAllServeEvents().stream().map(e -> e.getRequest().getUrl())
                .filter(url -> url.startsWith("/enc/")).sorted().toList();
        assertEquals(cases.values().stream().sorted().toList(), urls);
    }

    @Test
    @Timeout(60)
    void aClientThatGoesAwayMidUploadStopsItsUpstreamCalls() throws Exception {
        crm.stubFor(get(urlPathMatching("/customers/gone-.*")).willReturn(okJson("{\"name\":\"Ada\",\"tier\":\"gold\"}")
                .withFixedDelay(50)));
        int rows = 10_000;
        try (var small = TestGateway.start(gateway.dir(), settings(Map.of(
                "fanout.engine.chunk-rows", "20", "fanout.upstreams.crm.timeout", "5s")))) {
            var connection = RawConnection.open(small.port()).readTimeout(Duration.ofSeconds(10));
            var sent = new AtomicInteger();
            Thread sender = null;
            try {
                connection.postChunked("/v1/validate?schema=orders", "text/csv").sendChunk(HEADER + goneRows(1, 20));
                sent.set(20);
                // The rest goes in chunks of 20 rows, as fast as the gateway takes them: far faster
                // than 32 calls at a time of 50 ms each can look them up.
                sender = Thread.ofVirtual().start(() -> {
                    try {
                        for (int from = 21; from <= rows; from += 20) {
                            connection.sendChunk(goneRows(from, from + 19));
                            sent.addAndGet(20);
                            Thread.sleep(1);
                        }
                    } catch (IOException | InterruptedException e) {
                        // The test closed the connection: the upload ends here.
                    }
                });
                var head = connection.readHead();
                assertEquals(200, head.status());
                InputStream body = connection.body(head);
                for (int r = 1; r <= 3; r++) {
                    assertEquals("{\"row\":" + r + ",\"line\":" + (r + 1) + ",\"valid\":true,\"data\":{\"customer\":\"gone-"
                            + r + "\",\"amount\":" + r + ",\"customer_name\":\"Ada\",\"tier\":\"gold\"}}",
                            RawConnection.readLine(body));
                }
            } finally {
                connection.close();
            }
            if (sender != null) {
                sender.join(Duration.ofSeconds(10));
            }

            Thread.sleep(1_000);
            int afterOneSecond = calls("/customers/gone-.*");
            Thread.sleep(1_000);
            int afterTwoSeconds = calls("/customers/gone-.*");

            assertEquals(afterOneSecond, afterTwoSeconds, "upstream calls went on after the client left");
            assertTrue(sent.get() > 2 * afterTwoSeconds, "the gateway had far more rows than it looked up: "
                    + sent.get() + " sent, " + afterTwoSeconds + " looked up");
            assertTrue(afterTwoSeconds < rows / 5,
                    afterTwoSeconds + " calls for an upload of " + sent.get() + " rows sent of " + rows);
            Await.until(Duration.ofSeconds(5), () -> small.server().runningValidations() == 0);
            assertEquals(0, small.server().runningValidations(), "the abandoned validation still runs");
            small.assertStillServes();
            crm.stubFor(get("/customers/back").willReturn(okJson("{\"name\":\"Ada\",\"tier\":\"gold\"}")));
            var next = small.postCsv("/v1/validate?schema=orders", HEADER + "back,1\n");
            assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"customer\":\"back\",\"amount\":1,"
                    + "\"customer_name\":\"Ada\",\"tier\":\"gold\"}}\n", next.body());
        }
    }

    @Test
    @Timeout(30)
    void statsAndMetricsCountEveryCallAndEveryOutcome() throws Exception {
        crm.stubFor(get(urlPathMatching("/customers/m-found-.*")).willReturn(okJson("{\"name\":\"Ada\",\"tier\":\"gold\"}")));
        crm.stubFor(get(urlPathMatching("/customers/m-none-.*")).willReturn(notFound()));
        crm.stubFor(get("/customers/m-broken").willReturn(serverError()));
        // A gateway of its own: counters start at zero, and no other test adds to them.
        try (var fresh = TestGateway.start(gateway.dir(), settings(Map.of()))) {
            String csv = HEADER + "m-found-1,1\nm-none-1,2\nm-found-2,3\nm-broken,4\nm-none-2,5\nm-found-3,6\n";

            var response = fresh.postCsv("/v1/validate?schema=orders&summary=true", csv);

            assertEquals(200, response.statusCode(), response::body);
            assertTrue(TestGateway.masked(response.body()).endsWith(People.summary(6, 3, 3)), response.body());
            int calls = calls("/customers/m-.*");
            assertEquals(3 + 2 + (RETRIES + 1), calls, "one call per found or not-found value, retries for the 500");
            JsonNode upstream = TestGateway.json(fresh.get("/v1/stats").body()).at("/histograms/upstream.crm/run");
            assertEquals(calls, upstream.path("count").asInt(), upstream::toString);
            String metrics = fresh.get("/metrics").body();
            assertEquals(3, lookupsCounted(metrics, "found"), metrics);
            assertEquals(2, lookupsCounted(metrics, "lookup_not_found"), metrics);
            assertEquals(1, lookupsCounted(metrics, "lookup_failed"), metrics);
        }
    }

    @Test
    @Timeout(60)
    void rowsComeBackInInputOrderWithTheirOwnEnrichmentWhileLookupsFinishOutOfOrder() throws Exception {
        crm.stubFor(get(urlPathMatching("/customers/o-.*")).willReturn(okJson(
                "{\"name\":\"N-{{request.pathSegments.[1]}}\",\"tier\":\"T-{{request.pathSegments.[1]}}\"}")
                .withTransformers("response-template").withUniformRandomDelay(0, 30)));
        int rows = 5_000;
        var csv = new StringBuilder(HEADER);
        var expected = new StringBuilder();
        for (int r = 1; r <= rows; r++) {
            csv.append("o-").append(r).append(',').append(r).append('\n');
            expected.append("{\"row\":").append(r).append(",\"line\":").append(r + 1)
                    .append(",\"valid\":true,\"data\":{\"customer\":\"o-").append(r).append("\",\"amount\":").append(r)
                    .append(",\"customer_name\":\"N-o-").append(r).append("\",\"tier\":\"T-o-").append(r).append("\"}}\n");
        }

        // A generous time-out: the first calls pay for connections and WireMock's template compiling.
        HttpResponse<String> response;
        try (var patient = TestGateway.start(gateway.dir(), settings(Map.of(
                "fanout.engine.chunk-rows", "50", "fanout.upstreams.crm.timeout", "5s")))) {
            response = patient.postCsv("/v1/validate?schema=orders&summary=true", csv.toString());
        }

        assertEquals(200, response.statusCode(), response::body);
        String body = TestGateway.masked(response.body());
        List<String> actual = body.lines().toList();
        List<String> wanted = (expected + People.summary(rows, rows, 0)).lines().toList();
        assertEquals(wanted.size(), actual.size(), "lines");
        for (int i = 0; i < wanted.size(); i++) {
            assertEquals(wanted.get(i), actual.get(i), "line " + (i + 1));
        }
        assertEquals(rows, calls("/customers/o-.*"));
    }

    private static String goneRows(int from, int to) {
        var rows = new StringBuilder();
        for (int r = from; r <= to; r++) {
            rows.append("gone-").append(r).append(',').append(r).append('\n');
        }
        return rows.toString();
    }

    /// Calls the upstream received whose path matches `pathRegex`.
    private static int calls(String pathRegex) {
        return crm.findAll(getRequestedFor(urlPathMatching(pathRegex))).size();
    }

    private static final Pattern LOOKUP_MESSAGE =
            Pattern.compile("(\"code\":\"lookup_[a-z_]+\",\"message\":)\"((?:[^\"\\\\]|\\\\.)*)\"");

    /// `ndjson` with the message of every `lookup_*` error replaced by `…`.
    static String maskedLookupMessages(String ndjson) {
        return LOOKUP_MESSAGE.matcher(ndjson).replaceAll("$1\"…\"");
    }

    /// Each lookup message, in order, quotes its value and names the upstream.
    private static void assertLookupMessagesName(String ndjson, List<String> values) {
        List<String> messages = new ArrayList<>();
        for (Matcher m = LOOKUP_MESSAGE.matcher(ndjson); m.find(); ) {
            messages.add(m.group(2));
        }
        assertEquals(values.size(), messages.size(), messages::toString);
        for (int i = 0; i < values.size(); i++) {
            String message = messages.get(i);
            assertTrue(message.contains("\\\"" + values.get(i) + "\\\"") && message.contains("'crm'"), message);
        }
    }

    /// The value of `fanout_upstream_lookups_total{upstream="crm",outcome=OUTCOME}`, or -1.
    private static long lookupsCounted(String metrics, String outcome) {
        String prefix = "fanout_upstream_lookups_total{upstream=\"crm\",outcome=\"" + outcome + "\"} ";
        return metrics.lines().filter(line -> line.startsWith(prefix))
                .mapToLong(line -> Long.parseLong(line.substring(prefix.length()).trim()))
                .findFirst().orElse(-1);
    }
}
