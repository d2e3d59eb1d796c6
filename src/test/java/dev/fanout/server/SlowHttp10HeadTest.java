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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// An HTTP/1.0 head is gathered whole before Helidon reads its request line (to be rewritten, see
/// `Http1Connections`), so Helidon's head listener cannot time it: a client that dribbles one is
/// closed after `request-head-timeout` all the same, as an HTTP/1.1 client is, not only after the
/// (here much longer) idle time-out.
class SlowHttp10HeadTest {
    static final long HEAD_TIMEOUT_MS = 1000;
    static final long IDLE_TIMEOUT_MS = 10_000;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.limits.request-head-timeout", HEAD_TIMEOUT_MS + "ms")
            .setting("fanout.limits.idle-timeout", IDLE_TIMEOUT_MS + "ms");

    @Test
    void anHttp10HeadDribbledLineByLineIsCutOffAfterTheHeadTimeOut() throws Exception {
        try (var socket = new Socket("127.0.0.1", gateway.port())) {
            socket.setSoTimeout(1);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // Taken before the write: a test thread descheduled after it must not make a close on
            // time look early.
            long requestLineNanos = System.nanoTime();
            out.write("GET /v1/schemas HTTP/1.0\r\n".getBytes(StandardCharsets.ISO_8859_1));
            long endedNanos = 0;
            while (endedNanos == 0 && System.nanoTime() - requestLineNanos < TimeUnit.MILLISECONDS.toNanos(IDLE_TIMEOUT_MS + 2000)) {
                try {
                    out.write(("X-Slow: " + System.nanoTime() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (in.read(new byte[4096]) < 0) {
                        endedNanos = System.nanoTime();
                    }
                } catch (SocketTimeoutException e) {
                    // Still open.
                } catch (SocketException e) {
                    // Reset by the server: ended.
                    endedNanos = System.nanoTime();
                }
                Thread.sleep(100);
            }
            assertTrue(endedNanos != 0, "the dribbled head is cut off");
            long afterRequestLine = TimeUnit.NANOSECONDS.toMillis(endedNanos - requestLineNanos);
            assertTrue(afterRequestLine >= HEAD_TIMEOUT_MS - 50 && afterRequestLine <= HEAD_TIMEOUT_MS + 2000,
                    "closed " + afterRequestLine + " ms after its request line (head time-out " + HEAD_TIMEOUT_MS
                            + " ms, idle time-out " + IDLE_TIMEOUT_MS + " ms)");
        }
        // A quick HTTP/1.0 request is still answered.
        try (var connection = RawConnection.open(gateway.port())) {
            connection.send("GET /v1/schemas HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(200, connection.readHead().status());
        }
    }
}
