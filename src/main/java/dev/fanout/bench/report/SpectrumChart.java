package dev.fanout.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/// The percentile spectrum chart: HdrHistogram's "nines" plot of one or more latency
/// distributions, overlaid, as a standalone SVG document.
///
/// The x axis is the percentile on a log scale of nines, `log10(1 / (1 - p))`, so 90%, 99%,
/// 99.9% … are evenly spaced and the tail, where latency problems live, gets most of the
/// width. It reaches as far as the data does: the highest percentile a histogram of `n` values
/// can tell apart from 100% is `1 - 1/n`, so the axis ends at `log10(n)` nines for the largest
/// `n`, at least at 90% and at most at 99.9999%. The y axis is latency, linear from zero, with
/// 1-2-5 ticks in µs, ms or s, whichever fits. Each series is a polyline through HdrHistogram's
/// percentile iteration with 5 ticks per half-distance (the points `outputPercentileDistribution`
/// prints); its last point, at 100%, is infinitely far right on this axis and is drawn at the
/// axis' end, as is every point beyond it. Series with no values keep their legend entry but
/// draw no line; if no series has a value, the chart says "no data".
///
/// Stateless and thread-safe; the histograms must not be written while a chart is drawn.
public final class SpectrumChart {
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final double MIN_NINES = 1;
    private static final double MAX_NINES = 6;
    private static final String X_TITLE = "percentile";
    private static final String Y_TITLE = "latency";

    private SpectrumChart() {
    }

    /// The chart of `series` (in legend order, each in its own colour) titled `title`.
    public static String svg(String title, List<SpectrumSeries> series) {
        Objects.requireNonNull(title, "title must not be null");
        Objects.requireNonNull(series, "series must not be null");
        long largestCount = 0;
        long maxUs = 0;
        for (SpectrumSeries one : series) {
            AbstractHistogram histogram = one.latencyUs();
            if (histogram.getTotalCount() > 0) {
                largestCount = Math.max(largestCount, histogram.getTotalCount());
                maxUs = Math.max(maxUs, histogram.getMaxValue());
            }
        }
        if (largestCount == 0) {
            return ChartFrame.noData(title, X_TITLE, Y_TITLE);
        }
        double nines = Math.clamp(Math.log10(largestCount), MIN_NINES, MAX_NINES);
        // One millisecond of axis when every value is 0 µs: a flat line at the bottom of a
        // sensible frame beats a scale of fractions of a microsecond.
        LinearScale yScale = LinearScale.from0(maxUs, 1_000);
        LatencyUnit unit = LatencyUnit.fitting(yScale.top());
        int decimals = yScale.decimals(unit.micros());

        List<LegendEntry> legend = new ArrayList<>(series.size());
        for (int i = 0; i < series.size(); i++) {
            SpectrumSeries one = series.get(i);
            legend.add(LegendEntry.line(one.label(), Palette.colour(i), Palette.dash(i), summary(one)));
        }
        ChartFrame frame = new ChartFrame(title, legend);
        frame.yTicks(yScale, us -> unit.format(us, decimals));
        frame.xTick(ninesOf(50) / nines, "50%", true);
        for (int decade = 0; decade <= nines + 1e-9; decade++) {
            frame.xTick(decade / nines, percentileLabel(decade), false);
        }
        frame.axisTitles(X_TITLE, Y_TITLE);
        frame.border();

        Svg svg = frame.svg();
        for (int i = 0; i < series.size(); i++) {
            SpectrumSeries one = series.get(i);
            AbstractHistogram histogram = one.latencyUs();
            if (histogram.getTotalCount() == 0) {
                continue;
            }
            // The iterator hands out one value object that it updates in place: read it at once.
            List<double[]> points = new ArrayList<>();
            for (HistogramIterationValue value : histogram.percentiles(TICKS_PER_HALF_DISTANCE)) {
                double x = Math.min(ninesOf(value.getPercentileLevelIteratedTo()), nines) / nines;
                points.add(new double[] {frame.x(x), frame.y(yScale.fraction(value.getValueIteratedTo()))});
            }
            svg.open("polyline", "class", "series", "points", Svg.points(points), "fill", "none",
                    "stroke", Palette.colour(i), "stroke-width", 2, "stroke-linejoin", "round",
                    "stroke-dasharray", Palette.dash(i));
            svg.text("title", one.label() + ": " + summary(one));
            svg.close("polyline");
        }
        return frame.finish();
    }

    /// How many nines `percentile` (0 to 100) has: `log10(1 / (1 - p))`, infinite at 100.
    static double ninesOf(double percentile) {
        return Math.log10(100.0 / (100.0 - percentile));
    }

    /// The label of the tick at `nines` nines: 0%, 90%, 99%, 99.9% ….
    static String percentileLabel(int nines) {
        return switch (nines) {
            case 0 -> "0%";
            case 1 -> "90%";
            case 2 -> "99%";
            default -> "99." + "9".repeat(nines - 2) + "%";
        };
    }

    // The tooltip: how many values, and the usual percentiles.
    private static String summary(SpectrumSeries series) {
        AbstractHistogram histogram = series.latencyUs();
        if (histogram.getTotalCount() == 0) {
            return "no values";
        }
        return String.format(Locale.ROOT, "%,d values, p50 %s, p99 %s, p99.9 %s, max %s",
                histogram.getTotalCount(),
                LatencyUnit.readable(histogram.getValueAtPercentile(50)),
                LatencyUnit.readable(histogram.getValueAtPercentile(99)),
                LatencyUnit.readable(histogram.getValueAtPercentile(99.9)),
                LatencyUnit.readable(histogram.getMaxValue()));
    }
}
