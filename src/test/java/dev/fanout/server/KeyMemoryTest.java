package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// The keys a keyed upload remembers (`primaryKey` here) are paid for with the heap's places for
/// large validations: 1 MiB on the place the upload holds, then a free place per 4 MB. An upload
/// whose keys outgrow that ends, after the rows it could decide, with a `too_many_keys` error
/// line instead of filling the heap; the places its keys took come back when it ends, either way.
class KeyMemoryTest {
    private static final String KEYED = """
            {"fields": [{"name": "id", "type": "integer"}], "primaryKey": "id"}""";
    private static final int ROWS = 100_000;
    /// 1 MiB of keys holds ~40,000 of these ids (a key of up to six digits, its row, its slot).
    /// The file is ~600 kB, under what the gateway reads and drops before it closes a connection
    /// whose upload it did not read to its end: the client sees the whole answer, never a reset.
    private static final String CSV;
    private static final String NDJSON;

    static {
        var csv = new StringBuilder("id\n");
        var ndjson = new StringBuilder();
        for (int row = 1; row <= ROWS; row++) {
            csv.append(row).append('\n');
            ndjson.append("{\"row\":").append(row).append(",\"line\":").append(row + 1)
                    .append(",\"valid\":true,\"data\":{\"id\":").append(row).append("}}\n");
        }
        CSV = csv.toString();
        NDJSON = ndjson.toString();
    }

    /// One place for large validations, which the upload holds: its keys have 1 MiB.
    @RegisterExtension
    static final GatewayExtension onePlace = GatewayExtension.withSchemas(Map.of("keyed.json", KEYED))
            .setting("fanout.limits.max-concurrent-large-validations", "1");

    /// Two places: the upload's keys may take the second.
    @RegisterExtension
    static final GatewayExtension twoPlaces = GatewayExtension.withSchemas(Map.of("keyed.json", KEYED))
            .setting("fanout.limits.max-concurrent-large-validations", "2")
            .setting("fanout.engine.chunk-rows", "16");

    /// Four places and the engine's own chunks: the keys have 1 MiB, then 4 MiB a place.
    @RegisterExtension
    static final GatewayExtension fourPlaces = GatewayExtension.withSchemas(Map.of("keyed.json", KEYED))
            .setting("fanout.limits.max-concurrent-large-validations", "4");

