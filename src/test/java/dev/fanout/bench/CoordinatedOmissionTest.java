package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.testserver.ScriptedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The classic coordinated-omission demonstration: a server that stalls for one second in the
/// middle of an open-loop run. Only the few requests in flight during the stall waited for it
/// from their actual send, so the uncorrected p99 does not see it; every request due during the
/// stall waited from its intended send time, so the corrected p99 does.
class CoordinatedOmissionTest {
    @TempDir
    Path dir;

    @Test
    void aOneSecondStallShowsInTheCorrectedP99AndNotInTheUncorrectedOne() throws Exception {
        Path file = Gateway.people(dir, "one.csv", 1);
        var gateway = new StandInGateway();
        try (var stub = ScriptedServer.start(gateway)) {
            var url = stub.uri("/v1/validate?summary=true");
            // 320 req/s for 5 s over 8 connections: the stall at 2 s holds up 320 of 1,600 due
            // requests (20 %) but only the 8 in flight (0.5 %).
            var plan = new LoadPlan(url, List.of(Payload.of(url, file, false)), 1_600, null, 8, 320,
                    Duration.ZERO, 1, Duration.ofSeconds(10), true);
            // Two seconds into the run, by the schedule.
            gateway.stallAtRequest(640, Duration.ofSeconds(1));
            BenchResult bench = Benchmark.run(plan, null, line -> { });

            assertEquals(1_600, bench.requests());
            assertEquals(0, bench.errors(), bench.errorsByKind().toString());
            Percentiles corrected = Percentiles.of(bench.latency());
            Percentiles uncorrected = Percentiles.of(bench.uncorrected());
            assertTrue(uncorrected.max() >= 800_000, "the stall happened: uncorrected max " + uncorrected.max() + " µs");
            assertTrue(corrected.p99() >= 800_000, "corrected p99 " + corrected.p99() + " µs shows the stall: " + corrected);
            assertTrue(uncorrected.p99() < 250_000, "uncorrected p99 " + uncorrected.p99() + " µs hides it: " + uncorrected);
            assertTrue(corrected.p50() < 300_000, "most requests were not held up: " + corrected + " / " + uncorrected);
        }
    }
}
