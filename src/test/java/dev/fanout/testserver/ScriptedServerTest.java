package dev.fanout.testserver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/// The shared test server itself, from a plain client socket: what it counts and records, the
/// ends of a connection a script can make, and that close() leaves no thread and reports a
/// failed script.
@Timeout(30)
class ScriptedServerTest {
    static final String GET = "GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\n";
    static final String OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

    static Socket connect(ScriptedServer server) throws IOException {
        return new Socket(server.address().getAddress(), server.port());
    }

    static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    static String read(InputStream in, int n) throws IOException {
        return new String(in.readNBytes(n), StandardCharsets.ISO_8859_1);
    }

    @Test
    void answerEveryKeepsAliveCountsAndRecordsEachRequest() throws Exception {
        try (var server = ScriptedServer.start(Script.answerEvery(OK.getBytes(StandardCharsets.ISO_8859_1)))) {
            try (var socket = connect(server)) {
                send(socket, GET);
                assertEquals(OK, read(socket.getInputStream(), OK.length()));
                send(socket, "POST /p HTTP/1.1\r\nContent-Length: 3\r\n\r\nabc");
                assertEquals(OK, read(socket.getInputStream(), OK.length()));
            }
            assertEquals(1, server.awaitClosedByClient(1, Duration.ofSeconds(5)));
            assertEquals(1, server.connections());
            assertEquals(2, server.requests());
            Request get = server.takeRequest();
            assertArrayEquals(GET.getBytes(StandardCharsets.ISO_8859_1), get.head());
            assertEquals("/a", get.path());
            assertEquals("x", get.header("HOST"));
            Request post = server.takeRequest();
            assertEquals(3, post.bodyLength());
            assertEquals("abc", new String(post.body(), StandardCharsets.ISO_8859_1));
        }
    }

    @Test
    void halfCloseEndsTheAnswerAndResetBreaksTheConnection() throws Exception {
        try (var server = ScriptedServer.start(connection -> {
            connection.readHead();
            if (connection.index() == 0) {
                connection.write("partial");
                connection.halfClose();
                connection.readUntilClose();
            } else {
                connection.reset();
            }
        })) {
            try (var socket = connect(server)) {
                send(socket, GET);
                assertArrayEquals("partial".getBytes(StandardCharsets.ISO_8859_1), socket.getInputStream().readAllBytes());
            }
            try (var socket = connect(server)) {
                send(socket, GET);
                assertThrows(SocketException.class, () -> socket.getInputStream().read());
            }
        }
    }

    @Test
    void closeEndsAStalledScriptAndJoinsItsThread() throws Exception {
        var script = new AtomicReference<Thread>();
        var server = ScriptedServer.start(connection -> {
            script.set(Thread.currentThread());
            connection.stall();
        });
        try (var socket = connect(server)) {
            while (script.get() == null) {
                Thread.sleep(5);
            }
            server.close();
            assertFalse(script.get().isAlive(), "close() joined the script's thread");
            assertEquals(-1, socket.getInputStream().read(), "and closed its connection");
        }
    }

    @Test
    void aRequestLineNotEndedByCrlfFailsTheServersClose() throws Exception {
        var server = ScriptedServer.start(Script.answerEvery(new byte[0]));
        try (var socket = connect(server)) {
            send(socket, "GET / HTTP/1.1\n\n");
            assertEquals(-1, socket.getInputStream().read(), "the failed script's connection was closed");
        }
        AssertionError failure = assertThrows(AssertionError.class, server::close);
        assertTrue(failure.getMessage().contains("not ended by CRLF"), failure.getMessage());
    }
}
