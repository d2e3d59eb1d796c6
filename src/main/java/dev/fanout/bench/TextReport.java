package dev.fanout.bench;

import java.io.PrintStream;
import java.util.Locale;
import java.util.stream.Collectors;
import org.HdrHistogram.AbstractHistogram;

/// The human-readable output of `fanout bench`: what was run, throughput, percentiles (client,
/// uncorrected, gateway side by side), errors by kind, the generator's CPU, rounds, a baseline
/// comparison and a sweep's table.
public final class TextReport {
    private static final String LATENCY_HEADER = String.format(Locale.ROOT, "  %-13s%10s%10s%10s%10s%10s%10s",
            "latency", "p50", "p90", "p99", "p99.9", "p99.99", "max");

    private TextReport() {
    }

    public static void print(BenchResult result, PrintStream out) {
        LoadPlan plan = result.plan();
        out.println("fanout bench: POST " + plan.url() + "  ("
                + plan.payloads().stream().map(Payload::name).collect(Collectors.joining(", ")) + ")");
        String loop = plan.openLoop()
                ? "open loop at " + Units.rate(plan.rate()) + " req/s"
                : "closed loop";
        String length = plan.requests() > 0
                ? String.format(Locale.ROOT, "%,d requests", plan.requests())
                : plan.duration().toMillis() / 1000.0 + " s";
        out.println(loop + ", " + plan.connections() + " connections, " + length
                + (plan.rounds() > 1 ? " × " + plan.rounds() + " rounds" : "")
                + (plan.warmup().isZero() ? "" : ", warm-up " + plan.warmup().toMillis() / 1000.0 + " s"));
        out.printf(Locale.ROOT, "  %-13s%,d in %.2f s = %s req/s, %,d errors%n", "requests",
                result.requests(), result.seconds(), Units.rate(result.throughput()), result.errors());
        out.println(LATENCY_HEADER);
        out.println(latencyRow(plan.openLoop() ? "corrected" : "client", result.latency()));
        if (plan.openLoop()) {
            out.println(latencyRow("uncorrected", result.uncorrected()));
        }
        result.gateway().ifPresent(gateway -> out.println(latencyRow("gateway", gateway)));
        if (!plan.gatewayStats().isEmpty()) {
            out.printf(Locale.ROOT, "  %-13s%,d requests in all; %s%n", "replicas",
                    result.gateway().map(org.HdrHistogram.Histogram::getTotalCount).orElse(0L),
                    result.replicas().stream().map(r -> r.replica().getAuthority() + ": "
                            + r.problem().orElseGet(() -> String.format(Locale.ROOT, "%,d", r.count())))
                            .collect(Collectors.joining(", ")));
        }
        if (plan.retries() > 0) {
            RoundResult.Retries retries = result.retries();
            out.printf(Locale.ROOT, "  %-13s%,d first try, %,d after retries, %,d lost; %,d retries sent, %,d answers 503 (up to %d retries each)%n",
                    "retries", retries.firstTry(), retries.retriedThenSucceeded(), result.errors(),
                    retries.retriesSent(), retries.unavailable(), plan.retries());
        }
        if (result.errors() > 0) {
            out.println("  errors       " + result.errorsByKind().entrySet().stream()
                    .map(e -> e.getKey() + ": " + String.format(Locale.ROOT, "%,d", e.getValue()))
                    .collect(Collectors.joining(", ")));
        }
        double cores = result.seconds() > 0 ? result.cpuSeconds() / result.seconds() : 0;
        out.printf(Locale.ROOT, "  generator    %.2f CPU-s per 10k requests; %.2f CPU-s in all, %.0f %% of a core over the rounds%n",
                result.cpuSecondsPer10k(), result.cpuSeconds(), cores * 100);
        if (result.rounds().size() > 1) {
            out.printf(Locale.ROOT, "  %-13s%10s%10s%10s%10s%10s%n", "round", "req/s", "p50", "p99", "p99.9", "errors");
            int i = 1;
            for (RoundResult round : result.rounds()) {
                Percentiles p = Percentiles.of(round.latency());
                out.printf(Locale.ROOT, "  %-13d%10s%10s%10s%10s%,10d%n", i++, Units.rate(round.throughput()),
                        Units.latency(p.p50()), Units.latency(p.p99()), Units.latency(p.p999()), round.errors());
            }
        }
    }

    public static void print(Comparison comparison, String baselineName, PrintStream out) {
        out.println("against " + baselineName + (comparison.bandMeasured() ? ""
                : String.format(Locale.ROOT, " (one round each: noise band assumed ±%.0f %%; use --rounds to measure it)",
                        Comparison.SINGLE_ROUND_BAND * 100)));
        out.printf(Locale.ROOT, "  %-13s%12s%12s%9s%9s  %s%n", "", "baseline", "now", "ratio", "band", "verdict");
        for (Comparison.Line line : comparison.figures()) {
            boolean throughput = line.metric() == Figures.Metric.THROUGHPUT;
            out.printf(Locale.ROOT, "  %-13s%12s%12s%9.3f%8.1f%%  %s%n", line.metric().label(),
                    throughput ? Units.rate(line.baseline()) : Units.latency(line.baseline()),
                    throughput ? Units.rate(line.current()) : Units.latency(line.current()),
                    line.ratio(), line.band() * 100, line.verdict().label());
        }
        out.println("verdict: " + comparison.verdict().label());
    }

    public static void print(Sweep.Result sweep, PrintStream out) {
        out.printf(Locale.ROOT, "  %-10s%10s%10s%8s%8s%10s%10s%10s%8s  %s%n", "rate", "achieved", "goodput", "503s", "503/s",
                "p50", "p99", "p99.9", "errors", "SLO " + sweep.slo());
        boolean kneeSeen = false;
        for (Sweep.Step step : sweep.steps()) {
            SweepPoint p = step.point();
            BenchResult result = step.result();
            double unavailablePerSecond = result.seconds() > 0 ? step.unavailable() / result.seconds() : 0;
            String verdict = (p.metSlo() ? "met" : "missed")
                    + (step.overload() ? ", past the knee" : !p.metSlo() && !kneeSeen ? " (the knee)" : "");
            kneeSeen |= !p.metSlo();
            out.printf(Locale.ROOT, "  %-10s%10s%10s%,8d%8s%10s%10s%10s%,8d  %s%n", Units.rate(p.targetRate()),
                    Units.rate(p.achievedRate()), Units.rate(result.goodput()), step.unavailable(), Units.rate(unavailablePerSecond),
                    Units.latency(p.p50Us()), Units.latency(p.p99Us()), Units.latency(p.p999Us()), p.errors(), verdict);
        }
        out.println(sweep.capacity()
                .map(step -> "capacity: " + Units.rate(step.rate()) + " req/s met " + sweep.slo())
                .orElse("capacity: no rate met " + sweep.slo()));
    }

    private static String latencyRow(String label, AbstractHistogram histogram) {
        Percentiles p = Percentiles.of(histogram);
        return String.format(Locale.ROOT, "  %-13s%10s%10s%10s%10s%10s%10s", label, Units.latency(p.p50()),
                Units.latency(p.p90()), Units.latency(p.p99()), Units.latency(p.p999()), Units.latency(p.p9999()),
                Units.latency(p.max()));
    }
}
