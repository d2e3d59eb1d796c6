package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/// `fanout.limits.max-concurrent-large-validations`: large uploads (over
/// `large-upload-bytes`, or chunked with no announced size) hold several chunks in memory, so
/// beyond their own limit they are refused at once with `503`, while small requests still run.
class LargeAdmissionTest {
    @TempDir
    static Path schemas;
    static TestGateway gateway;

    @BeforeAll
    static void start() {
        gateway = TestGateway.start(schemas, Map.of(
                "fanout.limits.max-concurrent-large-validations", "1",
                "fanout.limits.large-upload-bytes", "100000",
                "fanout.engine.chunk-rows", "16"));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    @Timeout(60)
    void aSecondLargeUploadIs503WhileSmallOnesStillRun() throws Exception {
        try (var held = HeldUpload.start(gateway)) { // chunked: its size is unknown, so it is large
            var largeByLength = gateway.postCsv("/v1/validate?schema=people", People.file(1, 3000, People::mixed).csv());
            TestGateway.assertProblem(largeByLength, 503, "overloaded");
            var secondChunked = RawConnection.open(gateway.port());
            secondChunked.postChunked("/v1/validate?schema=people", "text/csv").sendChunk(People.HEADER);
            assertEquals(503, secondChunked.readHead().status());
            secondChunked.close();
            gateway.assertStillServes(); // a small request with a Content-Length
            held.finish();
        }
        var afterwards = gateway.postCsv("/v1/validate?schema=people", People.file(1, 3000, People::mixed).csv());
        assertEquals(200, afterwards.statusCode(), afterwards::body);
    }
}
