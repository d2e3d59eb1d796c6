package dev.fanout.bench;

import java.util.Objects;
import java.util.Optional;

/// How many instances serve `rate` requests per second within an SLO, from one instance's sweep:
/// capacity per instance = the highest swept rate that met the SLO below the knee (the first
/// step that missed it); usable = capacity × (1 − headroom); instances = ⌈rate / usable⌉ + spare.
/// It assumes that instances scale linearly (no shared bottleneck: balancer, upstreams, network)
/// and are the same shape as the measured one (cores, memory, JVM settings), and that the
/// balancer spreads requests evenly. Immutable.
///
/// @param rate        the rate to serve, requests per second
/// @param slo         the objective each instance must meet
/// @param headroom    the fraction of capacity kept free, 0 ≤ headroom < 1
/// @param spare       instances added for failures and rolling restarts
/// @param capacity    requests per second one instance served within the SLO
/// @param lowerBound  whether every swept step met the SLO (the knee was not reached, so the real
///                    capacity is higher than `capacity`)
/// @param knee        the first swept rate that missed the SLO, when one did
/// @param usable      requests per second one instance is planned to serve
/// @param needed      instances for `rate` at `usable` each, before spares
/// @param instances   `needed + spare`
public record CapacityPlan(double rate, Slo slo, double headroom, int spare, double capacity, boolean lowerBound,
                           Optional<Double> knee, double usable, long needed, long instances) {
    // A quotient that is whole in decimal may come out a hair above it in binary (2100 / 2100.0000000000002).
    private static final double WHOLE_SLACK = 1e-9;

    public CapacityPlan {
        Objects.requireNonNull(slo, "slo");
        Objects.requireNonNull(knee, "knee");
    }

    /// The plan for `rate` under `slo` from `sweep`'s steps (each judged against `slo` again, so
    /// an objective other than the sweep's own may be asked), or empty when no step met it.
    ///
    /// @throws IllegalArgumentException when `rate` is not positive, `headroom` not within
    ///         [0, 1) or `spare` negative
    public static Optional<CapacityPlan> of(SweepFile.Content sweep, Slo slo, double rate, double headroom, int spare) {
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("the rate must be a positive number of requests per second");
        }
        if (!(headroom >= 0 && headroom < 1)) {
            throw new IllegalArgumentException("the headroom must be at least 0 % and below 100 %");
        }
        if (spare < 0) {
            throw new IllegalArgumentException("spare instances cannot be negative");
        }
        Double capacity = null;
        Double knee = null;
        for (SweepFile.Step step : sweep.steps()) {
            if (!step.meets(slo)) {
                knee = step.rate();
                break;
            }
            capacity = step.rate();
        }
        if (capacity == null) {
            return Optional.empty();
        }
        double usable = capacity * (1 - headroom);
        long needed = Math.max(1, (long) Math.ceil(rate / usable - WHOLE_SLACK));
        return Optional.of(new CapacityPlan(rate, slo, headroom, spare, capacity, knee == null, Optional.ofNullable(knee),
                usable, needed, needed + spare));
    }
}
