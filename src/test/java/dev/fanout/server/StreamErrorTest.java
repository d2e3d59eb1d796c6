package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// Failures that happen after the `200` has been decided end the NDJSON with the SPEC's error
/// line `{"error":{"code":…,"message":…,"row":N}}`: every row before the failure is there, exactly,
/// then the error line, and no summary line even when one was asked for.
class StreamErrorTest {
    static final int MAX_UPLOAD_BYTES = 100_000;
    static final int MAX_FIELD_BYTES = 1000;
    static final int MAX_RECORD_BYTES = 3000;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.limits.max-upload-bytes", Integer.toString(MAX_UPLOAD_BYTES))
            .setting("fanout.limits.max-field-bytes", Integer.toString(MAX_FIELD_BYTES))
            .setting("fanout.limits.max-record-bytes", Integer.toString(MAX_RECORD_BYTES));

    /// The response's lines, each with its `\n`; asserts the last one is an error line with
    /// `code` and returns it parsed, after checking every line before it against `expectedRows`.
    private static JsonNode assertRowsThenError(String body, String expectedRows, String code) {
        assertTrue(body.endsWith("\n"), body);
        int lastStart = body.lastIndexOf('\n', body.length() - 2) + 1;
        String rows = body.substring(0, lastStart);
        JsonNode error = TestGateway.json(body.substring(lastStart));
        assertEquals(code, error.path("error").path("code").asText(), "last line: " + body.substring(lastStart));
        assertFalse(error.path("error").path("message").asText().isBlank(), body.substring(lastStart));
        assertEquals(3, error.path("error").size(), "error has code, message and row: " + error);
        assertFalse(body.contains("\"summary\""), "no summary after an error");
        assertFalse(body.contains("Exception"), "no exception text in the stream");
        assertEquals(expectedRows, rows);
        return error;
    }

    @Test
    void aChunkedUploadOverTheLimitEndsWithUploadTooLargeAfterTheRowsWithinIt() throws Exception {
        People.File file = People.file(1, 5000, People::mixed);
        byte[] csv = file.bytes();
        try (var connection = RawConnection.open(gateway.port())) {
            connection.postChunked("/v1/validate?schema=people&summary=true", "text/csv");
            // The server may stop reading once it is over the limit: send from another thread.
            var sending = CompletableFuture.runAsync(() -> {
                try {
                    for (int at = 0; at < csv.length; at += 4096) {
                        connection.sendChunk(Arrays.copyOfRange(csv, at, Math.min(csv.length, at + 4096)));
                    }
                    connection.endChunks();
                } catch (IOException e) {
                    // Expected when the server has given up on the rest of the upload.
                }
            });
            var head = connection.readHead();
            assertEquals(200, head.status());
            assertEquals("application/x-ndjson", head.header("content-type"));
            String body = RawConnection.readAll(connection.body(head));
            sending.get(30, java.util.concurrent.TimeUnit.SECONDS);

            long written = body.chars().filter(c -> c == '\n').count() - 1;
            assertTrue(written > 0, "some rows come before the error: " + body.length());
            JsonNode error = assertRowsThenError(body, firstLines(file.ndjsonAll(), written), "upload_too_large");
            assertEquals(written + 1, error.path("error").path("row").asLong(), error.toString());
            // No row that ends beyond the limit was validated.
            long endOfLastWritten = (People.HEADER + file.csv().lines().skip(1).limit(written)
                    .map(line -> line + "\n").reduce("", String::concat)).length();
            assertTrue(endOfLastWritten <= MAX_UPLOAD_BYTES, "row " + written + " ends at byte " + endOfLastWritten);
        }
        gateway.assertStillServes();
    }

    @Test
    void aMultipartBodyThatEndsWithoutItsClosingBoundaryEndsWithMalformedMultipart() throws Exception {
        People.File file = People.file(1, 50, People::mixed);
        byte[] whole = new Multipart().file(file.csv() + LONG_ROW_51).bytes();
        // The body ends cleanly (chunked) in the middle of row 51, after rows 1-50.
        int cut = cutInRow51(whole);
        try (var connection = RawConnection.open(gateway.port())) {
            connection.postChunked("/v1/validate?schema=people&summary=true", Multipart.CONTENT_TYPE)
                    .sendChunk(Arrays.copyOf(whole, cut))
                    .endChunks();
            var head = connection.readHead();
            assertEquals(200, head.status());
            String body = RawConnection.readAll(connection.body(head));
            JsonNode error = assertRowsThenError(body, firstLines(file.ndjsonAll(), 50), "malformed_multipart");
            assertEquals(51, error.path("error").path("row").asLong(), error.toString());
        }
        gateway.assertStillServes();
    }

