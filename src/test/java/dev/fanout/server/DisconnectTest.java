package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/// A client that vanishes in the middle of a large upload cancels its validation: its threads
/// end, its spill file goes, and its admission place comes back, within seconds.
class DisconnectTest {
    static final int LIMIT = 2;

    @TempDir
    static Path dir;
    static SpillDir spill;
    static TestGateway gateway;

    @BeforeAll
    static void start() throws IOException {
        spill = new SpillDir(Files.createDirectories(dir.resolve("spill")));
        gateway = TestGateway.start(dir, Map.of(
                "fanout.limits.max-concurrent-validations", Integer.toString(LIMIT),
                "fanout.engine.chunk-rows", "16",
                "fanout.response.memory-buffer-bytes", "65536",
                "fanout.response.spill-dir", spill.path().toString()));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    @Test
    @Timeout(60)
    void aClientThatResetsMidUploadLeavesNoThreadSpillFileOrPlaceBehind() throws Exception {
        List<String> baseline = fanoutThreads();
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
            assertTrue(fanoutThreads().size() > baseline.size(), "the validation runs on fanout-* threads: " + fanoutThreads());
        } finally {
            connection.reset();
        }

        assertThreadsBackTo(baseline);
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
        List<String> baseline = fanoutThreads();
        for (int round = 0; round < 2 * LIMIT; round++) {
            var held = HeldUpload.start(gateway);
            held.connection.close();
        }
        assertThreadsBackTo(baseline);
        try (var first = HeldUpload.start(gateway); var second = HeldUpload.start(gateway)) {
            first.finish();
            second.finish();
        }
    }

    private static void assertThreadsBackTo(List<String> baseline) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        List<String> now = fanoutThreads();
        while (now.size() > baseline.size() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            now = fanoutThreads();
        }
        assertEquals(baseline.size(), now.size(), "fanout-* threads still alive: " + now);
    }

    /// Live threads named `fanout-*`: platform threads from the JVM, virtual threads from a JSON
    /// thread dump (the only place that lists them).
    static List<String> fanoutThreads() throws IOException {
        List<String> names = new ArrayList<>();
        java.util.Set<String> platformIds = new java.util.HashSet<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            platformIds.add(Long.toString(thread.threadId()));
            if (thread.getName().startsWith("fanout-")) {
                names.add("platform " + thread.getName());
            }
        }
        Path dump = Files.createTempFile(dir, "threads-", ".json");
        Files.delete(dump);
        try {
            ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
                    .dumpThreads(dump.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.JSON);
            JsonNode containers = TestGateway.JSON.readTree(dump.toFile()).path("threadDump").path("threadContainers");
            for (JsonNode container : containers) {
                for (JsonNode thread : container.path("threads")) {
                    String name = thread.path("name").asText();
                    if (name.startsWith("fanout-") && !platformIds.contains(thread.path("tid").asText())) {
                        names.add("virtual " + name);
                    }
                }
            }
        } finally {
            Files.deleteIfExists(dump);
        }
        return names;
    }
}
