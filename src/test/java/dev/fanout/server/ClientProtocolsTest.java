package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// What common clients that are not modern HTTP/1.1 keep-alive clients get: HTTP/1.0 requests
/// (ApacheBench, `curl -0`, nginx's default upstream protocol, HAProxy's health check) are served
/// on every route, with no chunked encoding and the body ended by the connection's end; and
/// `Connection: close` ends the connection right after the response, on every route.
class ClientProtocolsTest {
    /// A streamed answer (over one chunk of the engine's output) and its known body.
    static final People.File STREAMED = People.file(1, 3000, People::mixed);

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.engine.chunk-rows", "256");

    /// A whole exchange on a fresh connection: the bytes up to the server's end of stream, and how
    /// long the end came after the last byte.
    record Exchange(String head, byte[] body, long endAfterLastByteMillis) {
        int status() {
            return Integer.parseInt(head.substring(9, 12));
        }

        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static Exchange exchange(String head, byte[] body) throws IOException {
        try (var socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            var all = new ByteArrayOutputStream();
            byte[] buffer = new byte[65536];
            long lastByte = System.nanoTime();
            int n;
            // A read time-out (10 s) fails the test: the server never ended the connection.
            while ((n = in.read(buffer)) >= 0) {
                all.write(buffer, 0, n);
                lastByte = System.nanoTime();
            }
            long endAfter = (System.nanoTime() - lastByte) / 1_000_000;
            byte[] bytes = all.toByteArray();
            String text = new String(bytes, StandardCharsets.ISO_8859_1);
            int split = text.indexOf("\r\n\r\n");
            assertTrue(split > 0, "a complete head: " + text);
            byte[] rest = new byte[bytes.length - split - 4];
            System.arraycopy(bytes, split + 4, rest, 0, rest.length);
            return new Exchange(text.substring(0, split), rest, endAfter);
        }
    }

    private static String post(String version, String extraHeaders, int length) {
        return "POST /v1/validate?schema=people HTTP/" + version + "\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
                + "Content-Length: " + length + "\r\n" + extraHeaders + "\r\n";
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/schemas", "/v1/schemas/people", "/observe/health", "/v1/stats", "/metrics", "/nope"})
    void anHttp10GetIsAnsweredOnEveryRoute(String path) throws Exception {
        var answer = exchange("GET " + path + " HTTP/1.0\r\n\r\n", new byte[0]);
        assertTrue(answer.head().startsWith("HTTP/1.1 "), answer.head());
        int expected = switch (path) {
            case "/nope" -> 404;
            case "/observe/health" -> 204;
            default -> 200;
        };
        assertEquals(expected, answer.status(), answer.head());
        assertEquals("close", answer.header("Connection"));
        assertEquals(null, answer.header("Transfer-Encoding"));
        assertEquals(expected == 204, answer.text().isEmpty());
        if (answer.header("Content-Length") != null) {
            assertEquals(Integer.parseInt(answer.header("Content-Length")), answer.body().length);
        }
        gateway.assertStillServes();
    }

    @Test
    void anHttp10ValidationStreamsTheSameRowsWithoutChunkFraming() throws Exception {
        byte[] csv = STREAMED.csv().getBytes(StandardCharsets.UTF_8);
        var answer = exchange(post("1.0", "", csv.length), csv);
        assertEquals(200, answer.status(), answer.head());
        assertEquals(null, answer.header("Transfer-Encoding"), "no chunked encoding to an HTTP/1.0 client");
        assertEquals("close", answer.header("Connection"));
        var overHttp11 = gateway.postCsv("/v1/validate?schema=people", STREAMED.csv());
        assertEquals(overHttp11.body(), answer.text(), "the same body, byte for byte");
        assertEquals(STREAMED.ndjsonAll(), answer.text());
    }

    @Test
    void anHttp10KeepAliveRequestIsServedAndClosed() throws Exception {
        var answer = exchange("GET /v1/schemas HTTP/1.0\r\nConnection: keep-alive\r\nHost: x\r\n\r\n", new byte[0]);
        assertEquals(200, answer.status());
        assertEquals("close", answer.header("Connection"), "keep-alive is not offered to HTTP/1.0");
    }

    @Test
    void anHttp10ProblemIsAProblem() throws Exception {
        byte[] csv = "id,name\n1,Ada\n".getBytes(StandardCharsets.UTF_8);
        var answer = exchange("POST /v1/validate HTTP/1.0\r\nContent-Type: text/csv\r\nContent-Length: " + csv.length
                + "\r\n\r\n", csv);
        assertEquals(400, answer.status());
        TestGateway.assertProblem(answer.status(), answer.header("Content-Type"), answer.text(), 400, "missing_schema");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GET /v1/schemas", "GET /observe/health", "GET /v1/stats", "GET /nope", "POST /v1/validate?schema=people"})
    void connectionCloseEndsTheConnectionRightAfterTheResponse(String request) throws Exception {
        String method = request.substring(0, request.indexOf(' '));
        byte[] body = method.equals("POST") ? STREAMED.csv().getBytes(StandardCharsets.UTF_8) : new byte[0];
        String head = request + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                + (body.length > 0 ? "Content-Type: text/csv\r\nContent-Length: " + body.length + "\r\n" : "") + "\r\n";
        var answer = exchange(head, body);
        assertEquals("close", answer.header("Connection").toLowerCase(Locale.ROOT));
        assertTrue(answer.endAfterLastByteMillis() < 100,
                "end of stream " + answer.endAfterLastByteMillis() + " ms after the response");
        if (method.equals("POST")) {
            assertEquals("chunked", answer.header("Transfer-Encoding"));
        }
        gateway.assertStillServes();
    }

    @Test
    void connectionCloseAmongOtherTokensIsHonoured() throws Exception {
        var answer = exchange("GET /v1/schemas HTTP/1.1\r\nHost: x\r\nConnection: TE, Close\r\n\r\n", new byte[0]);
        assertEquals(200, answer.status());
        assertTrue(answer.endAfterLastByteMillis() < 100, answer.endAfterLastByteMillis() + " ms");
    }
}
