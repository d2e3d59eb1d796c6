package dev.fanout.bench.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.bench.SweepPoint;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/// Renders a report from made-up but realistic data to `target/sample-report.html` (and each
/// chart to `target/sample-*.svg`), for people to look at when they change the charts: convert
/// with `rsvg-convert target/sample-spectrum.svg -o spectrum.png`, or open the page.
class SampleReportTest {
    private static final Path TARGET = Path.of("target");

    // Log-normal latencies around `medianUs`, with a rare stall of up to `stallUs` (a GC pause).
    private static Histogram round(Random random, int count, double medianUs, double sigma, long stallUs) {
        Histogram histogram = new Histogram(3);
        for (int i = 0; i < count; i++) {
            long us = (long) (medianUs * Math.exp(sigma * random.nextGaussian()));
            if (random.nextInt(2_000) == 0) {
                us += (long) (random.nextDouble() * stallUs);
            }
            histogram.recordValue(Math.max(1, us));
        }
        return histogram;
    }

    private static final double SLO_US = 50_000;

    private static List<SpectrumSeries> rounds(Random random) {
        return List.of(
                new SpectrumSeries("round 1 (warm-up)", round(random, 60_000, 3_200, 0.45, 60_000)),
                new SpectrumSeries("round 2", round(random, 120_000, 2_400, 0.35, 25_000)),
                new SpectrumSeries("round 3", round(random, 120_000, 2_300, 0.33, 18_000)),
                new SpectrumSeries("schema <b&w> \"strict\"", round(random, 20_000, 4_000, 0.5, 9_000)));
    }

    // A sweep into saturation at about 4,400 req/s: past it the achieved rate falls back and
    // latency explodes (queueing: it grows like 1 / (1 - utilisation)).
    private static List<SweepPoint> sweep(Random random) {
        List<SweepPoint> sweep = new ArrayList<>();
        for (int rate = 500; rate <= 5_000; rate += 500) {
            double utilisation = Math.min(0.995, rate / 4_400.0);
            double achieved = rate <= 4_400 ? rate * (0.997 + 0.002 * random.nextDouble())
                    : 4_400 - (rate - 4_400) * 0.3;
            double p50 = 2_000 / (1 - utilisation);
            double p99 = 6_500 / Math.pow(1 - utilisation, 1.2);
            double p999 = 11_000 / Math.pow(1 - utilisation, 1.3);
            long requests = ((long) achieved) * 30;
            sweep.add(new SweepPoint(rate, achieved, p50, p99, p999, requests, rate > 4_400 ? requests / 200 : 0,
                    p99 <= SLO_US));
        }
        return sweep;
    }

    private static HtmlReport.Builder report(List<SpectrumSeries> rounds, List<SweepPoint> sweep) {
        List<List<String>> rows = new ArrayList<>();
        for (SpectrumSeries one : rounds) {
            var histogram = one.latencyUs();
            rows.add(List.of(one.label(), String.format(Locale.ROOT, "%,d", histogram.getTotalCount()),
                    LatencyUnit.readable(histogram.getValueAtPercentile(50)),
                    LatencyUnit.readable(histogram.getValueAtPercentile(99)),
                    LatencyUnit.readable(histogram.getValueAtPercentile(99.9)),
                    LatencyUnit.readable(histogram.getMaxValue())));
        }
        return HtmlReport.builder("fanout bench: POST /v1/validate")
                .fact("URL", "http://127.0.0.1:8080/v1/validate?schema=orders&mode=invalid")
                .fact("connections", "64")
                .fact("rate", "2,000 req/s, open loop (latency from the intended send time)")
                .fact("machine", "2 cores, Linux 6.1, Temurin 25")
                .table("Rounds", List.of("round", "requests", "p50", "p99", "p99.9", "max"), rows)
                .chart("Percentile spectrum", SpectrumChart.svg("Latency by percentile", rounds))
                .chart("Rate sweep", SweepChart.svg("Latency vs throughput", sweep, SLO_US, "SLO p99 ≤ 50 ms"));
    }

    @Test
    void writesTheSampleReport() throws IOException {
        Random random = new Random(42);
        List<SpectrumSeries> rounds = rounds(random);
        List<SweepPoint> sweep = sweep(random);
        Files.createDirectories(TARGET);
        write("sample-spectrum.svg", SpectrumChart.svg("Latency by percentile", rounds));
        write("sample-sweep.svg", SweepChart.svg("Latency vs throughput", sweep, SLO_US, "SLO p99 ≤ 50 ms"));
        write("sample-sweep-below-slo.svg", SweepChart.svg("Every step within the SLO", sweep.subList(0, 5),
                SLO_US, "SLO p99 ≤ 50 ms"));
        write("sample-spectrum-one-value.svg", SpectrumChart.svg("One value", List.of(
                new SpectrumSeries("single", round(random, 1, 700, 0, 0)))));
        write("sample-sweep-one-step.svg", SweepChart.svg("One step", sweep.subList(0, 1), SLO_US, "SLO"));
        List<SpectrumSeries> steps = new ArrayList<>();
        for (int step = 1; step <= 10; step++) {
            steps.add(new SpectrumSeries("sweep step " + step + ": " + step * 500 + " req/s",
                    round(random, 5_000, 1_000 + step * 300, 0.3 + step * 0.03, step * 2_000L)));
        }
        write("sample-spectrum-many.svg", SpectrumChart.svg("Ten series: the colours repeat, dashed", steps));
        write("sample-no-data.svg", SweepChart.svg("Nothing measured", List.of(), SLO_US, "SLO"));
        Path page = TARGET.resolve("sample-report.html");

        report(rounds, sweep).write(page);

        assertTrue(Files.size(page) > 10_000);
    }

    private static void write(String name, String svg) throws IOException {
        ParsedSvg.parse(svg);
        Files.writeString(TARGET.resolve(name), svg, StandardCharsets.UTF_8);
    }
}
