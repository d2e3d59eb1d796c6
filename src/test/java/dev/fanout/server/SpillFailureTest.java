package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// When the gateway's own disk fails an answer — its spill folder gone after the start — the
/// answer is cut and its connection closed at once (the client sees it end, not a response that
/// never finishes), the failure is logged as an error, and the next request is served.
class SpillFailureTest {
    @TempDir
    Path dir;

    @Test
    void aSpillFileThatCannotBeMadeEndsTheConnection() throws Exception {
        Path spill = Files.createDirectory(dir.resolve("spill"));
        try (var gateway = TestGateway.start(Optional.empty(), Map.of("fanout.response.spill-dir", spill.toString(),
                "fanout.response.memory-buffer-bytes", "1024"), Map.of())) {
            Files.delete(spill);
            var rows = new StringBuilder(People.HEADER);
            for (long id = 1; id <= 20_000; id++) {
                rows.append(People.csvRow(id, People.Kind.VALID));
            }
            byte[] body = rows.toString().getBytes(StandardCharsets.UTF_8);
            // A small receive window and no reading for a while: the answer must spill.
            try (var connection = RawConnection.open(gateway.port(), 4096).readTimeout(Duration.ofSeconds(10))) {
                connection.postHead("/v1/validate?schema=people", "Content-Type: text/csv",
                        "Content-Length: " + body.length);
                // The gateway may cut the answer, and close, before the upload is all sent.
                var sending = java.util.concurrent.CompletableFuture.runAsync(() -> {
                    try {
                        connection.send(body);
                    } catch (IOException e) {
                        // Closed under the write: expected once the answer is cut.
                    }
                });
                Thread.sleep(1000);
                assertFalse(readsWhole(connection), "a cut answer never ends as a whole one (its last chunk)");
                assertTrue(connection.closedByServer(), "the cut answer's connection is closed, not left hanging");
                sending.get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
            gateway.assertStillServes();
        }
    }

    /// Whether the response reads as whole: a head, then a body that ends as its framing says
    /// (without `summary`, nothing else tells a client that an answer was cut).
    private static boolean readsWhole(RawConnection connection) {
        try {
            RawConnection.readAll(connection.body(connection.readHead()));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
