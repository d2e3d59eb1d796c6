package dev.fanout.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/// `fanout bench sweep`: the open loop at each asked rate in turn, lowest first, until one misses
/// the SLO (its latency percentile over the limit, or any error); the highest rate that met it is
/// the capacity of the target. The step that missed is kept, so a report shows where it broke.
/// Only the first step warms up: later steps start on a warm target.
public final class Sweep {
    private Sweep() {
    }

    /// What a sweep found.
    ///
    /// @param slo   the objective
    /// @param steps each step run, in rate order, with its whole result
    public record Result(Slo slo, List<Step> steps) {
        public Result {
            steps = List.copyOf(steps);
        }

        /// The highest rate that met the SLO, if any did.
        public Optional<Step> capacity() {
            return steps.stream().filter(Step::met).reduce((first, second) -> second);
        }
    }

    /// One rate's run and whether it met the SLO.
    public record Step(double rate, BenchResult result, boolean met) {
        public SweepPoint point() {
            Percentiles latency = Percentiles.of(result.latency());
            return new SweepPoint(rate, result.throughput(), latency.p50(), latency.p99(), latency.p999(),
                    result.requests(), result.errors(), met);
        }
    }

    /// Runs `plan` (its rate is ignored) at each of `rates`, sorted, until one misses `slo`.
    public static Result run(LoadPlan plan, List<Double> rates, Slo slo, Consumer<String> progress) throws InterruptedException {
        List<Double> sorted = rates.stream().sorted().toList();
        List<Step> steps = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            double rate = sorted.get(i);
            LoadPlan step = plan.atRate(rate, i == 0 ? plan.warmup() : java.time.Duration.ZERO);
            progress.accept("rate " + Units.rate(rate) + " req/s");
            BenchResult result = Benchmark.run(step, null, progress);
            boolean met = slo.metBy(result);
            steps.add(new Step(rate, result, met));
            if (!met) {
                break;
            }
        }
        return new Result(slo, steps);
    }
}
