package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// A connection that ends after an answer given before the request's body was read (a `404` for
/// an unknown schema, a `503` while draining) ends with the gateway's FIN, not a reset: the body's
/// rest is read and dropped first (up to 1 MiB, 1 s). A reset could destroy the answer before the
/// client reads it — behind nginx, a `502` for a request that was answered.
class LingeringCloseTest {
    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas();

    @Test
    void anAnswerGivenBeforeTheBodyIsReadEndsItsConnectionCleanly() throws Exception {
        // Larger than the socket buffers on both sides: the answer comes while the body is still
        // being sent, and a reset would break the sending (it did, in one CI run of a 216 KB body).
        byte[] body = "id,name,email\n1,Ada,ada@example.org\n".repeat(120_000).getBytes(StandardCharsets.US_ASCII);
        for (int attempt = 0; attempt < 3; attempt++) {
            try (var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(10))) {
                connection.postHead("/v1/validate?schema=nope", "Content-Type: text/csv", "Connection: close",
                        "Content-Length: " + body.length);
                connection.send(body);
                var head = connection.readHead();
                assertEquals(404, head.status());
                assertTrue(RawConnection.readAll(connection.body(head)).contains("unknown_schema"));
                assertTrue(connection.endedCleanly(), "the connection ended with a FIN, not a reset");
            }
        }
        gateway.assertStillServes();
    }
}
