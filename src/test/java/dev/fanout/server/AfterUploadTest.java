package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `fanout.response.after-upload`: no byte of an answer goes out before its upload is read and
/// validated — for nginx, which stops forwarding the rest of an upload once the answer has begun
/// — and the answer is then the same, byte for byte, whether it waited in memory or in the spill
/// file.
class AfterUploadTest {
    @TempDir
    Path spill;

    @Test
    void nothingIsAnsweredBeforeTheUploadEnds() throws Exception {
        try (var gateway = TestGateway.start(Optional.empty(), Map.of("fanout.response.after-upload", "true",
                "fanout.engine.chunk-rows", "16"), Map.of());
                var connection = RawConnection.open(gateway.port())) {
            connection.postChunked("/v1/validate?schema=people&summary=true", "text/csv")
                    .sendChunk(People.HEADER + rows(1, 200));
            // Without the setting the first rows come back at once (HeldUpload relies on it).
            connection.readTimeout(Duration.ofMillis(700));
            assertThrows(SocketTimeoutException.class, connection::readHead, "no answer while the upload goes on");
            connection.readTimeout(Duration.ofSeconds(10)).sendChunk(rows(201, 300)).endChunks();
            var head = connection.readHead();
            assertEquals(200, head.status());
            String expected = HeldUpload.FILE.ndjsonAll()
                    + People.summary(HeldUpload.ALL_ROWS, HeldUpload.FILE.valid(), HeldUpload.FILE.invalid());
            assertEquals(expected, TestGateway.masked(RawConnection.readAll(connection.body(head))));
        }
    }

    @Test
    void anAnswerLargerThanMemoryWaitsInTheSpillFileAndArrivesWhole() throws Exception {
        var file = People.file(1, 20_000, People::mixed);
        String streamed;
        try (var gateway = TestGateway.start(Optional.empty(), Map.of(), Map.of())) {
            streamed = gateway.postCsv("/v1/validate?schema=people", file.csv()).body();
        }
        try (var gateway = TestGateway.start(Optional.empty(), Map.of("fanout.response.after-upload", "true",
                "fanout.response.memory-buffer-bytes", "1024", "fanout.response.spill-dir", spill.toString()), Map.of())) {
            var held = gateway.postCsv("/v1/validate?schema=people", file.csv());
            assertEquals(200, held.statusCode());
            assertEquals(streamed, held.body());
            assertEquals(file.ndjsonAll(), held.body());
            gateway.assertStillServes();
        }
    }

    private static String rows(long fromId, long toId) {
        var rows = new StringBuilder();
        for (long id = fromId; id <= toId; id++) {
            rows.append(People.csvRow(id, People.mixed(id)));
        }
        return rows.toString();
    }
}
