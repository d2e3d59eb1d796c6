package dev.fanout.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/// `fanout bench sweep`: the open loop at each asked rate in turn, lowest first, until one misses
/// the SLO (its latency percentile over the limit, or any error) — the knee; the highest rate that
/// met it before is the capacity of the target. The step that missed is kept, so a report shows
/// where it broke, and `pastKnee` overload steps follow it: the asked rates after the knee, then
/// ×[#OVERLOAD_FACTOR] steps. Those show how the target behaves when overloaded — a healthy
/// gateway keeps its goodput flat and sheds the rest fast with `503`s — and never count as
/// capacity. Only the first step warms up: later steps start on a warm target.
public final class Sweep {
    /// How much each overload step adds when the asked rates have run out.
    public static final double OVERLOAD_FACTOR = 1.25;

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

        /// The highest rate that met the SLO below the knee, if any did.
        public Optional<Step> capacity() {
            return steps.stream().filter(step -> step.met() && !step.overload()).reduce((first, second) -> second);
        }
    }

    /// One rate's run, whether it met the SLO, and whether it was run past the knee.
    ///
    /// @param rate     the asked rate, requests per second
    /// @param result   the step's whole measurement
    /// @param met      whether it met the SLO
    /// @param overload whether it came after the first step that missed
    public record Step(double rate, BenchResult result, boolean met, boolean overload) {
        public SweepPoint point() {
            Percentiles latency = Percentiles.of(result.latency());
            return new SweepPoint(rate, result.throughput(), latency.p50(), latency.p99(), latency.p999(),
                    result.requests(), result.errors(), met);
        }

        /// `503` answers received in the step (retried or not).
        public long unavailable() {
            return result.retries().unavailable();
        }
    }

    /// Runs `plan` (its rate is ignored) at each of `rates`, sorted, until one misses `slo`, then
    /// `pastKnee` more steps.
    public static Result run(LoadPlan plan, List<Double> rates, Slo slo, int pastKnee, Consumer<String> progress)
            throws InterruptedException {
        if (pastKnee < 0) {
            throw new IllegalArgumentException("--past-knee cannot be negative");
        }
        List<Double> sorted = rates.stream().sorted().toList();
        List<Step> steps = new ArrayList<>();
        int overloadLeft = -1; // counts down once the knee is found
        double rate = 0;
        for (int i = 0; overloadLeft != 0; i++) {
            if (i < sorted.size()) {
                rate = sorted.get(i);
            } else if (overloadLeft > 0) {
                rate = rate * OVERLOAD_FACTOR;
            } else {
                break; // every asked rate met the SLO
            }
            boolean overload = overloadLeft > 0;
            LoadPlan step = plan.atRate(rate, i == 0 ? plan.warmup() : Duration.ZERO);
            progress.accept("rate " + Units.rate(rate) + " req/s" + (overload ? " (past the knee)" : ""));
            BenchResult result = Benchmark.run(step, null, progress);
            boolean met = slo.metBy(result);
            steps.add(new Step(rate, result, met, overload));
            if (overload) {
                overloadLeft--;
            } else if (!met) {
                overloadLeft = pastKnee;
            }
        }
        return new Result(slo, steps);
    }
}
