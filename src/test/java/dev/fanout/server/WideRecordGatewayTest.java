package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// Records longer than a batch take turns at the gateway's gate for wide records
/// (`fanout.limits.max-concurrent-wide-records`, one here): a wide record waits while another is
/// held, and both answers are whole. A turn lasts at most `fanout.limits.upload-read-timeout` (4 s
/// here) while its record is read: a client that sends its wide record slowly but steadily is cut
/// with `upload_too_slow` (`408` in the header), and the next in line gets the turn. One that
/// finds no turn within the same time (here behind a record whose chunk waits on a slow lookup)
/// ends its answer with `overloaded` after the rows before it, or, in the header, gets `503
/// overloaded`. Every turn comes back.
class WideRecordGatewayTest {
    private static final String TEXTS = """
            {"fields": [{"name": "id", "type": "integer"}, {"name": "text", "type": "string"}]}""";
    /// A code looked up upstream: a wide record whose chunk waits on it keeps its turn meanwhile.
    private static final String CODES = """
            {"fields": [{"name": "code", "type": "string", "x-lookup": {"upstream": "crm", "path": "/codes/{value}"}},
                        {"name": "text", "type": "string"}]}""";
    /// Over a batch (256 KiB): it takes a turn.
    private static final String WIDE = "w".repeat(600 * 1024);
    /// How long the slow lookup keeps its wide record's turn: longer than the others may wait.
    private static final int LOOKUP_DELAY_MILLIS = 8_000;

    @Order(1)
    @RegisterExtension
    static final WireMockExtension crm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1"))
            .build();

    @Order(2)
    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas(Map.of("texts.json", TEXTS, "codes.json", CODES))
            .setting("fanout.limits.max-concurrent-wide-records", "1")
            .setting("fanout.limits.upload-read-timeout", "4s")
            .setting("fanout.upstreams.crm.base-uri", () -> "http://127.0.0.1:" + crm.getPort())
            .setting("fanout.upstreams.crm.timeout", "30s")
            .setting("fanout.upstreams.crm.retries", "0");

    @Test
    @Timeout(60)
    void aWideRecordWaitsForTheTurnAnotherHoldsAndBothAnswersAreWhole() throws Exception {
        try (var holder = WideHolder.start("id,text\n1," + WIDE)) {
            var waiting = CompletableFuture.supplyAsync(() -> post("id,text\n1," + WIDE + "\n2,narrow\n"));
            assertTrue(Await.until(Duration.ofSeconds(3), () -> gateway.server().wideRecordsWaiting() == 1), "the second waits");
            Thread.sleep(300);
            assertFalse(waiting.isDone(), "the second wide record waits for the turn");
            // What an operator sees meanwhile.
            String metrics = gateway.get("/metrics").body();
            for (String gauge : List.of("fanout_validations_running 2", "fanout_large_places_used 2", "fanout_wide_records_held 1",
                    "fanout_wide_records_limit 1", "fanout_wide_records_waiting 1")) {
                assertTrue(metrics.contains("\n" + gauge + "\n"), gauge + " in " + metrics);
            }
            assertRows(List.of(line(1, WIDE + "tail"), line(2, "narrow")), holder.finish("tail"));
            var answer = waiting.get(30, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode());
            assertRows(List.of(line(1, WIDE), line(2, "narrow")), rows(answer.body()));
        }
        assertTrue(Await.until(Duration.ofSeconds(5), () -> gateway.server().wideRecordsHeld() == 0), "the turns came back");
    }

