package dev.fanout.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/// One whole `fanout bench` measurement: warm-up, the gateways' histograms read, the rounds, the
/// histogram read again, and the generator's CPU over the rounds.
public final class Benchmark {
    private Benchmark() {
    }

    /// Runs `plan`, logging latency intervals to `log` (may be null) and telling `progress` what
    /// it is doing, in a line each.
    public static BenchResult run(LoadPlan plan, LatencyLog log, Consumer<String> progress) throws InterruptedException {
        try (var gatewayStats = new GatewayStats(plan.replicas()); var generator = new LoadGenerator(plan, log)) {
            if (!plan.warmup().isZero()) {
                progress.accept("warming up for " + plan.warmup().toMillis() / 1000.0 + " s");
                generator.warmUp();
            }
            List<GatewayStats.Reading> before = gatewayStats.read();
            long cpuBefore = processCpuNanos();
            List<RoundResult> rounds = new ArrayList<>();
            for (int i = 1; i <= plan.rounds(); i++) {
                if (plan.rounds() > 1) {
                    progress.accept("round " + i + " of " + plan.rounds());
                }
                rounds.add(generator.round());
            }
            double cpuSeconds = (processCpuNanos() - cpuBefore) / 1e9;
            List<GatewayStats.Reading> after = gatewayStats.read();
            return new BenchResult(plan, rounds, cpuSeconds, GatewayStats.between(before, after));
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
