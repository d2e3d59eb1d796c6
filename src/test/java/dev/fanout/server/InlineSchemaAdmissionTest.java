package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// A schema sent with the request is held, compiled, until the run ends, and compiled it takes up
/// to ~16 times its JSON: 15 small uploads of 232 KB schemas, stalled in their file part, held the
/// 64 MB heap, each on a small place. A schema part over 16 KiB now takes large places for that
/// heap (one per 4 MiB), and is refused with `503` when they are taken; smaller ones take none.
class InlineSchemaAdmissionTest {
    /// ~100 KB of fields: ~1.6 MB compiled at most, one large place.
    private static final String LARGE_SCHEMA = IntStream.range(0, 6_000)
            .mapToObj(i -> "{\"name\":\"field" + i + "\"}")
            .collect(Collectors.joining(",", "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"},", "]}"));
    private static final String SMALL_SCHEMA = "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"}]}";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.limits.max-concurrent-large-validations", "2");

    @Test
    @Timeout(60)
    void aLargeSchemaPartTakesALargePlaceForAsLongAsItsRunHoldsIt() throws Exception {
        RawConnection first = stalled();
        RawConnection second = stalled();
        try {
            Await.until(Duration.ofSeconds(10), () -> gateway.server().largePlacesTaken() == 2);
            var refused = gateway.postMultipart("/v1/validate", new Multipart().schema(LARGE_SCHEMA).file("id\n1\n"));
            TestGateway.assertProblem(refused, 503, "overloaded");
            var small = gateway.postMultipart("/v1/validate", new Multipart().schema(SMALL_SCHEMA).file("id\n1\n"));
            assertEquals(200, small.statusCode(), small::body);
            assertEquals(2, gateway.server().largePlacesTaken(), "a small schema takes no large place");
            first.close();
            Await.until(Duration.ofSeconds(10), () -> gateway.server().largePlacesTaken() == 1);
            var admitted = gateway.postMultipart("/v1/validate", new Multipart().schema(LARGE_SCHEMA).file("id\n1\n"));
            assertEquals(200, admitted.statusCode(), admitted::body);
        } finally {
            first.close();
            second.close();
        }
        Await.until(Duration.ofSeconds(10), () -> gateway.server().largePlacesTaken() == 0);
        gateway.assertStillServes();
    }

    /// A small upload (its length under `large-upload-bytes`) whose file part stops after its
    /// header: its run holds the schema while it waits for rows.
    private static RawConnection stalled() throws IOException {
        byte[] parts = new Multipart().schema(LARGE_SCHEMA).file("id\n").bytesWithoutClosingBoundary();
        var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(10));
        connection.postHead("/v1/validate", "Content-Type: " + Multipart.CONTENT_TYPE,
                "Content-Length: " + (parts.length + 1_000));
        connection.send(parts);
        connection.send("1\n".getBytes(StandardCharsets.US_ASCII));
        return connection;
    }
}