    /// The holder sends its wide record slowly but steadily, never late for the read deadline
    /// (which cuts stalls): 4 s after it took the turn, it is cut, and the wide record that came
    /// 1.5 s after it, whose wait would end at 5.5 s, gets the turn.
    @Test
    @Timeout(60)
    void aSlowSteadyHolderIsCutWhenItsTurnRunsOutAndTheNextInLineGetsIt() throws Exception {
        try (var holder = WideHolder.start("id,text\n1," + WIDE)) {
            long since = System.nanoTime();
            holder.dribbleUntil(() -> System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(1_500));
            var waiting = CompletableFuture.supplyAsync(() -> post("id,text\n1," + WIDE + "\n2,narrow\n"));
            var head = holder.dribbleUntilAnswered();

            assertEquals(200, head.status());
            List<String> cut = rows(RawConnection.readAll(holder.connection.body(head)));
            assertEquals(1, cut.size(), "only the error line: " + cut.size() + " lines");
            JsonNode error = TestGateway.json(cut.get(0)).path("error");
            assertEquals("upload_too_slow", error.path("code").asText(), cut.get(0));
            assertEquals(1, error.path("row").asLong(), cut.get(0));
            assertTrue(error.path("message").asText().startsWith("the record starting on line 2 is longer than 256 KiB, and"
                    + " was still being sent 4 s after it took its turn"), cut.get(0));

            var answer = waiting.get(10, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode());
            assertRows(List.of(line(1, WIDE), line(2, "narrow")), rows(answer.body()));
            assertTrue(holder.closedByServer(Duration.ofSeconds(8)), "the rest, which would come as slowly, is not read through");
        }
        assertTrue(Await.until(Duration.ofSeconds(5), () -> gateway.server().wideRecordsHeld() == 0), "the turns came back");
        assertTrue(gateway.get("/metrics").body().contains("\nfanout_stream_errors_total{code=\"upload_too_slow\"} "),
                "counted for the operator");
        gateway.assertStillServes();
    }

    /// A header sent as slowly is answered `408 upload_too_slow`, and its connection closed: the
    /// rest of its body would come as slowly.
    @Test
    @Timeout(60)
    void aSlowSteadyWideHeaderIsAnswered408AndItsConnectionClosed() throws Exception {
        try (var holder = WideHolder.start("id,text," + WIDE)) {
            long since = System.nanoTime();
            var head = holder.dribbleUntilAnswered();
            long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
            assertEquals(408, head.status());
            assertEquals("close", head.header("connection"));
            JsonNode problem = TestGateway.json(RawConnection.readAll(holder.connection.body(head)));
            assertEquals("upload_too_slow", problem.path("code").asText(), problem.toString());
            assertTrue(heldMillis > 3_000 && heldMillis < 20_000, "cut about the turn's 4 s after it took it: " + heldMillis + " ms");
        }
        assertTrue(Await.until(Duration.ofSeconds(5), () -> gateway.server().wideRecordsHeld() == 0), "the turn came back");
        gateway.assertStillServes();
    }

    /// The holder's record is read whole, but its chunk waits 8 s on a lookup and keeps the turn
    /// meanwhile: the others wait their 4 s, and give up.
    @Test
    @Timeout(60)
    void aWideRecordOrHeaderThatFindsNoTurnInTimeIsAnsweredOverloaded() throws Exception {
        crm.stubFor(get(urlPathEqualTo("/codes/k")).willReturn(okJson("{}").withFixedDelay(LOOKUP_DELAY_MILLIS)));
        var holder = CompletableFuture.supplyAsync(() -> post("codes", "code,text\nk," + WIDE + "\n"));
        assertTrue(Await.until(Duration.ofSeconds(10), () -> gateway.server().wideRecordsHeld() == 1), "the holder has the turn");
        var row = CompletableFuture.supplyAsync(() -> post("id,text\n1,a\n2,b\n3," + WIDE + "\n4,c\n"));
        var header = CompletableFuture.supplyAsync(() -> post("id,text," + WIDE + "\n1,a\n"));

        var cut = row.get(LOOKUP_DELAY_MILLIS + 5_000, TimeUnit.MILLISECONDS);
        assertFalse(holder.isDone(), "the holder's lookup still keeps the turn");
        assertEquals(200, cut.statusCode());
        String[] lines = cut.body().split("\n");
        assertEquals(List.of(line(1, "a"), line(2, "b")), List.of(lines[0], lines[1]));
        JsonNode error = TestGateway.json(lines[2]).path("error");
        assertEquals("overloaded", error.path("code").asText(), lines[2]);
        assertEquals(3, error.path("row").asLong(), lines[2]);
        assertTrue(error.path("message").asText().startsWith("the record starting on line 4 is longer than 256 KiB, and the"
                + " server holds at most 1 such record at once (fanout.limits.max-concurrent-wide-records), and waited"
                + " 4 s for a turn"), lines[2]);
        assertEquals(3, lines.length);

        var refused = header.get(5, TimeUnit.SECONDS);
        TestGateway.assertProblem(refused, 503, "overloaded");
        assertTrue(refused.headers().firstValue("Retry-After").isPresent(), "a 503 says when to retry");

        var held = holder.get(30, TimeUnit.SECONDS);
        assertEquals(200, held.statusCode());
        assertRows(List.of("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"code\":\"k\",\"text\":\"" + WIDE + "\"}}"),
                rows(held.body()));
        assertTrue(Await.until(Duration.ofSeconds(5), () -> gateway.server().wideRecordsHeld() == 0), "the turns came back");
        var afterwards = post("id,text\n1," + WIDE + "\n");
        assertRows(List.of(line(1, WIDE)), rows(afterwards.body()));
        gateway.assertStillServes();
    }

