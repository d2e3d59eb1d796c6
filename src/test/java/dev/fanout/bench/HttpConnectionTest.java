package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.testserver.Request;
import dev.fanout.testserver.Script;
import dev.fanout.testserver.ScriptedServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.commons.fileupload.MultipartStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/// [HttpConnection] against a [ScriptedServer] on a real socket: each test says, byte for
/// byte, what the server answers on each connection it accepts, and checks the status or the
/// [ErrorKind] the load generator gets, how many sockets it opened, and what it put on the wire.
@Timeout(60)
class HttpConnectionTest {
    static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(20);
    static final String ROWS = """
            {"row":1,"line":2,"valid":true,"data":{"id":1,"name":"Ada"}}
            {"row":2,"line":3,"valid":false,"data":{"id":2,"name":null},"errors":[{"field":"name","code":"required","message":"name is required"}]}
            {"row":3,"line":4,"valid":true,"data":{"id":3,"name":"Zoë"}}
            """;
    static final String SUMMARY = "{\"summary\":{\"rows\":3,\"valid\":2,\"invalid\":1,\"elapsedMs\":1.5}}\n";
    /// The rows with the last line cut in the middle: whole HTTP framing, incomplete NDJSON.
    static final String CUT_ROWS = ROWS.substring(0, ROWS.length() - 20);
    static final String ERROR_LINE = "{\"error\":{\"code\":\"truncated_upload\",\"message\":\"cut\",\"row\":3}}\n";
    static final String PROBLEM = """
            {"type":"about:blank","status":503,"title":"Overloaded","code":"overloaded","detail":"try again"}""";
    static final String PATH = "/v1/validate?schema=people";
    static final String CSV = "id,name\r\n1,Ada\r\n2,\"--not a boundary\r\nZoë\"\r\n";

    @TempDir
    Path dir;
    ScriptedServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    // ---- responses ----

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /// A complete answer with a `Content-Length`; `headers` are whole lines ending in CRLF.
    static String withLength(String statusLine, String headers, String body) {
        return statusLine + "\r\n" + headers + "Content-Length: " + utf8(body).length + "\r\n\r\n" + body;
    }

    static String ndjson(String body) {
        return withLength("HTTP/1.1 200 OK", "Content-Type: application/x-ndjson\r\n", body);
    }

    /// `body` in chunks of 1, 7, 50, 26 and 171 bytes and the rest, the first with
    /// an extension, sizes in upper- and lower-case hex, then trailers.
    static byte[] chunked(String body) {
        byte[] bytes = utf8(body);
        var out = new ByteArrayOutputStream();
        out.writeBytes(utf8("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"));
        int[] sizes = {1, 7, 50, 26, 171};
        int position = 0;
        for (int i = 0; position < bytes.length; i++) {
            int size = Math.min(bytes.length - position, i < sizes.length ? sizes[i] : bytes.length);
            String hex = Integer.toHexString(size);
            out.writeBytes(utf8((i % 2 == 0 ? hex.toUpperCase(Locale.ROOT) : hex) + (i == 0 ? ";x=y" : "") + "\r\n"));
            out.write(bytes, position, size);
            out.writeBytes(utf8("\r\n"));
            position += size;
        }
        out.writeBytes(utf8("0\r\nX-Rows: 3\r\nX-Checksum: abc\r\n\r\n"));
        return out.toByteArray();
    }

    /// How an answer says where its body ends.
    enum Framing {
        CONTENT_LENGTH, CHUNKED, CLOSE_DELIMITED;

        byte[] answer(String body) {
            return switch (this) {
                case CONTENT_LENGTH -> utf8(ndjson(body));
                case CHUNKED -> chunked(body);
                case CLOSE_DELIMITED -> utf8("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n\r\n" + body);
            };
        }

