package dev.fanout.bench;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/// A run weighed against a `--baseline`: for throughput, p50, p99 and p99.9 the ratio now /
/// baseline, a noise band, and a verdict; and one verdict over all four.
///
/// The band of a figure is how far apart that figure's rounds were, relative to their median,
/// in the current run or in the baseline, whichever is wider, and never under [#MIN_BAND]: a
/// difference that the rounds of one run already show is noise. With a single round on both
/// sides nothing says how noisy the machine is, and [#SINGLE_ROUND_BAND] is assumed (the note
/// says so). Overall: worse when any figure is worse, better when some are better and none is
/// worse, else within noise.
///
/// @param figures one line per compared figure, in [Figures.Metric] order
/// @param verdict the overall verdict
/// @param bandMeasured whether the band came from repeated rounds (false: assumed)
public record Comparison(List<Line> figures, Verdict verdict, boolean bandMeasured) {
    /// Smallest band: differences under 5 % are not called on a shared machine.
    public static final double MIN_BAND = 0.05;
    /// Band assumed when neither side has more than one round.
    public static final double SINGLE_ROUND_BAND = 0.10;

    public enum Verdict {
        BETTER("better"), WORSE("worse"), WITHIN_NOISE("within noise");

        private final String label;

        Verdict(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    /// One compared figure: its baseline and current value, their ratio, the band and verdict.
    public record Line(Figures.Metric metric, double baseline, double current, double ratio, double band, Verdict verdict) {
    }

    public Comparison {
        figures = List.copyOf(figures);
    }

    /// Weighs `current` against `baseline`.
    public static Comparison of(BenchResult.Summary baseline, BenchResult.Summary current) {
        boolean measured = baseline.rounds().size() > 1 || current.rounds().size() > 1;
        List<Line> lines = new ArrayList<>();
        Map<Verdict, Integer> counts = new EnumMap<>(Verdict.class);
        for (Figures.Metric metric : Figures.Metric.values()) {
            double before = baseline.overall().get(metric);
            double now = current.overall().get(metric);
            double band = measured
                    ? Math.max(MIN_BAND, Math.max(spread(baseline.rounds(), metric), spread(current.rounds(), metric)))
                    : SINGLE_ROUND_BAND;
            double ratio = before > 0 ? now / before : (now == 0 ? 1 : Double.POSITIVE_INFINITY);
            Verdict verdict = verdict(metric, ratio, band);
            counts.merge(verdict, 1, Integer::sum);
            lines.add(new Line(metric, before, now, ratio, band, verdict));
        }
        Verdict overall = counts.containsKey(Verdict.WORSE) ? Verdict.WORSE
                : counts.containsKey(Verdict.BETTER) ? Verdict.BETTER : Verdict.WITHIN_NOISE;
        return new Comparison(lines, overall, measured);
    }

    private static Verdict verdict(Figures.Metric metric, double ratio, double band) {
        // Symmetric on a log scale: ×1.1 and ÷1.1 are the same distance from "unchanged".
        boolean up = ratio > 1 + band;
        boolean down = ratio < 1 / (1 + band);
        if (!up && !down) {
            return Verdict.WITHIN_NOISE;
        }
        return up == metric.higherIsBetter() ? Verdict.BETTER : Verdict.WORSE;
    }

    /// (max − min) / median of `metric` over `rounds`; 0 for fewer than two rounds.
    static double spread(List<Figures> rounds, Figures.Metric metric) {
        if (rounds.size() < 2) {
            return 0;
        }
        double[] values = rounds.stream().mapToDouble(f -> f.get(metric)).sorted().toArray();
        int n = values.length;
        double median = n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        return median > 0 ? (values[n - 1] - values[0]) / median : 0;
    }
}