    @Test
    void aBrokenMultipartBodyIsAnsweredWithoutAnyServerFailureBeingLogged() throws Exception {
        People.File file = People.file(1, 50, People::mixed);
        byte[] whole = new Multipart().file(file.csv() + LONG_ROW_51).bytes();
        List<java.util.logging.LogRecord> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        var capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
                    failures.add(record);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        var root = java.util.logging.Logger.getLogger("");
        root.addHandler(capture);
        try (var connection = RawConnection.open(gateway.port())) {
            connection.postChunked("/v1/validate?schema=people", Multipart.CONTENT_TYPE)
                    .sendChunk(Arrays.copyOf(whole, cutInRow51(whole)))
                    .endChunks();
            var head = connection.readHead();
            assertEquals(200, head.status());
            assertRowsThenError(RawConnection.readAll(connection.body(head)), file.ndjsonAll(), "malformed_multipart");
            // The handler may still be finishing after the last byte: give a failure time to show.
            Thread.sleep(300);
        } finally {
            root.removeHandler(capture);
        }
        assertEquals(List.of(), failures.stream()
                .map(r -> r.getLevel() + " " + r.getMessage() + (r.getThrown() == null ? "" : " / " + r.getThrown()))
                .toList());
    }

    @Test
    void aMultipartUploadThatBreaksOffBeforeItsContentLengthEndsWithTruncatedUpload() throws Exception {
        People.File file = People.file(1, 50, People::mixed);
        byte[] whole = new Multipart().file(file.csv() + LONG_ROW_51).bytes();
        int cut = cutInRow51(whole);
        try (var connection = RawConnection.open(gateway.port())) {
            connection.postHead("/v1/validate?schema=people&summary=true",
                            "Content-Type: " + Multipart.CONTENT_TYPE, "Content-Length: " + whole.length)
                    .send(Arrays.copyOf(whole, cut));
            connection.shutdownOutput();
            var head = connection.readHead();
            assertEquals(200, head.status());
            String body = RawConnection.readAll(connection.body(head));
            JsonNode error = assertRowsThenError(body, firstLines(file.ndjsonAll(), 50), "truncated_upload");
            assertEquals(51, error.path("error").path("row").asLong(), error.toString());
        }
        gateway.assertStillServes();
    }

    @Test
    void aRawCsvUploadThatBreaksOffBeforeItsContentLengthEndsWithTruncatedUpload() throws Exception {
        People.File file = People.file(1, 50, People::mixed);
        byte[] whole = (file.csv() + LONG_ROW_51).getBytes(StandardCharsets.UTF_8);
        int cut = cutInRow51(whole);
        try (var connection = RawConnection.open(gateway.port())) {
            connection.postHead("/v1/validate?schema=people&summary=true",
                            "Content-Type: text/csv", "Content-Length: " + whole.length)
                    .send(Arrays.copyOf(whole, cut));
            connection.shutdownOutput();
            var head = connection.readHead();
            assertEquals(200, head.status());
            String body = RawConnection.readAll(connection.body(head));
            JsonNode error = assertRowsThenError(body, firstLines(file.ndjsonAll(), 50), "truncated_upload");
            assertEquals(51, error.path("error").path("row").asLong(), error.toString());
        }
        gateway.assertStillServes();
    }

    @Test
    void aFieldOverTheFieldLimitEndsWithFieldTooLarge() throws Exception {
        People.File before = People.file(1, 20, People::mixed);
        String csv = before.csv() + "21," + "N".repeat(MAX_FIELD_BYTES + 1) + ",big@example.org,1,Oslo\n"
                + People.csvRow(22, People.Kind.VALID);
        var response = gateway.postCsv("/v1/validate?schema=people&summary=true", csv);
        assertEquals(200, response.statusCode(), response::body);
        JsonNode error = assertRowsThenError(response.body(), before.ndjsonAll(), "field_too_large");
        assertEquals(21, error.path("error").path("row").asLong(), error.toString());
        gateway.assertStillServes();
    }

    /// A record is held whole to be validated: the field and column limits alone allow a GiB
    /// (a row of 95 fields of 1 MB ran the default launch's heap out: `500`).
    @Test
    void aRecordOverTheRecordLimitEndsWithRecordTooLargeThoughEachFieldIsWithinItsLimit() throws Exception {
        People.File before = People.file(1, 20, People::mixed);
        String field = "N".repeat(MAX_FIELD_BYTES - 10);
        String csv = before.csv() + "21," + field + ",big@example.org,1," + field + "," + field + "," + field + "\n"
                + People.csvRow(22, People.Kind.VALID);
        var response = gateway.postCsv("/v1/validate?schema=people&summary=true&extra=ignore", csv);
        assertEquals(200, response.statusCode(), response::body);
        JsonNode error = assertRowsThenError(response.body(), before.ndjsonAll(), "record_too_large");
        assertEquals(21, error.path("error").path("row").asLong(), error.toString());
        gateway.assertStillServes();
        // A header over it is refused before the 200.
        String header = "id,name,email,age,city," + String.join(",", java.util.Collections.nCopies(4, "c".repeat(900))) + "\n";
        var refused = gateway.postCsv("/v1/validate?schema=people&extra=ignore", header + People.csvRow(1, People.Kind.VALID));
        TestGateway.assertProblem(refused, 422, "record_too_large");
        gateway.assertStillServes();
    }

