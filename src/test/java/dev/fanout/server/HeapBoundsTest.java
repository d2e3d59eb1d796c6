package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// Floods of cheap requests that each held a little of the heap until the default launch's
/// 64 MB ran out (`OutOfMemoryError`, the gateway answering nothing more): small uploads that
/// stop within a long row (300 of 200 KB), and kept-alive connections (~3,500). Small uploads now
/// hold a share of `small-uploads-heap-bytes` by their length, and are `503` beyond it; a listener
/// keeps at most `max-connections` open and, near that, closes those idle longest (5 s at least),
/// so that new clients get in.
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

    /// A schema part of up to 16 KiB takes its compiled size (16 bytes per byte) from the same
    /// budget: three stalled uploads with 15 KB schemas take ~300 KiB each of the 1 MiB, and a
    /// fourth does not fit (without the schemas' share, seventeen would).
    @Test
    @Timeout(60)
    void aSmallSchemaPartTakesItsCompiledSizeFromTheSmallUploadsBudget() throws Exception {
        String schema = IntStream.range(0, 760).mapToObj(i -> "{\"name\":\"field" + i + "\"}")
                .collect(Collectors.joining(",", "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"},", "]}"));
        assertTrue(schema.length() > 14_000 && schema.length() <= 16 << 10, "schema of " + schema.length());
        List<RawConnection> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                int taken = gateway.server().smallHeapKiBTaken();
                stalled.add(stalledInTheFilePart(schema));
                Await.until(Duration.ofSeconds(10), () -> gateway.server().smallHeapKiBTaken() >= taken + 290);
            }
            var refused = gateway.postMultipart("/v1/validate", new Multipart().schema(schema).file("id\n1\n"));
            TestGateway.assertProblem(refused, 503, "overloaded");
        } finally {
            for (RawConnection connection : stalled) {
                connection.close();
            }
        }
        Await.until(Duration.ofSeconds(10), () -> gateway.server().smallHeapKiBTaken() == 0);
        var admitted = gateway.postMultipart("/v1/validate", new Multipart().schema(schema).file("id\n1\n"));
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
            // All 64 places taken, each idle: a new client is let in once the longest idle have
            // waited 5 s (4-6 s by Helidon's clock), not after the idle time-out (60 s).
            long start = System.nanoTime();
            try (var client = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(20))) {
                client.send("GET /v1/schemas HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertEquals(200, client.readHead().status());
            }
            long waited = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(waited < 15_000, "let in after " + waited + " ms");
            int closed = 0;
            for (RawConnection connection : idle) {
                // Closed by now if at all: the relief ran before the new client got in.
                if (connection.readTimeout(Duration.ofMillis(100)).closedByServer()) {
                    closed++;
                }
            }
            // Down to three quarters of the limit (48), the new client's among them.
            assertTrue(closed >= 8 && closed <= 24, "idle connections closed to make room: " + closed);
        } finally {
            for (RawConnection connection : idle) {
                connection.close();
            }
        }
        gateway.assertStillServes();
    }

    /// A small multipart upload with `schema` whose file part stops after its first row.
    private static RawConnection stalledInTheFilePart(String schema) throws IOException {
        byte[] parts = new Multipart().schema(schema).file("id\n1\n").bytesWithoutClosingBoundary();
        var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(10));
        connection.postHead("/v1/validate", "Content-Type: " + Multipart.CONTENT_TYPE, "Content-Length: " + (parts.length + 1_000));
        connection.send(parts);
        return connection;
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
