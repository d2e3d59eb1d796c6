package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// Floods of cheap requests that each held a little of the heap until the default launch's
/// 64 MB ran out (`OutOfMemoryError`, the gateway answering nothing more): small uploads that
/// stop within a long row (300 of 200 KB), and kept-alive connections (~3,500). Small uploads now
/// hold a share of `small-uploads-heap-bytes` by their length, and are `503` beyond it; a listener
/// keeps at most `max-connections` open and, near that, closes those idle for a second, so that
/// new clients get in.
class HeapBoundsTest {
    private static final String HEADER = "id,name,email,age,city\n";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            // 1 MiB: four times the bodies of 256 KiB of small uploads at once.
            .setting("fanout.limits.small-uploads-heap-bytes", Integer.toString(1 << 20))
            .setting("fanout.limits.max-connections", "64");

    @Test
    @Timeout(60)
    void smallUploadsAreRefusedPastTheHeapTheirLengthsTakeTogether() throws Exception {
        RawConnection first = stalledInARow(100_000);
        RawConnection second = stalledInARow(100_000);
        try {
            Await.until(Duration.ofSeconds(10), () -> gateway.server().runningValidations() == 2);
            // 4 × 100 KB twice is 800 KB of the 1 MiB: another 100 KB upload does not fit, a
            // 20-row one does.
            var refused = gateway.postCsv("/v1/validate?schema=people", HEADER + "1,Ann,ann@example.org,30,X\n".repeat(4_000));
            TestGateway.assertProblem(refused, 503, "overloaded");
            assertEquals(200, gateway.postCsv("/v1/validate?schema=people", TestGateway.PROBE.csv()).statusCode());
        } finally {
            first.close();
            second.close();
        }
        Await.until(Duration.ofSeconds(10), () -> gateway.server().runningValidations() == 0);
        var admitted = gateway.postCsv("/v1/validate?schema=people", HEADER + "1,Ann,ann@example.org,30,X\n".repeat(4_000));
        assertEquals(200, admitted.statusCode(), admitted::body);
    }

    @Test
    @Timeout(60)
    void aListenerFullOfIdleConnectionsClosesThemForNewClients() throws Exception {
        List<RawConnection> idle = new ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(10));
                connection.send("GET /v1/schemas HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                var head = connection.readHead();
                assertEquals(200, head.status());
                RawConnection.readAll(connection.body(head));
                idle.add(connection);
            }
            // All 64 places taken, each idle: a new client is let in once they have been idle a
            // second, not after the idle time-out (60 s).
            long start = System.nanoTime();
            assertEquals(200, gateway.postCsv("/v1/validate?schema=people", TestGateway.PROBE.csv()).statusCode());
            long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(waited < 10_000, "let in after " + waited + " ms");
            int closed = 0;
            for (RawConnection connection : idle) {
                // Closed by now if at all: the relief ran before the new client got in.
                if (connection.readTimeout(Duration.ofMillis(100)).closedByServer()) {
                    closed++;
                }
            }
            assertTrue(closed > 0, "idle connections were closed to make room");
        } finally {
            for (RawConnection connection : idle) {
                connection.close();
            }
        }
        gateway.assertStillServes();
    }

    /// A small upload (its length under 256 KiB) that stops within its first row, `rowBytes` long.
    private static RawConnection stalledInARow(int rowBytes) throws IOException {
        byte[] part = (HEADER + "1," + "a".repeat(rowBytes)).getBytes(StandardCharsets.US_ASCII);
        var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(10));
        connection.postHead("/v1/validate?schema=people", "Content-Type: text/csv", "Content-Length: " + (part.length + 100));
        connection.send(part);
        return connection;
    }
}