        /// Serves `body` once per request; a close-delimited answer then closes the connection.
        Script serving(String body) {
            return peer -> {
                while (peer.read() != null) {
                    peer.write(answer(body));
                    if (this == CLOSE_DELIMITED) {
                        return;
                    }
                }
            };
        }
    }

    // ---- helpers ----

    /// A server whose scripts must not see the connection break under them.
    static ScriptedServer serve(Script script) throws IOException {
        return ScriptedServer.with(script).ioErrorsFail().start();
    }

    Payload csvPayload(boolean multipart) throws IOException {
        Path file = dir.resolve("people.csv");
        Files.writeString(file, CSV);
        return Payload.of(server.uri(PATH), file, multipart);
    }

    HttpConnection connection(boolean verify, boolean expectSummary) {
        return new HttpConnection(server.address(), TIMEOUT_NANOS, verify, expectSummary);
    }

    static ExchangeFailure failure(HttpConnection connection, Payload payload) {
        return assertThrows(ExchangeFailure.class, () -> connection.exchange(payload));
    }

    /// Writes `size` random bytes to `file`, a buffer at a time; returns their SHA-256.
    static String writeRandomFile(Path file, long size) throws IOException {
        MessageDigest sha = sha256();
        var random = new Random(42);
        byte[] buffer = new byte[64 << 10];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= buffer.length) {
                random.nextBytes(buffer);
                int n = (int) Math.min(buffer.length, left);
                out.write(buffer, 0, n);
                sha.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- answers the connection reads ----

    @ParameterizedTest
    @EnumSource(Framing.class)
    void aCompleteNdjsonBodyGivesItsStatusInEveryFraming(Framing framing) throws Exception {
        server = serve(framing.serving(ROWS));
        try (var connection = connection(true, false)) {
            Payload payload = csvPayload(false);
            assertEquals(200, connection.exchange(payload));
            assertEquals(200, connection.exchange(payload), "the answer was read to its exact end");
        }
        assertEquals(framing == Framing.CLOSE_DELIMITED ? 2 : 1, server.connections());
        assertEquals(2, server.requests());
    }

    @ParameterizedTest
    @EnumSource(Framing.class)
    void aTwoHundredWhoseLastLineIsCutIsMalformedInEveryFraming(Framing framing) throws Exception {
        server = serve(framing.serving(CUT_ROWS));
        try (var connection = connection(true, false)) {
            assertEquals(ErrorKind.MALFORMED, failure(connection, csvPayload(false)).kind());
        }
    }

    @Test
    void withoutVerifyAnIncompleteNdjsonBodyStillCountsByItsStatus() throws Exception {
        server = serve(Framing.CONTENT_LENGTH.serving(CUT_ROWS + ERROR_LINE));
        try (var connection = connection(false, true)) {
            assertEquals(200, connection.exchange(csvPayload(false)));
        }
    }

    @Test
    void withExpectSummaryOnlyABodyEndingWithTheSummaryIsComplete() throws Exception {
        var answers = new LinkedBlockingQueue<>(List.of(ROWS + SUMMARY, ROWS, ROWS + ERROR_LINE, ROWS + SUMMARY));
        server = serve(peer -> {
            while (peer.read() != null) {
                peer.write(utf8(ndjson(answers.remove())));
            }
        });
        try (var connection = connection(true, true)) {
            Payload payload = csvPayload(false);
            assertEquals(200, connection.exchange(payload));
            assertEquals(ErrorKind.MALFORMED, failure(connection, payload).kind(), "no summary");
            assertEquals(ErrorKind.MALFORMED, failure(connection, payload).kind(), "an error line");
            assertEquals(200, connection.exchange(payload));
        }
    }

    @Test
    void anInterimHundredContinueIsSkippedForTheFinalAnswer() throws Exception {
        server = serve(peer -> {
            while (peer.read() != null) {
                peer.write(utf8("HTTP/1.1 100 Continue\r\n\r\n" + ndjson(ROWS)));
            }
        });
        try (var connection = connection(true, false)) {
            Payload payload = csvPayload(false);
            assertEquals(200, connection.exchange(payload));
            assertEquals(200, connection.exchange(payload));
        }
        assertEquals(1, server.connections());
    }

    @Test
    void aNonTwoHundredStatusIsReturnedAndItsBodyIsNotCheckedAsNdjson() throws Exception {
        server = serve(peer -> {
            peer.read();
            peer.write(utf8(withLength("HTTP/1.1 503 Service Unavailable",
                    "Content-Type: application/problem+json\r\nRetry-After: 1\r\n", PROBLEM)));
            peer.read();
            peer.write(utf8(withLength("HTTP/1.1 422 Unprocessable Content",
                    "Content-Type: application/problem+json\r\n", "not json at all, no newline")));
            peer.read();
            peer.write(utf8(ndjson(ROWS + SUMMARY)));
        });
        try (var connection = connection(true, true)) {
            Payload payload = csvPayload(false);
            assertEquals(503, connection.exchange(payload));
            assertEquals(422, connection.exchange(payload));
            assertEquals(200, connection.exchange(payload), "the error bodies were read to their end");
        }
        assertEquals(1, server.connections());
    }

    // ---- keep-alive ----

    @Test
    void exchangesShareOneKeepAliveConnection() throws Exception {
        server = serve(Framing.CONTENT_LENGTH.serving(ROWS));
        try (var connection = connection(true, false)) {
            Payload payload = csvPayload(false);
            for (int i = 0; i < 3; i++) {
                assertEquals(200, connection.exchange(payload));
            }
        }
        assertEquals(1, server.connections());
        assertEquals(3, server.requests());
    }

    @Test
    void afterConnectionCloseTheNextExchangeOpensANewConnection() throws Exception {
        server = serve(peer -> {
            peer.read();
            peer.write(utf8(withLength("HTTP/1.1 200 OK", "Connection: close\r\n", ROWS)));
        });
        try (var connection = connection(true, false)) {
            Payload payload = csvPayload(false);
            assertEquals(200, connection.exchange(payload));
            assertEquals(200, connection.exchange(payload));
        }
        assertEquals(2, server.connections());
    }

    @Test
    void anHttp10AnswerWithoutKeepAliveEndsTheConnection() throws Exception {
        server = serve(peer -> {
            peer.read();
            peer.write(utf8(withLength("HTTP/1.0 200 OK", "", ROWS)));
            peer.readUntilClose();
        });
        try (var connection = connection(true, false)) {
            Payload payload = csvPayload(false);
            assertEquals(200, connection.exchange(payload));
            assertEquals(200, connection.exchange(payload));
        }
        assertEquals(2, server.connections());
    }

    /// The generator does not retry a request on a keep-alive connection the server had closed
    /// while it was idle (a POST is not idempotent): that request counts as `CLOSED`.
    @Test
    void aKeepAliveConnectionTheServerClosedWhileIdleFailsTheNextExchangeAsClosedAndTheOneAfterReconnects()
            throws Exception {
        var idleClosed = new CountDownLatch(1);
        server = serve(peer -> {
            if (peer.index() == 0) {
                peer.read();
                peer.write(utf8(ndjson(ROWS))); // keep-alive, then the server's idle time-out
                peer.close();
                idleClosed.countDown();
            } else {
                Framing.CONTENT_LENGTH.serving(ROWS).run(peer);
            }
        });
        try (var connection = connection(true, false)) {
            Payload payload = csvPayload(false);
            assertEquals(200, connection.exchange(payload));
            assertTrue(idleClosed.await(10, TimeUnit.SECONDS));
            assertEquals(ErrorKind.CLOSED, failure(connection, payload).kind());
            assertEquals(200, connection.exchange(payload));
        }
        assertEquals(2, server.connections());
    }

    // ---- failures ----

    @Test
    void aRefusedConnectionIsConnect() throws Exception {
        int closedPort;
        try (var probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = probe.getLocalPort();
        }
        Path file = dir.resolve("people.csv");
        Files.writeString(file, CSV);
        Payload payload = Payload.of(URI.create("http://127.0.0.1:" + closedPort + "/v1/validate"), file, false);
        try (var connection = new HttpConnection(new InetSocketAddress("127.0.0.1", closedPort), TIMEOUT_NANOS, true, false)) {
            assertEquals(ErrorKind.CONNECT, failure(connection, payload).kind());
        }
    }

    @Test
    void noAnswerWithinTheTimeOutIsTimeoutAndClosesTheConnection() throws Exception {
        var clientClosed = new CountDownLatch(1);
        server = serve(peer -> {
            peer.read();
            peer.readUntilClose(); // never answers
            clientClosed.countDown();
        });
        Payload payload = csvPayload(false);
        try (var connection = new HttpConnection(server.address(), TimeUnit.MILLISECONDS.toNanos(300), true, false)) {
            long start = System.nanoTime();
            ExchangeFailure failure = failure(connection, payload);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertEquals(ErrorKind.TIMEOUT, failure.kind());
            assertTrue(elapsed.compareTo(Duration.ofMillis(250)) >= 0, "gave up after only " + elapsed);
            assertTrue(elapsed.compareTo(Duration.ofSeconds(3)) < 0, "gave up only after " + elapsed);
            assertTrue(clientClosed.await(10, TimeUnit.SECONDS), "the timed-out connection was closed");
        }
    }

    @Test
    void halfTheContentLengthThenCloseIsMalformed() throws Exception {
        server = serve(peer -> {
            peer.read();
            String answer = withLength("HTTP/1.1 200 OK", "", ROWS);
            peer.write(utf8(answer.substring(0, answer.length() - ROWS.length() / 2)));
        });
        try (var connection = connection(true, false)) {
            assertEquals(ErrorKind.MALFORMED, failure(connection, csvPayload(false)).kind());
        }
    }

    /// Once the server has sent the first byte of an answer, closing before its end is a
    /// malformed answer wherever the cut falls (in the head, a chunk, a chunk size or the
    /// trailers); closing before the first byte is `CLOSED`.
    @ParameterizedTest
    @EnumSource(value = Framing.class, names = {"CONTENT_LENGTH", "CHUNKED"})
    void anAnswerCutAnywhereIsMalformedAndCutBeforeItsFirstByteIsClosed(Framing framing) throws Exception {
        byte[] answer = framing.answer(ROWS);
        var cuts = new LinkedBlockingQueue<Integer>();
        server = serve(peer -> {
            peer.read();
            peer.write(Arrays.copyOf(answer, cuts.take()));
        });
        Payload payload = csvPayload(false);
        try (var connection = connection(false, false)) {
            for (int cut = 0; cut < answer.length; cut++) {
                cuts.add(cut);
                ExchangeFailure failure = failure(connection, payload);
                assertEquals(cut == 0 ? ErrorKind.CLOSED : ErrorKind.MALFORMED, failure.kind(),
                        "cut after " + cut + " bytes: " + new String(answer, 0, cut, StandardCharsets.UTF_8)
                                + " (" + failure.getMessage() + ")");
            }
            cuts.add(answer.length);
            assertEquals(200, connection.exchange(payload));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"HTTP/1.1 OK", "HTTP/1.1 2x0 OK", "HTTP/2 200 OK", "HTP/1.1 200 OK", "200 OK",
            "HTTP/1.1  200 OK", "<html>", "HTTP/1.1 2000 OK", "HTTP/1.1 200OK"})
    void aBadStatusLineIsMalformed(String statusLine) throws Exception {
        server = serve(peer -> {
            peer.read();
            peer.write(utf8(statusLine + "\r\nContent-Length: 0\r\n\r\n"));
        });
        try (var connection = connection(true, false)) {
            assertEquals(ErrorKind.MALFORMED, failure(connection, csvPayload(false)).kind());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"Content-Length: abc", "Content-Length: -1", "no colon here", ": no name"})
    void aBadHeaderIsMalformed(String header) throws Exception {
        server = serve(peer -> {
            peer.read();
            peer.write(utf8("HTTP/1.1 200 OK\r\n" + header + "\r\n\r\n" + ROWS));
        });
        try (var connection = connection(true, false)) {
            assertEquals(ErrorKind.MALFORMED, failure(connection, csvPayload(false)).kind());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz", "-5", "+5", "", "0x10", "1 0"})
    void aChunkWithABadHexSizeIsMalformed(String size) throws Exception {
        server = serve(peer -> {
            peer.read();
            peer.write(utf8("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + size + "\r\n" + ROWS + "\r\n0\r\n\r\n"));
        });
        try (var connection = connection(true, false)) {
            assertEquals(ErrorKind.MALFORMED, failure(connection, csvPayload(false)).kind());
        }
    }

    @Test
    void aChunkLongerThanItsSizeIsMalformed() throws Exception {
        server = serve(peer -> {
            peer.read();
            peer.write(utf8("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n" + ROWS + "\r\n0\r\n\r\n"));
        });
        try (var connection = connection(false, false)) {
            assertEquals(ErrorKind.MALFORMED, failure(connection, csvPayload(false)).kind());
        }
    }

    // ---- the request on the wire ----

    @Test
    void aCsvPayloadIsAPostOfTheFileAsTextCsv() throws Exception {
        server = serve(Framing.CONTENT_LENGTH.serving(ROWS));
        try (var connection = connection(true, false)) {
            assertEquals(200, connection.exchange(csvPayload(false)));
        }
        Request request = server.takeRequest();
        byte[] file = Files.readAllBytes(dir.resolve("people.csv"));
        assertEquals("POST /v1/validate?schema=people HTTP/1.1", request.requestLine());
        assertEquals("127.0.0.1:" + server.port(), request.header("host"));
        assertEquals("text/csv", request.header("content-type"));
        assertEquals(Long.toString(file.length), request.header("content-length"));
        assertArrayEquals(file, request.body());
    }

    @Test
    void aMultipartPayloadIsOneFilePartHoldingTheFile() throws Exception {
        server = serve(Framing.CONTENT_LENGTH.serving(ROWS));
        try (var connection = connection(true, false)) {
            assertEquals(200, connection.exchange(csvPayload(true)));
        }
        Request request = server.takeRequest();
        byte[] file = Files.readAllBytes(dir.resolve("people.csv"));
        assertEquals("POST /v1/validate?schema=people HTTP/1.1", request.requestLine());
        String contentType = request.header("content-type");
        String prefix = "multipart/form-data; boundary=";
        assertTrue(contentType.startsWith(prefix), contentType);
        String boundary = contentType.substring(prefix.length());
        assertFalse(boundary.isBlank(), contentType);
        byte[] body = request.body();
        assertEquals(Long.toString(body.length), request.header("content-length"));
        String text = new String(body, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("--" + boundary + "\r\n"), "no preamble: " + text);
        assertTrue(text.endsWith("\r\n--" + boundary + "--\r\n"), "ends with the close delimiter: " + text);

        var parts = new MultipartStream(new ByteArrayInputStream(body), utf8(boundary), 4096, null);
        assertTrue(parts.skipPreamble(), "the first boundary");
        String headers = parts.readHeaders();
        assertTrue(headers.contains("Content-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n"), headers);
        var content = new ByteArrayOutputStream();
        parts.readBodyData(content);
        assertArrayEquals(file, content.toByteArray());
        assertFalse(parts.readBoundary(), "the file part is the only part");
    }

    @Test
    void aStreamedPayloadArrivesByteForByte() throws Exception {
        server = serve(Framing.CONTENT_LENGTH.serving(ROWS));
        Path big = dir.resolve("big.csv");
        long size = Payload.IN_MEMORY_LIMIT + (1 << 20);
        String sha = writeRandomFile(big, size);
        Payload payload = Payload.of(server.uri(PATH), big, false);
        assertTrue(payload.streamed(), "a file over the in-memory limit is streamed");
        try (var connection = connection(true, false)) {
            assertEquals(200, connection.exchange(payload));
            assertEquals(200, connection.exchange(payload), "the keep-alive connection carries a second upload");
        }
        assertEquals(1, server.connections());
        for (int i = 0; i < 2; i++) {
            Request request = server.takeRequest();
            assertEquals(Long.toString(size), request.header("content-length"));
            assertEquals(size, request.bodyLength());
            assertEquals(sha, request.sha256(), "request " + (i + 1));
        }
    }

    /// A server that refuses a big upload at once (413) and closes without reading it: the
    /// exchange ends well before its time-out, with the 413 when it was read before the reset,
    /// else as `CLOSED`; the next exchange works on a new connection.
    @Test
    void anEarly413ThatClosesWithoutReadingAStreamedBodyIsTheStatusOrClosed() throws Exception {
        server = serve(peer -> {
            if (peer.index() == 0) {
                peer.readHead();
                peer.write(utf8(withLength("HTTP/1.1 413 Content Too Large",
                        "Content-Type: application/problem+json\r\nConnection: close\r\n", PROBLEM)));
            } else {
                Framing.CONTENT_LENGTH.serving(ROWS).run(peer);
            }
        });
        Path big = dir.resolve("big.csv");
        writeRandomFile(big, Payload.IN_MEMORY_LIMIT + (1 << 20));
        Payload payload = Payload.of(server.uri(PATH), big, false);
        try (var connection = connection(true, false)) {
            long start = System.nanoTime();
            try {
                assertEquals(413, connection.exchange(payload));
            } catch (ExchangeFailure e) {
                assertEquals(ErrorKind.CLOSED, e.kind(), e.getMessage());
            }
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(elapsed.compareTo(Duration.ofSeconds(10)) < 0, "took " + elapsed);
            assertEquals(200, connection.exchange(csvPayload(false)));
        }
        assertEquals(2, server.connections());
    }

    /// A server that refuses a big upload (413) but keeps the connection open without reading
    /// the rest: the exchange returns the 413 at once, rather than wait to its time-out for a body
    /// nobody reads, and leaves that connection; the next exchange works on a new one.
    @Test
    void anEarly413OnAConnectionLeftOpenWithoutReadingTheStreamedBodyIsTheStatusAtOnce() throws Exception {
        var released = new CountDownLatch(1);
        // A small receive window, and a body far over what the socket buffers hold, so that the
        // upload cannot end unless the server reads it.
        server = ScriptedServer.with(peer -> {
            if (peer.index() == 0) {
                peer.readHead();
                peer.write(utf8(withLength("HTTP/1.1 413 Content Too Large",
                        "Content-Type: application/problem+json\r\n", PROBLEM)));
                released.await(30, TimeUnit.SECONDS); // holds the connection, reading nothing
            } else {
                Framing.CONTENT_LENGTH.serving(ROWS).run(peer);
            }
        }).receiveBuffer(64 << 10).ioErrorsFail().start();
        Path big = dir.resolve("big.csv");
        writeRandomFile(big, 16 << 20);
        Payload payload = Payload.of(server.uri(PATH), big, false);
        try (var connection = connection(true, false)) {
            long start = System.nanoTime();
            assertEquals(413, connection.exchange(payload));
            Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
            assertTrue(elapsed.compareTo(Duration.ofSeconds(10)) < 0, "took " + elapsed);
            assertEquals(200, connection.exchange(csvPayload(false)));
        } finally {
            released.countDown();
        }
        assertEquals(2, server.connections());
    }
}
