package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.bench.Comparison.Verdict;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/// Verdicts of a comparison with a baseline, on figures chosen to sit each side of the band.
class ComparisonTest {
    private static BenchResult.Summary summary(Figures... rounds) {
        double throughput = 0;
        double p50 = 0;
        double p99 = 0;
        double p999 = 0;
        for (Figures f : rounds) {
            throughput += f.throughput() / rounds.length;
            p50 += f.p50() / rounds.length;
            p99 += f.p99() / rounds.length;
            p999 += f.p999() / rounds.length;
        }
        return new BenchResult.Summary(new Figures(throughput, p50, p99, p999), List.of(rounds), Optional.empty());
    }

    private static Figures f(double throughput, double latency) {
        return new Figures(throughput, latency, latency * 2, latency * 3);
    }

    @Test
    void theSameFiguresAreWithinNoise() {
        var run = summary(f(1000, 100), f(1000, 100), f(1000, 100));
        Comparison comparison = Comparison.of(run, run);

        assertEquals(Verdict.WITHIN_NOISE, comparison.verdict());
        assertTrue(comparison.bandMeasured());
        comparison.figures().forEach(line -> assertEquals(1.0, line.ratio(), 1e-9));
        comparison.figures().forEach(line -> assertEquals(Comparison.MIN_BAND, line.band(), 1e-9));
    }

    @Test
    void slowerAndLessThroughputIsWorse() {
        var baseline = summary(f(1000, 100), f(1010, 101), f(990, 99));
        var slowed = summary(f(500, 200), f(505, 202), f(495, 198));
        Comparison comparison = Comparison.of(baseline, slowed);

        assertEquals(Verdict.WORSE, comparison.verdict());
        comparison.figures().forEach(line -> assertEquals(Verdict.WORSE, line.verdict(), line.metric().label()));
        assertEquals(0.5, comparison.figures().getFirst().ratio(), 1e-9);
    }

    @Test
    void fasterIsBetter() {
        var baseline = summary(f(500, 200), f(505, 202), f(495, 198));
        var faster = summary(f(1000, 100), f(1010, 101), f(990, 99));

        assertEquals(Verdict.BETTER, Comparison.of(baseline, faster).verdict());
    }

    @Test
    void oneWorseFigureMakesTheWholeVerdictWorse() {
        var baseline = summary(f(1000, 100), f(1000, 100));
        var tail = summary(new Figures(1200, 80, 500, 600), new Figures(1200, 80, 500, 600));
        Comparison comparison = Comparison.of(baseline, tail);

        assertEquals(Verdict.BETTER, comparison.figures().get(0).verdict(), "throughput");
        assertEquals(Verdict.WORSE, comparison.figures().get(2).verdict(), "p99");
        assertEquals(Verdict.WORSE, comparison.verdict());
    }

    @Test
    void aDifferenceTheRoundsAlreadyShowIsNoise() {
        // Rounds 800..1200 around 1000: a 30 % spread; 1,150 is inside it.
        var baseline = summary(f(800, 100), f(1000, 100), f(1200, 100));
        var current = summary(f(1150, 100), f(1150, 100), f(1150, 100));
        Comparison comparison = Comparison.of(baseline, current);

        Comparison.Line throughput = comparison.figures().getFirst();
        assertEquals(0.4, throughput.band(), 1e-9, "(1200 - 800) / 1000");
        assertEquals(Verdict.WITHIN_NOISE, throughput.verdict());
        assertEquals(Verdict.WITHIN_NOISE, comparison.verdict());
    }

    @Test
    void justOutsideTheBandIsCalledAndJustInsideIsNot() {
        var baseline = summary(f(1000, 100), f(1000, 100));
        double band = Comparison.MIN_BAND;
        var inside = summary(f(1000 * (1 + band) * 0.999, 100), f(1000 * (1 + band) * 0.999, 100));
        var outside = summary(f(1000 * (1 + band) * 1.001, 100), f(1000 * (1 + band) * 1.001, 100));

        assertEquals(Verdict.WITHIN_NOISE, Comparison.of(baseline, inside).figures().getFirst().verdict());
        assertEquals(Verdict.BETTER, Comparison.of(baseline, outside).figures().getFirst().verdict());
    }

    @Test
    void singleRoundsAssumeTheWiderBand() {
        var baseline = summary(f(1000, 100));
        var current = summary(f(1080, 100));
        Comparison comparison = Comparison.of(baseline, current);

        assertFalse(comparison.bandMeasured());
        assertEquals(Comparison.SINGLE_ROUND_BAND, comparison.figures().getFirst().band(), 1e-9);
        assertEquals(Verdict.WITHIN_NOISE, comparison.verdict(), "8 % is inside the assumed 10 %");
    }

    @Test
    void spreadIsRangeOverMedian() {
        assertEquals(0, Comparison.spread(List.of(f(10, 1)), Figures.Metric.THROUGHPUT), 1e-9);
        assertEquals(0.4, Comparison.spread(List.of(f(8, 1), f(12, 1), f(10, 1)), Figures.Metric.THROUGHPUT), 1e-9);
        assertEquals(4 / 9.5, Comparison.spread(List.of(f(8, 1), f(12, 1), f(10, 1), f(9, 1)), Figures.Metric.THROUGHPUT), 1e-9);
    }
}
