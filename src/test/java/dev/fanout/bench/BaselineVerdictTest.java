package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.fanout.bench.Comparison.Verdict;
import dev.fanout.testserver.ScriptedServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `--baseline` on a server deliberately slowed between two runs: the verdicts a user acts on,
/// with the baseline going through its `--json` file as it would between two invocations.
class BaselineVerdictTest {
    @TempDir
    Path dir;

    private BenchResult.Summary measure(ScriptedServer stub, Path file) throws InterruptedException {
        var url = stub.uri("/v1/validate?summary=true");
        // Closed loop, 4 connections, 3 rounds of 60 requests: ~0.15 s a round at 10 ms an answer.
        var plan = new LoadPlan(url, List.of(Payload.of(url, file, false)), 60, null, 4, 0, Duration.ofMillis(200), 3,
                Duration.ofSeconds(10), true);
        BenchResult result = Benchmark.run(plan, null, line -> { });
        Path json = dir.resolve("run-" + System.nanoTime() + ".json");
        ResultFile.write(result, json);
        return ResultFile.read(json);
    }

    @Test
    void aSlowedServerIsWorseAFasterOneBetterAndTheSameOneNotWorse() throws Exception {
        Path file = Gateway.people(dir, "one.csv", 1);
        var gateway = new StandInGateway();
        try (var stub = ScriptedServer.start(gateway)) {
            gateway.delay(Duration.ofMillis(10));
            BenchResult.Summary fast = measure(stub, file);
            BenchResult.Summary again = measure(stub, file);
            gateway.delay(Duration.ofMillis(30));
            BenchResult.Summary slowed = measure(stub, file);

            Comparison worse = Comparison.of(fast, slowed);
            assertEquals(Verdict.WORSE, worse.verdict());
            assertEquals(Verdict.WORSE, worse.figures().get(0).verdict(), "throughput");
            assertEquals(Verdict.WORSE, worse.figures().get(1).verdict(), "p50");
            assertEquals(Verdict.BETTER, Comparison.of(slowed, fast).verdict());
            // The same server twice: the 10 ms sleep dominates p50 and throughput, so these two
            // cannot be called worse; the tail may move on a loaded machine, so it is not asserted.
            Comparison same = Comparison.of(fast, again);
            assertNotEquals(Verdict.WORSE, same.figures().get(0).verdict(), "throughput of the same server");
            assertNotEquals(Verdict.WORSE, same.figures().get(1).verdict(), "p50 of the same server");
        }
    }
}
