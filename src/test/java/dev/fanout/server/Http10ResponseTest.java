package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// `Http10Response` and `Http10Request` on exact bytes, fed whole and in pieces of every size
/// (Helidon writes heads, chunks and the last chunk in separate calls, and may split them).
class Http10ResponseTest {
    private static String translate(String response, int piece) {
        var translator = new Http10Response();
        byte[] bytes = response.getBytes(StandardCharsets.ISO_8859_1);
        var out = new ByteArrayOutputStream();
        for (int from = 0; from < bytes.length; from += piece) {
            byte[] part = java.util.Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + piece));
            out.writeBytes(translator.translate(part));
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 5, 7, 16, 1000})
    void chunkFramingIsRemoved(int piece) {
        String response = "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n"
                + "Content-Type: application/x-ndjson\r\n\r\n"
                + "5\r\nhello\r\n9;ext=1\r\n, world\r\n\r\n0\r\nX-Trailer: 1\r\n\r\n";
        assertEquals("HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Type: application/x-ndjson\r\n\r\n"
                + "hello, world\r\n", translate(response, piece));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 4, 1000})
    void aSizedResponsePassesUnchanged(int piece) {
        String response = "HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 4\r\n\r\n0\r\n\r";
        assertEquals(response, translate(response, piece));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 1000})
    void interimResponsesAreNotSentToAnHttp10Client(int piece) {
        String response = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";
        assertEquals("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", translate(response, piece));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Connection: keep-alive\r\n", "Keep-Alive: timeout=5\r\nconnection: Keep-Alive\r\n", ""})
    void theRequestHeadBecomesHttp11AskingToClose(String connectionHeaders) {
        var request = new Http10Request(8192, "127.0.0.1:8080");
        String head = "POST /v1/validate?schema=people HTTP/1.0\r\nContent-Length: 3\r\n" + connectionHeaders + "\r\n";
        byte[] bytes = (head + "a,b").getBytes(StandardCharsets.ISO_8859_1);
        for (byte b : bytes) {
            request.add(new byte[] {b});
        }
        assertEquals("POST /v1/validate?schema=people HTTP/1.1\r\nContent-Length: 3\r\nHost: 127.0.0.1:8080\r\n"
                + "Connection: close\r\n\r\na,b", new String(request.rewritten(), StandardCharsets.ISO_8859_1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Host: example.org\r\n", "host:example.org\r\n"})
    void aGivenHostIsKept(String hostLine) {
        var request = new Http10Request(8192, "127.0.0.1:8080");
        request.add(("GET / HTTP/1.0\r\n" + hostLine + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertEquals("GET / HTTP/1.1\r\n" + hostLine + "Connection: close\r\n\r\n",
                new String(request.rewritten(), StandardCharsets.ISO_8859_1));
    }

    @org.junit.jupiter.api.Test
    void anOversizedHeadIsHandedOnUnchanged() {
        var request = new Http10Request(64, "h");
        String head = "GET / HTTP/1.0\r\nX-Long: " + "a".repeat(100);
        request.add(head.getBytes(StandardCharsets.ISO_8859_1));
        org.junit.jupiter.api.Assertions.assertTrue(request.complete());
        assertEquals(head, new String(request.rewritten(), StandardCharsets.ISO_8859_1));
    }
}
