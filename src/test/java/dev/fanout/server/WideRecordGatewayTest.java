package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// Records longer than a batch take turns at the gateway's gate for wide records
/// (`fanout.limits.max-concurrent-wide-records`, one here): a wide record waits while another is
/// held, and both answers are whole; one that finds no turn within the wait
/// (`fanout.limits.upload-read-timeout`, 4 s here) ends its answer with `overloaded` after the rows
/// before it, or, in the header, gets `503 overloaded`; every turn comes back.
class WideRecordGatewayTest {
    private static final String TEXTS = """
            {"fields": [{"name": "id", "type": "integer"}, {"name": "text", "type": "string"}]}""";
    /// Over a batch (256 KiB): it takes a turn.
    private static final String WIDE = "w".repeat(600 * 1024);

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas(Map.of("texts.json", TEXTS))
            .setting("fanout.limits.max-concurrent-wide-records", "1")
            .setting("fanout.limits.upload-read-timeout", "4s");

    @Test
    @Timeout(60)
    void aWideRecordWaitsForTheTurnAnotherHoldsAndBothAnswersAreWhole() throws Exception {
        try (var holder = WideHolder.start()) {
            var waiting = CompletableFuture.supplyAsync(() -> post("id,text\n1," + WIDE + "\n2,narrow\n"));
            assertTrue(Await.until(Duration.ofSeconds(3), () -> gateway.server().wideRecordsWaiting() == 1), "the second waits");
            long since = System.nanoTime();
            String dribbled = holder.dribbleUntil(() -> System.nanoTime() - since > TimeUnit.MILLISECONDS.toNanos(500));
            assertFalse(waiting.isDone(), "the second wide record waits for the turn");
            assertEquals(List.of(line(1, WIDE + dribbled), line(2, "narrow")), holder.finish(""));
            var answer = waiting.get(30, TimeUnit.SECONDS);
            assertEquals(200, answer.statusCode());
            assertEquals(List.of(line(1, WIDE), line(2, "narrow")), rows(answer.body()));
        }
        assertTrue(Await.until(Duration.ofSeconds(5), () -> gateway.server().wideRecordsHeld() == 0), "the turns came back");
    }

    /// The holder sends its wide record slowly but steadily (never late for the read deadline):
    /// the others wait their 4 s, and give up.
    @Test
    @Timeout(60)
    void aWideRecordOrHeaderThatFindsNoTurnInTimeIsAnsweredOverloaded() throws Exception {
        try (var holder = WideHolder.start()) {
            var row = CompletableFuture.supplyAsync(() -> post("id,text\n1,a\n2,b\n3," + WIDE + "\n4,c\n"));
            var header = CompletableFuture.supplyAsync(() -> post("id,text," + WIDE + "\n1,a\n"));
            String dribbled = holder.dribbleUntil(() -> row.isDone() && header.isDone());

            var cut = row.get(5, TimeUnit.SECONDS);
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

            assertEquals(List.of(line(1, WIDE + dribbled), line(2, "narrow")), holder.finish(""));
        }
        assertTrue(Await.until(Duration.ofSeconds(5), () -> gateway.server().wideRecordsHeld() == 0), "the turns came back");
        var afterwards = post("id,text\n1," + WIDE + "\n");
        assertEquals(List.of(line(1, WIDE)), rows(afterwards.body()));
        gateway.assertStillServes();
    }

    /// A chunked upload whose wide first record is sent in part: it holds the only turn until the
    /// test finishes it.
    private static final class WideHolder implements AutoCloseable {
        private final RawConnection connection;

        private WideHolder(RawConnection connection) {
            this.connection = connection;
        }

        static WideHolder start() throws IOException, InterruptedException {
            var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(30));
            connection.postChunked("/v1/validate?schema=texts", "text/csv").sendChunk("id,text\n1," + WIDE);
            assertTrue(Await.until(Duration.ofSeconds(10), () -> gateway.server().wideRecordsHeld() == 1), "the holder has the turn");
            return new WideHolder(connection);
        }

        /// Sends a `w` every 200 ms until `done` holds (at most 30 s); returns what it sent.
        String dribbleUntil(Await.Condition done) throws IOException, InterruptedException {
            var sent = new StringBuilder();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!done.holds() && System.nanoTime() - deadline < 0) {
                connection.sendChunk("w");
                sent.append('w');
                Thread.sleep(200);
            }
            return sent.toString();
        }

        /// Sends `more` of the wide text, ends the record, adds a narrow one and ends the upload;
        /// returns the answer's lines.
        List<String> finish(String more) throws IOException {
            connection.sendChunk(more + "\n2,narrow\n").endChunks();
            var head = connection.readHead();
            assertEquals(200, head.status());
            InputStream body = connection.body(head);
            return rows(RawConnection.readAll(body));
        }

        @Override
        public void close() throws IOException {
            connection.close();
        }
    }

    private static HttpResponse<String> post(String csv) {
        try {
            return gateway.postCsv("/v1/validate?schema=texts&extra=ignore", csv);
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

    private static List<String> rows(String ndjson) {
        return ndjson.lines().toList();
    }
}