    @Test
    void aFieldAtTheFieldLimitIsStillValidated() throws Exception {
        String name = "N".repeat(MAX_FIELD_BYTES);
        var response = gateway.postCsv("/v1/validate?schema=people&summary=true",
                "id,name,email\n1," + name + ",big@example.org\n");
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"id\":1,\"name\":\"" + name
                + "\",\"email\":\"big@example.org\",\"age\":null,\"city\":null}}\n" + People.summary(1, 1, 0),
                TestGateway.masked(response.body()));
    }

    @Test
    void theFieldLimitCountsBytesNotCharacters() throws Exception {
        // 400 euro signs are 400 characters but 1200 bytes of UTF-8: over a 1000-byte limit.
        People.File before = People.file(1, 3, People::mixed);
        String csv = before.csv() + "4," + "\u20AC".repeat(400) + ",euro@example.org,1,Oslo\n";
        var response = gateway.postCsv("/v1/validate?schema=people&summary=true", csv);
        assertEquals(200, response.statusCode(), response::body);
        JsonNode error = assertRowsThenError(response.body(), before.ndjsonAll(), "field_too_large");
        assertEquals(4, error.path("error").path("row").asLong(), error.toString());
    }

    @Test
    void anUnclosedQuoteEndsWithMalformedCsvAfterTheRowsBeforeIt() throws Exception {
        People.File before = People.file(1, 5, People::mixed);
        String csv = before.csv() + "6,\"Bob,bob@example.org,1,Oslo\n" + People.csvRow(7, People.Kind.VALID);
        var response = gateway.postCsv("/v1/validate?schema=people&summary=true", csv);
        assertEquals(200, response.statusCode(), response::body);
        JsonNode error = assertRowsThenError(response.body(), before.ndjsonAll(), "malformed_csv");
        assertEquals(6, error.path("error").path("row").asLong(), error.toString());
        gateway.assertStillServes();
    }

    @Test
    void bytesThatAreNotUtf8EndWithInvalidUtf8() throws Exception {
        People.File before = People.file(1, 5, People::mixed);
        byte[] head = before.bytes();
        byte[] bad = "6,Bad\u00FFName,bad@example.org,1,Oslo\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] csv = Arrays.copyOf(head, head.length + bad.length);
        System.arraycopy(bad, 0, csv, head.length, bad.length);
        var response = gateway.post("/v1/validate?schema=people&summary=true", "text/csv", csv);
        assertEquals(200, response.statusCode(), response::body);
        JsonNode error = assertRowsThenError(response.body(), before.ndjsonAll(), "invalid_utf8");
        assertEquals(6, error.path("error").path("row").asLong(), error.toString());
        gateway.assertStillServes();
    }

    @Test
    void aResponseThatEndsWithAnErrorLineDoesNotHangTheNextRequestOnTheConnection() throws Exception {
        try (var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(10))) {
            byte[] csv = (People.HEADER + "1,\"Ada,ada@example.org\n").getBytes(StandardCharsets.UTF_8);
            connection.postHead("/v1/validate?schema=people", "Content-Type: text/csv", "Content-Length: " + csv.length)
                    .send(csv);
            var head = connection.readHead();
            assertEquals(200, head.status());
            String body = RawConnection.readAll(connection.body(head));
            assertRowsThenError(body, "", "malformed_csv");
        }
        gateway.assertStillServes();
    }

    /// A row 51 long enough to cut 80 bytes into it: a streaming multipart parser may hold back
    /// up to a boundary's length (here 35 bytes) of what it has read, as it could be a delimiter.
    private static final String LONG_ROW_51 = "51," + "L".repeat(100) + ",user51@example.org,51,City1\n";

    private static int cutInRow51(byte[] body) {
        return new String(body, StandardCharsets.ISO_8859_1).indexOf("51,LLL") + 80;
    }

    private static String firstLines(String text, long count) {
        List<String> lines = text.lines().limit(count).toList();
        return lines.isEmpty() ? "" : String.join("\n", lines) + "\n";
    }
}
