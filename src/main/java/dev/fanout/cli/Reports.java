package dev.fanout.cli;

import dev.fanout.bench.BenchResult;
import dev.fanout.bench.LoadPlan;
import dev.fanout.bench.Payload;
import dev.fanout.bench.Percentiles;
import dev.fanout.bench.Sweep;
import dev.fanout.bench.report.HtmlReport;
import dev.fanout.bench.report.SpectrumChart;
import dev.fanout.bench.report.SpectrumSeries;
import dev.fanout.bench.report.SweepChart;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.HdrHistogram.AbstractHistogram;

/// The `--report` files of `fanout bench` and `fanout bench sweep`. A `.svg` file gets the main
/// chart alone (to embed in a README); any other name an HTML page with the run's facts and
/// figures and its charts: the percentile spectrum (corrected, uncorrected, the gateway's own,
/// and the baseline's, overlaid); for a sweep, the latency-vs-throughput curve and every step's
/// spectrum.
final class Reports {
    private static final List<String> HEADER = List.of("series", "requests", "p50 µs", "p90 µs", "p99 µs",
            "p99.9 µs", "p99.99 µs", "max µs");

    private Reports() {
    }

    static void bench(BenchResult result, Optional<BenchResult.Summary> baseline, Path file) {
        LoadPlan plan = result.plan();
        List<SpectrumSeries> series = new ArrayList<>();
        series.add(new SpectrumSeries(plan.openLoop() ? "corrected" : "client", result.latency()));
        if (plan.openLoop()) {
            series.add(new SpectrumSeries("uncorrected", result.uncorrected()));
        }
        result.gateway().ifPresent(gateway -> series.add(new SpectrumSeries("gateway (its /v1/stats)", gateway)));
        baseline.flatMap(BenchResult.Summary::latency).ifPresent(latency -> series.add(new SpectrumSeries("baseline", latency)));
        String spectrum = SpectrumChart.svg("Latency by percentile", series);
        if (isSvg(file)) {
            writeSvg(spectrum, file);
            return;
        }
        HtmlReport.Builder page = facts(HtmlReport.builder("fanout bench"), plan, false)
                .fact("requests", String.format(Locale.ROOT, "%,d (%,d errors)", result.requests(), result.errors()))
                .fact("throughput", String.format(Locale.ROOT, "%,.0f req/s", result.throughput()))
                .fact("errors by kind", result.errorsByKind().isEmpty() ? "none" : result.errorsByKind().toString())
                .fact("generator CPU", String.format(Locale.ROOT, "%.2f CPU-s per 10k requests", result.cpuSecondsPer10k()));
        page.table("Latency", HEADER, series.stream().map(s -> row(s.label(), s.latencyUs())).toList());
        page.chart("Percentile spectrum", spectrum);
        page.write(file);
    }

    static void sweep(Sweep.Result sweep, Path file) {
        LoadPlan plan = sweep.steps().getFirst().result().plan();
        String curve = SweepChart.svg("Latency versus throughput",
                sweep.steps().stream().map(Sweep.Step::point).toList(), sweep.slo().limitUs(), "SLO " + sweep.slo());
        if (isSvg(file)) {
            writeSvg(curve, file);
            return;
        }
        HtmlReport.Builder page = facts(HtmlReport.builder("fanout bench sweep"), plan, sweep.steps().size() > 1)
                .fact("SLO", sweep.slo().toString() + ", no errors")
                .fact("capacity", sweep.capacity()
                        .map(step -> String.format(Locale.ROOT, "%,.0f req/s", step.rate()))
                        .orElse("no rate met the SLO"));
        List<List<String>> rows = new ArrayList<>();
        List<SpectrumSeries> spectra = new ArrayList<>();
        for (Sweep.Step step : sweep.steps()) {
            var point = step.point();
            rows.add(List.of(String.format(Locale.ROOT, "%,.0f", step.rate()),
                    String.format(Locale.ROOT, "%,.0f", point.achievedRate()),
                    String.format(Locale.ROOT, "%,.0f", point.p50Us()), String.format(Locale.ROOT, "%,.0f", point.p99Us()),
                    String.format(Locale.ROOT, "%,.0f", point.p999Us()), String.format(Locale.ROOT, "%,d", point.errors()),
                    step.met() ? "met" : "missed"));
            spectra.add(new SpectrumSeries(String.format(Locale.ROOT, "%,.0f req/s", step.rate()), step.result().latency()));
        }
        page.table("Steps", List.of("rate", "achieved req/s", "p50 µs", "p99 µs", "p99.9 µs", "errors", "SLO"), rows);
        page.chart("Latency versus throughput", curve);
        page.chart("Percentile spectrum of each step", SpectrumChart.svg("Latency by percentile, per rate", spectra));
        page.write(file);
    }

    private static boolean isSvg(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg");
    }

    private static void writeSvg(String svg, Path file) {
        try {
            Files.writeString(file, svg, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static HtmlReport.Builder facts(HtmlReport.Builder page, LoadPlan plan, boolean severalRates) {
        return page.fact("target", "POST " + plan.url())
                .fact("files", plan.payloads().stream().map(Payload::name).collect(Collectors.joining(", ")))
                .fact("loop", !plan.openLoop() ? "closed"
                        : severalRates ? "open, one rate per step (latency from intended send times)"
                        : String.format(Locale.ROOT, "open, %,.0f req/s (latency from intended send times)", plan.rate()))
                .fact("connections", Integer.toString(plan.connections()))
                .fact(severalRates ? "step" : "round", plan.requests() > 0
                        ? plan.requests() + " requests"
                        : plan.duration().toMillis() / 1000.0 + " s")
                .fact("rounds", Integer.toString(plan.rounds()))
                .fact("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                        + System.getProperty("os.name") + " " + System.getProperty("os.arch")
                        + ", Java " + Runtime.version());
    }

    private static List<String> row(String label, AbstractHistogram histogram) {
        Percentiles p = Percentiles.of(histogram);
        return List.of(label, String.format(Locale.ROOT, "%,d", histogram.getTotalCount()), Long.toString(p.p50()),
                Long.toString(p.p90()), Long.toString(p.p99()), Long.toString(p.p999()), Long.toString(p.p9999()),
                Long.toString(p.max()));
    }
}
