package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// Slowloris and its cousins: connections that dribble a request head, or open and say nothing, or
/// stay idle after a request, are closed after `fanout.limits.request-head-timeout` and
/// `fanout.limits.idle-timeout` — not before — while good requests keep being served.
class SlowClientsTest {
    static final long HEAD_TIMEOUT_MS = 1000;
    static final long IDLE_TIMEOUT_MS = 2000;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.limits.request-head-timeout", HEAD_TIMEOUT_MS + "ms")
            .setting("fanout.limits.idle-timeout", IDLE_TIMEOUT_MS + "ms");

    /// One slow client's socket, and when the server ended it (0 while open).
    private static final class SlowClient implements AutoCloseable {
        final Socket socket = new Socket("127.0.0.1", gateway.port());
        final OutputStream out;
        final InputStream in;
        final long openedNanos = System.nanoTime();
        long endedNanos;

        SlowClient() throws IOException {
            socket.setSoTimeout(1);
            out = socket.getOutputStream();
            in = socket.getInputStream();
        }

        void send(String text) {
            try {
                out.write(text.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (IOException e) {
                ended();
            }
        }

        /// Polls (1 ms) for the server's end of the connection; any bytes read are ignored.
        boolean ended() {
            if (endedNanos != 0) {
                return true;
            }
            try {
                byte[] buffer = new byte[4096];
                while (true) {
                    if (in.read(buffer) < 0) {
                        break;
                    }
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                // Reset by the server: ended too.
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            endedNanos = System.nanoTime();
            return true;
        }

        long lifetimeMillis() {
            return TimeUnit.NANOSECONDS.toMillis(endedNanos - openedNanos);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /// Helidon answers a head it cannot read with `400` and ends the connection without saying the
    /// head is in: the head's deadline stayed armed, holding the connection until it passed, and a
    /// stream of such heads filled the heap. Only the one slow head here is closed late.
    @Test
    void aHeadRefusedAs400LeavesNoDeadlineBehind() throws Exception {
        long before = gateway.server().lateHeadsClosed();
        try (var slow = new SlowClient()) {
            slow.send("GET /v1/schemas HTTP/1.1\r\nHost: x\r\n");
            for (String head : List.of("GET /v1/schemas HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n",
                    "GET /v1/schemas HTTP/1.0\r\nno colon here\r\n\r\n")) {
                for (int i = 0; i < 10; i++) {
                    try (var client = new Socket("127.0.0.1", gateway.port())) {
                        client.setSoTimeout(5000);
                        client.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
                        String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
                    }
                }
            }
            Thread.sleep(2 * HEAD_TIMEOUT_MS + 500);
            assertTrue(slow.ended(), "the slow head is cut");
        }
        assertEquals(before + 1, gateway.server().lateHeadsClosed(), "only the slow head's connection was closed late");
    }

    @Test
    void slowHeadsAndSilentConnectionsAreClosedAfterTheirTimeOutsWhileGoodRequestsAreServed() throws Exception {
        List<SlowClient> dribblers = new ArrayList<>();
        List<SlowClient> silent = new ArrayList<>();
        List<SlowClient> idleAfterRequest = new ArrayList<>();
        try {
            for (int i = 0; i < 40; i++) {
                var client = new SlowClient();
                client.send("GET /v1/schemas HTTP/1.1\r\nHost: x\r\n");
                dribblers.add(client);
                silent.add(new SlowClient());
            }
            for (int i = 0; i < 5; i++) {
                var client = new SlowClient();
                client.send("GET /v1/schemas HTTP/1.1\r\nHost: x\r\n\r\n");
                idleAfterRequest.add(client);
            }
            long start = System.nanoTime();
            int goodRequests = 0;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS + 2500)) {
                for (SlowClient client : dribblers) {
                    if (!client.ended()) {
                        client.send("X-Slow: " + System.nanoTime() + "\r\n");
                    }
                }
                silent.forEach(SlowClient::ended);
                idleAfterRequest.forEach(SlowClient::ended);
                gateway.assertStillServes();
                goodRequests++;
                Thread.sleep(100);
            }
            assertTrue(goodRequests > 10, "good requests were served throughout: " + goodRequests);
            for (SlowClient client : dribblers) {
                assertTrue(client.ended(), "a dribbled head is cut off");
                assertTrue(client.lifetimeMillis() >= HEAD_TIMEOUT_MS - 50 && client.lifetimeMillis() <= HEAD_TIMEOUT_MS + 1000,
                        "closed " + client.lifetimeMillis() + " ms after its request line (head time-out " + HEAD_TIMEOUT_MS + " ms)");
            }
            for (SlowClient client : silent) {
                assertTrue(client.ended(), "a connection that says nothing is closed");
                assertTrue(client.lifetimeMillis() >= IDLE_TIMEOUT_MS - 50 && client.lifetimeMillis() <= IDLE_TIMEOUT_MS + 2000,
                        "closed " + client.lifetimeMillis() + " ms after it opened (idle time-out " + IDLE_TIMEOUT_MS + " ms)");
            }
            for (SlowClient client : idleAfterRequest) {
                assertTrue(client.ended(), "an idle keep-alive connection is closed");
                // Helidon keeps a connection's last-request time to the second: up to 1 s early.
                assertTrue(client.lifetimeMillis() >= IDLE_TIMEOUT_MS - 1000, client.lifetimeMillis() + " ms");
            }
        } finally {
            for (SlowClient client : dribblers) {
                client.close();
            }
            for (SlowClient client : silent) {
                client.close();
            }
            for (SlowClient client : idleAfterRequest) {
                client.close();
            }
        }
    }

    @Test
    void aHeadDribbledAfterAQuickRequestAndAnIdlePauseIsCutOffToo() throws Exception {
        // The connection's thread has armed and disarmed the head deadline once, then idles for
        // longer than two of the deadline checker's looks (a quarter of the time-out each), which
        // drop its slot; its next head must be watched again.
        try (var client = new SlowClient()) {
            client.send("GET /v1/schemas HTTP/1.1\r\nHost: x\r\n\r\n");
            Thread.sleep(HEAD_TIMEOUT_MS * 3 / 4);
            assertTrue(!client.ended(), "a quick request's connection stays open");
            client.send("GET /v1/schemas HTTP/1.1\r\nHost: x\r\n");
            long requestLineNanos = System.nanoTime();
            while (!client.ended() && System.nanoTime() - requestLineNanos < TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS + 2000)) {
                client.send("X-Slow: " + System.nanoTime() + "\r\n");
                Thread.sleep(100);
            }
            long afterRequestLine = TimeUnit.NANOSECONDS.toMillis(client.endedNanos - requestLineNanos);
            assertTrue(client.ended(), "the dribbled head is cut off");
            assertTrue(afterRequestLine >= HEAD_TIMEOUT_MS - 50 && afterRequestLine <= HEAD_TIMEOUT_MS + 1000,
                    "closed " + afterRequestLine + " ms after its request line (head time-out " + HEAD_TIMEOUT_MS + " ms)");
        }
    }

    @Test
    void aKeepAliveConnectionInUseIsNotCutByTheHeadTimeOut() throws Exception {
        // Requests on one connection over longer than both time-outs: each head is quick.
        try (var connection = RawConnection.open(gateway.port())) {
            long start = System.nanoTime();
            int answered = 0;
            while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS + 500)) {
                connection.send("GET /v1/schemas HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                var head = connection.readHead();
                assertEquals(200, head.status());
                RawConnection.readAll(connection.body(head));
                answered++;
                Thread.sleep(200);
            }
            assertTrue(answered >= 10, "answered " + answered);
        }
    }
}