    /// An upload that says its length (`Content-Length`) has its key set sized for the rows the
    /// length foretells once 16,384 rows are in, rather than doubled as rows come: 40,000 rows of
    /// a 240,000-row upload in, its table is already the 2^19 slots (2.5 MiB) those need, and the
    /// keys hold a second place. The same rows sent in chunks (no length) have a 2^16-slot table,
    /// and their keys fit the upload's own place.
    @Test
    @Timeout(60)
    void anUploadThatSaysItsLengthSizesItsKeysForIt() throws Exception {
        int rows = 240_000;
        int sent = 40_000;
        var head = new StringBuilder("id,pad\n");
        var rest = new StringBuilder();
        for (int row = 1; row <= rows; row++) {
            (row <= sent ? head : rest).append(row).append(",xxxxxxxxxxxxxxxxxxxxxxxx\n");
        }
        byte[] first = head.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] last = rest.toString().getBytes(StandardCharsets.US_ASCII);
        String path = "/v1/validate?schema=keyed&extra=ignore";
        try (var sized = RawConnection.open(fourPlaces.port()).readTimeout(Duration.ofSeconds(20))) {
            sized.postHead(path, "Content-Type: text/csv", "Content-Length: " + (first.length + last.length)).send(first);
            InputStream answer = answerOf(sized);
            assertEquals(2, largePlacesOnceRowIsAnswered(answer, sent - 2048), "the keys took a place of their own");
            sized.send(last);
            assertEquals(rows, lastRow(answer));
        }
        Await.until(Duration.ofSeconds(5), () -> fourPlaces.server().runningValidations() == 0);
        try (var chunked = RawConnection.open(fourPlaces.port()).readTimeout(Duration.ofSeconds(20))) {
            chunked.postChunked(path, "text/csv").sendChunk(first);
            InputStream answer = answerOf(chunked);
            assertEquals(1, largePlacesOnceRowIsAnswered(answer, sent - 2048), "the keys fit the upload's place");
            chunked.sendChunk(last).endChunks();
            assertEquals(rows, lastRow(answer));
        }
    }

    private static InputStream answerOf(RawConnection connection) throws Exception {
        var head = connection.readHead();
        assertEquals(200, head.status());
        return connection.body(head);
    }

    /// Reads `answer` up to the line of `row` (the rows before it are decided and their keys in
    /// the set; the last chunks sent may wait for more input), then returns the large places in
    /// use from `/metrics`.
    private static int largePlacesOnceRowIsAnswered(InputStream answer, int row) throws Exception {
        String wanted = "{\"row\":" + row + ",";
        for (String line = RawConnection.readLine(answer); !line.startsWith(wanted); line = RawConnection.readLine(answer)) {
            assertTrue(line.startsWith("{\"row\":"), line);
        }
        String metrics = fourPlaces.get("/metrics").body();
        Matcher used = Pattern.compile("(?m)^fanout_large_places_used (\\d+)$").matcher(metrics);
        assertTrue(used.find(), metrics);
        return Integer.parseInt(used.group(1));
    }

    /// Reads the rest of `answer` and returns the row of its last line.
    private static long lastRow(InputStream answer) throws Exception {
        String rest = RawConnection.readAll(answer);
        String lastLine = rest.substring(rest.lastIndexOf('\n', rest.length() - 2) + 1);
        return TestGateway.json(lastLine).path("row").asLong();
    }

    @Test
    @Timeout(60)
    void keysPastTheirMemoryEndTheAnswerWithTooManyKeysAfterTheRowsBefore() throws Exception {
        var response = onePlace.postCsv("/v1/validate?schema=keyed&summary=true", CSV);
        assertEquals(200, response.statusCode());
        long row = assertCutByKeys(response.body(), NDJSON, "1 MiB");
        assertTrue(row > 20_000 && row < ROWS, "stopped at row " + row);
        Await.until(Duration.ofSeconds(5), () -> onePlace.server().runningValidations() == 0);
        // Its place came back: a large upload is admitted again, and a small keyed one is whole.
        var afterwards = onePlace.postCsv("/v1/validate?schema=people", People.file(1, 10_000, People::mixed).csv());
        assertEquals(200, afterwards.statusCode(), afterwards::body);
        assertEquals(NDJSON.substring(0, NDJSON.indexOf("{\"row\":4,")) + People.summary(3, 3, 0),
                TestGateway.masked(onePlace.postCsv("/v1/validate?schema=keyed&summary=true", "id\n1\n2\n3\n").body()));
    }

    /// A small upload (under `large-upload-bytes`) holds no large place: its keys have 64 KiB,
    /// then need a free one like any other's.
    @Test
    @Timeout(60)
    void aSmallUploadsKeysTakeAPlaceOnlyWhenOneIsFree() throws Exception {
        String small = CSV.substring(0, CSV.indexOf("\n30001\n") + 1);
        String expected = NDJSON.substring(0, NDJSON.indexOf("{\"row\":30001,"));
        try (var first = HeldUpload.start(twoPlaces); var second = HeldUpload.start(twoPlaces)) {
            var response = twoPlaces.postCsv("/v1/validate?schema=keyed&summary=true", small);
            assertEquals(200, response.statusCode());
            assertCutByKeys(response.body(), expected, "64 KiB on the upload's place");
            first.finish();
            second.finish();
        }
        Await.until(Duration.ofSeconds(5), () -> twoPlaces.server().runningValidations() == 0);
        assertEquals(expected + People.summary(30_000, 30_000, 0),
                TestGateway.masked(twoPlaces.postCsv("/v1/validate?schema=keyed&summary=true", small).body()));
    }

    @Test
    @Timeout(60)
    void keysThatTakeAFreePlaceGiveItBackWhenTheUploadEnds() throws Exception {
        var response = twoPlaces.postCsv("/v1/validate?schema=keyed&summary=true", CSV);
        assertEquals(NDJSON + People.summary(ROWS, ROWS, 0), TestGateway.masked(response.body()));
        Await.until(Duration.ofSeconds(5), () -> twoPlaces.server().runningValidations() == 0);
        // Both places are free again: one held by an upload under way, the other admits another.
        try (var held = HeldUpload.start(twoPlaces)) {
            var second = twoPlaces.postCsv("/v1/validate?schema=people", People.file(1, 10_000, People::mixed).csv());
            assertEquals(200, second.statusCode(), second::body);
            held.finish();
        }
    }

    /// Asserts that `body` holds the lines `all` has for the rows before the one it names in its
    /// last line, a `too_many_keys` error line whose message says `budget` (no summary: the
    /// answer is not whole), and returns that row.
    private static long assertCutByKeys(String body, String all, String budget) {
        int last = body.lastIndexOf("{\"error\":");
        assertTrue(last > 0, body.substring(Math.max(0, body.length() - 300)));
        JsonNode error = TestGateway.json(body.substring(last)).path("error");
        assertEquals("too_many_keys", error.path("code").asText(), body.substring(last));
        assertTrue(error.path("message").asText().contains(budget), error.toString());
        long row = error.path("row").asLong();
        assertEquals(all.substring(0, all.indexOf("{\"row\":" + row + ",")), body.substring(0, last));
        return row;
    }
}