    /// A chunked upload whose wide first record (or header) is sent in part: it holds the only
    /// turn until the test finishes it.
    private static final class WideHolder implements AutoCloseable {
        private final RawConnection connection;

        private WideHolder(RawConnection connection) {
            this.connection = connection;
        }

        static WideHolder start(String opening) throws IOException, InterruptedException {
            var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(30));
            connection.postChunked("/v1/validate?schema=texts", "text/csv").sendChunk(opening);
            assertTrue(Await.until(Duration.ofSeconds(10), () -> gateway.server().wideRecordsHeld() == 1), "the holder has the turn");
            return new WideHolder(connection);
        }

        /// Sends a `w` every 200 ms until `done` holds (at most 30 s).
        void dribbleUntil(Await.Condition done) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!done.holds() && System.nanoTime() - deadline < 0) {
                connection.sendChunk("w");
                Thread.sleep(200);
            }
        }

        /// Sends a `w` every 200 ms until the answer's head comes (at most 30 s), and returns it.
        RawConnection.Head dribbleUntilAnswered() throws IOException, InterruptedException {
            connection.readTimeout(Duration.ofMillis(200));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() - deadline < 0) {
                try {
                    connection.sendChunk("w");
                } catch (IOException e) {
                    // The answer came, and the connection was closed after it: read what came.
                }
                try {
                    var head = connection.readHead();
                    connection.readTimeout(Duration.ofSeconds(30));
                    return head;
                } catch (java.net.SocketTimeoutException e) {
                    // Nothing yet.
                }
            }
            throw new AssertionError("no answer within 30 s");
        }

        /// Sends `more` of the wide text, ends the record, adds a narrow one and ends the upload;
        /// returns the answer's lines.
        List<String> finish(String more) throws IOException {
            connection.sendChunk(more + "\n2,narrow\n").endChunks();
            return answer();
        }

        /// Whether the server closes the connection within `within` though the test goes on
        /// sending a `w` every 200 ms: the rest is not read through, as it would be (for as long as
        /// it comes) on a connection that is kept.
        boolean closedByServer(Duration within) throws IOException {
            connection.readTimeout(Duration.ofMillis(200));
            long deadline = System.nanoTime() + within.toNanos();
            while (System.nanoTime() - deadline < 0) {
                try {
                    connection.sendChunk("w");
                    if (connection.rawBody().read() == -1) {
                        return true;
                    }
                } catch (java.net.SocketTimeoutException e) {
                    // Still open.
                } catch (IOException e) {
                    // Reset or closed: closed all the same.
                    return true;
                }
            }
            return false;
        }

        /// The answer's lines.
        List<String> answer() throws IOException {
            var head = connection.readHead();
            assertEquals(200, head.status());
            return rows(RawConnection.readAll(connection.body(head)));
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }

    private static HttpResponse<String> post(String csv) {
        return post("texts", csv);
    }

    private static HttpResponse<String> post(String schema, String csv) {
        try {
            return gateway.postCsv("/v1/validate?schema=" + schema + "&extra=ignore", csv);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String line(long row, String text) {
        return "{\"row\":" + row + ",\"line\":" + (row + 1) + ",\"valid\":true,\"data\":{\"id\":" + row + ",\"text\":\"" + text + "\"}}";
    }

    /// As `assertEquals`, but a failure shows each line's start and length, not 600 KB of it.
    private static void assertRows(List<String> expected, List<String> actual) {
        if (!expected.equals(actual)) {
            throw new AssertionError("expected " + shortly(expected) + " but was " + shortly(actual));
        }
    }

    private static List<String> shortly(List<String> lines) {
        return lines.stream().map(l -> l.length() <= 300 ? l : l.substring(0, 300) + "… (" + l.length() + " chars)").toList();
    }

    private static List<String> rows(String ndjson) {
        return ndjson.lines().toList();
    }
}
