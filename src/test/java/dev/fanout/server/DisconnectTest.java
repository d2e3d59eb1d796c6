package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// A client that vanishes in the middle of a large upload cancels its validation: its threads
/// end, its spill file goes, and its admission place comes back, within seconds.
class DisconnectTest {
    static final int LIMIT = 2;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.limits.max-concurrent-validations", Integer.toString(LIMIT))
            .setting("fanout.engine.chunk-rows", "16")
            .setting("fanout.response.memory-buffer-bytes", "65536")
            .folderSetting("fanout.response.spill-dir", "spill");
    static SpillDir spill;

    @BeforeAll
    static void spill() {
        spill = new SpillDir(gateway.dir().resolve("spill"));
    }

    @Test
    @Timeout(60)
    void aClientThatResetsMidUploadLeavesNoThreadSpillFileOrPlaceBehind() throws Exception {
        int baseline = gateway.server().liveWorkThreads();
        spill.assertUnused();

        var upload = new People.Stream(200_000_000);
        var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(10));
        try {
            connection.postChunked("/v1/validate?schema=people&summary=true", "text/csv");
            byte[] buffer = new byte[1 << 16];
            connection.sendChunk(java.util.Arrays.copyOf(buffer, upload.read(buffer, 0, buffer.length)));
            var head = connection.readHead();
            assertEquals(200, head.status());
            InputStream body = connection.body(head);
            assertEquals(People.ndjsonRow(1, 1, People.mixed(1)), RawConnection.readLine(body) + "\n");

            // Keep uploading without reading, until the unread answer has spilled to a file.
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (spill.inUse().isEmpty() && System.nanoTime() < deadline) {
                int n = upload.read(buffer, 0, buffer.length);
                assertTrue(n > 0, "the upload ran out before the answer spilled");
                connection.sendChunk(java.util.Arrays.copyOf(buffer, n));
            }
            assertTrue(!spill.inUse().isEmpty(), "the unread answer spilled to a file");
            assertTrue(gateway.server().liveWorkThreads() > baseline, "the validation runs on the gateway's work threads");
            assertEquals(1, gateway.server().runningValidations());
        } finally {
            connection.reset();
        }

        gateway.assertRequestsLetGo(baseline, Duration.ofSeconds(5));
        spill.assertUnused();
        // Every place is free again: LIMIT validations at once are all admitted.
        try (var first = HeldUpload.start(gateway); var second = HeldUpload.start(gateway)) {
            first.finish();
            second.finish();
        }
        gateway.assertStillServes();
    }

    @Test
    @Timeout(60)
    void aClientThatClosesWhileItsAnswerIsStreamingFreesItsPlace() throws Exception {
        int baseline = gateway.server().liveWorkThreads();
        for (int round = 0; round < 2 * LIMIT; round++) {
            var held = HeldUpload.start(gateway);
            held.connection.close();
            // The server learns of the close on its next write or read: give it a bounded moment.
            Await.until(Duration.ofSeconds(5), () -> gateway.server().runningValidations() == 0);
            assertEquals(0, gateway.server().runningValidations(), "the closed request gave its place back");
        }
        gateway.assertRequestsLetGo(baseline, Duration.ofSeconds(5));
        try (var first = HeldUpload.start(gateway); var second = HeldUpload.start(gateway)) {
            first.finish();
            second.finish();
        }
    }
}
