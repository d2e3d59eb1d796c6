package dev.fanout.server;

import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// `?max-errors=N` end to end, on a real gateway over real HTTP: the stream stops at the Nth
/// invalid row with a `max_errors` error line (after a summary saying it stopped, when asked), the
/// engine does no further work (the upstream stub's own journal counts the lookups), the upload is
/// left unread and its connection ends cleanly after the answer, bad values are `400
/// bad_parameter`, and the gateway serves the next request as before.
class MaxErrorsGatewayTest {
    static final int CHUNK_ROWS = 50;

    @Order(1)
    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(100))
            .build();

    @Order(2)
    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas(Map.of("orders.json", LookupGatewayTest.ORDERS))
            .setting("fanout.upstreams.crm.base-uri", () -> "http://127.0.0.1:" + crm.getPort())
            .setting("fanout.upstreams.crm.max-concurrency", "16")
            .setting("fanout.engine.chunk-rows", Integer.toString(CHUNK_ROWS))
            .setting("fanout.engine.chunks-in-flight", "4");

    /// Ids 1…10, every even one with a bad age.
    private static final People.File EVEN_BAD = People.file(1, 10, id -> id % 2 == 0 ? People.Kind.BAD_AGE : People.Kind.VALID);

    @Test
    void theStreamStopsAtTheNthInvalidRowWithTheErrorLine() throws Exception {
        var response = gateway.postCsv("/v1/validate?schema=people&max-errors=2", EVEN_BAD.csv());

        assertEquals(200, response.statusCode(), response::body);
        String expectedRows = String.join("", EVEN_BAD.ndjsonAll().lines().limit(4).map(l -> l + "\n").toList());
        assertEquals(expectedRows
                + "{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 2 invalid rows (max-errors=2)\",\"row\":4}}\n",
                response.body());
        assertEquals("close", response.headers().firstValue("connection").orElse(""),
                "the upload was left unread: its connection ends after the answer");
        gateway.assertStillServes();
    }

    @Test
    void theSummarySaysItStoppedAndTheErrorLineStaysLast() throws Exception {
        var response = gateway.postCsv("/v1/validate?schema=people&max-errors=3&summary=true&mode=invalid", EVEN_BAD.csv());

        assertEquals(200, response.statusCode(), response::body);
        String expectedRows = String.join("", EVEN_BAD.ndjsonInvalid().lines().limit(3).map(l -> l + "\n").toList());
        assertEquals(expectedRows
                + "{\"summary\":{\"rows\":6,\"valid\":3,\"invalid\":3,\"elapsedMs\":0,\"stopped\":\"max_errors\"}}\n"
                + "{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 3 invalid rows (max-errors=3)\",\"row\":6}}\n",
                TestGateway.masked(response.body()));
    }

    @Test
    void validModeCountsTheInvalidRowsItDoesNotWrite() throws Exception {
        var response = gateway.postCsv("/v1/validate?schema=people&max-errors=1&mode=valid", EVEN_BAD.csv());

        assertEquals(200, response.statusCode(), response::body);
        assertEquals(EVEN_BAD.ndjsonAll().lines().findFirst().orElseThrow() + "\n"
                + "{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 1 invalid row (max-errors=1)\",\"row\":2}}\n",
                response.body());
    }

    @Test
    void aLimitNotReachedChangesNothing() throws Exception {
        var response = gateway.postCsv("/v1/validate?schema=people&max-errors=6&summary=true", EVEN_BAD.csv());

        assertEquals(200, response.statusCode(), response::body);
        assertEquals(EVEN_BAD.ndjsonAll() + People.summary(10, 5, 5), TestGateway.masked(response.body()));
        assertTrue(!response.headers().firstValue("connection").orElse("").equalsIgnoreCase("close"), "the connection is kept");
    }

    @Test
    void badValuesAreRefusedAsBadParameters() throws Exception {
        for (String value : List.of("0", "-1", "abc", "1.5", "", "+3", "1e3", "99999999999999999999")) {
            var response = gateway.postCsv("/v1/validate?schema=people&max-errors=" + value, EVEN_BAD.csv());
            var problem = TestGateway.assertProblem(response, 400, "bad_parameter");
            assertTrue(problem.path("detail").asText().contains("max-errors"), problem.toString());
        }
        TestGateway.assertProblem(gateway.postCsv("/v1/validate?schema=people&max-errors=1&max-errors=2", EVEN_BAD.csv()),
                400, "bad_parameter");
        gateway.assertStillServes();
    }

    @Test
    @Timeout(60)
    void noFurtherLookupsAreMadeAfterTheCut() throws Exception {
        int baseline = gateway.server().liveWorkThreads();
        crm.stubFor(get(urlPathMatching("/customers/.*")).willReturn(okJson("{\"name\":\"Ada\"}").withFixedDelay(5)));
        int rows = 10_000;
        var csv = new StringBuilder(LookupGatewayTest.HEADER);
        // Row 1 is invalid (its amount); every row needs a lookup of a value of its own.
        csv.append("m1,x\n");
        for (int r = 2; r <= rows; r++) {
            csv.append('m').append(r).append(',').append(r).append('\n');
        }

        var response = gateway.postCsv("/v1/validate?schema=orders&max-errors=1", csv.toString());

        assertEquals(200, response.statusCode(), response::body);
        String[] lines = response.body().split("\n");
        assertEquals(2, lines.length, response.body());
        assertEquals("{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 1 invalid row (max-errors=1)\",\"row\":1}}",
                lines[1]);
        gateway.assertRequestsLetGo(baseline, Duration.ofSeconds(5));
        // Calls already sent when the run stopped reach the stub's journal once answered (5 ms on).
        Thread.sleep(200);
        int calls = crm.findAll(anyRequestedFor(urlPathMatching("/customers/m.*"))).size();
        // At most the chunks in flight, and the one being read, were validated.
        assertTrue(calls <= 6 * CHUNK_ROWS, calls + " lookups for a run stopped at row 1 of " + rows);
        Thread.sleep(500);
        assertEquals(calls, crm.findAll(anyRequestedFor(urlPathMatching("/customers/m.*"))).size(),
                "no lookup starts after the answer");
        gateway.assertStillServes();
    }

    @Test
    @Timeout(60)
    void aLargeUploadIsLeftUnreadAndItsConnectionEndsCleanly() throws Exception {
        int baseline = gateway.server().liveWorkThreads();
        // Far larger than the socket buffers: the answer comes while the body is still being sent.
        var body = new People.Stream(64L << 20).readAllBytes();
        var sent = new AtomicLong();
        try (var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(20))) {
            connection.postHead("/v1/validate?schema=people&max-errors=1&summary=true", "Content-Type: text/csv",
                    "Content-Length: " + body.length);
            Thread sender = Thread.ofVirtual().start(() -> {
                try {
                    for (int at = 0; at < body.length; at += 16 * 1024) {
                        int n = Math.min(16 * 1024, body.length - at);
                        connection.send(java.util.Arrays.copyOfRange(body, at, at + n));
                        sent.addAndGet(n);
                    }
                } catch (IOException e) {
                    // The gateway closed the connection once it had answered: expected.
                }
            });
            var head = connection.readHead();
            assertEquals(200, head.status());
            String answer = RawConnection.readAll(connection.body(head));
            assertTrue(answer.endsWith("{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 1 invalid row (max-errors=1)\",\"row\":3}}\n"),
                    answer);
            assertTrue(answer.contains("\"stopped\":\"max_errors\""), answer);
            assertTrue(connection.closedByServer(), "the connection ends after the answer");
            sender.join(Duration.ofSeconds(10));
            assertTrue(sent.get() < body.length, "the gateway stopped reading: " + sent.get() + " of " + body.length + " bytes went");
        }
        gateway.assertRequestsLetGo(baseline, Duration.ofSeconds(5));
        gateway.assertStillServes();
    }


    @Test
    @Timeout(60)
    void aClientThatStopsSendingSeesTheErrorLineAtOnceAndEndsTheAnswerByClosingItsSide() throws Exception {
        int baseline = gateway.server().liveWorkThreads();
        // Row 3 is invalid; 2.5 chunks are sent of a body announced much longer, then nothing more.
        var file = People.file(1, CHUNK_ROWS * 5 / 2, People::mixed);
        try (var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(20))) {
            connection.postHead("/v1/validate?schema=people&max-errors=1", "Content-Type: text/csv",
                    "Content-Length: " + (file.bytes().length * 10L));
            connection.send(file.bytes());
            var head = connection.readHead();
            assertEquals(200, head.status());
            var body = connection.body(head);
            String errorLine = "{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 1 invalid row (max-errors=1)\",\"row\":3}}";
            List<String> lines = new java.util.ArrayList<>();
            // The error line comes while the gateway still waits for the rest of the upload.
            for (String line = RawConnection.readLine(body); !errorLine.equals(line); line = RawConnection.readLine(body)) {
                assertTrue(line != null, "the answer ended before its error line: " + lines);
                lines.add(line);
            }
            assertEquals(3, lines.size(), lines.toString());
            connection.shutdownOutput();
            assertEquals("", RawConnection.readAll(body), "nothing after the error line");
        }
        gateway.assertRequestsLetGo(baseline, Duration.ofSeconds(5));
        gateway.assertStillServes();
    }
}
