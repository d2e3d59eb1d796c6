package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// `fanout.limits.max-concurrent-large-validations`: large uploads (over
/// `large-upload-bytes`, or chunked with no announced size) hold several chunks in memory, so
/// beyond their own limit they are refused at once with `503`, while small requests still run.
class LargeAdmissionTest {
    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.limits.max-concurrent-large-validations", "1")
            .setting("fanout.limits.large-upload-bytes", "100000")
            .setting("fanout.engine.chunk-rows", "16");

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
        // Its place comes back when its handler returns, a moment after the answer's end reached
        // us (see AdmissionTest).
        Await.until(Duration.ofSeconds(5), () -> gateway.server().runningValidations() == 0);
        var afterwards = gateway.postCsv("/v1/validate?schema=people", People.file(1, 3000, People::mixed).csv());
        assertEquals(200, afterwards.statusCode(), afterwards::body);
    }
}
