package dev.fanout.bench.report;

import dev.fanout.bench.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/// Latency (p50, p99, p99.9) versus achieved throughput for a rate sweep, with the SLO line, as
/// a standalone SVG document.
///
/// The x axis is the achieved rate in req/s, the y axis latency, both linear from zero with
/// 1-2-5 ticks (latency in µs, ms or s, whichever fits). Each percentile is a line with its own
/// colour and marker shape, joining the steps in the order given (the sweep's order: past
/// saturation the achieved rate can fall back while latency climbs, and the line shows that).
/// Steps that missed the SLO have hollow vermillion markers. The SLO is a dashed line labelled
/// with `sloLabel`, and the step with the highest achieved rate among those that met the SLO
/// is marked as the capacity.
///
/// Overloaded steps can be slower than the SLO by orders of magnitude; on a linear axis that
/// would squash every healthy step onto the x axis. So with an SLO the y axis stops at
/// [#OFF_SCALE_FACTOR] times it: lines leave through the top, and their markers sit on the top
/// edge as upward triangles, with the real value in their tooltip.
///
/// Empty input, or no step with a finite achieved rate, gives a chart saying "no data".
/// Stateless and thread-safe.
public final class SweepChart {
    /// How far above the SLO the y axis reaches, at most.
    static final double OFF_SCALE_FACTOR = 4;
    // Room above the SLO line for its label, when every step is below it.
    private static final double SLO_HEADROOM = 1.15;
    private static final String X_TITLE = "achieved throughput (req/s)";
    private static final String Y_TITLE = "latency";

    private SweepChart() {
    }

    private enum Line {
        P50("p50", Palette.BLUE, Marker.CIRCLE, SweepPoint::p50Us),
        P99("p99", Palette.BLUISH_GREEN, Marker.SQUARE, SweepPoint::p99Us),
        P999("p99.9", Palette.REDDISH_PURPLE, Marker.DIAMOND, SweepPoint::p999Us);

        final String label;
        final String colour;
        final Marker marker;
        @SuppressWarnings("ImmutableEnumChecker") // record accessors: stateless
        final ToDoubleFunction<SweepPoint> valueUs;

        Line(String label, String colour, Marker marker, ToDoubleFunction<SweepPoint> valueUs) {
            this.label = label;
            this.colour = colour;
            this.marker = marker;
            this.valueUs = valueUs;
        }
    }

    /// The chart of `points` (in sweep order) titled `title`, with the SLO at `sloUs`
    /// microseconds labelled `sloLabel` (e.g. "SLO p99 ≤ 50 ms"). A `sloUs` that is not a
    /// positive number draws no SLO line; a `null` `sloLabel` is shown as "SLO".
    public static String svg(String title, List<SweepPoint> points, double sloUs, String sloLabel) {
        Objects.requireNonNull(title, "title must not be null");
        Objects.requireNonNull(points, "points must not be null");
        List<SweepPoint> shown = points.stream().filter(p -> measured(p.achievedRate())).toList();
        if (shown.isEmpty()) {
            return ChartFrame.noData(title, X_TITLE, Y_TITLE);
        }
        boolean hasSlo = measured(sloUs) && sloUs > 0;
        double maxRate = 0;
        double maxUs = 0;
        for (SweepPoint point : shown) {
            maxRate = Math.max(maxRate, point.achievedRate());
            for (Line line : Line.values()) {
                double value = line.valueUs.applyAsDouble(point);
                if (measured(value)) {
                    maxUs = Math.max(maxUs, value);
                }
            }
        }
        double axisMaxUs = hasSlo ? Math.max(Math.min(maxUs, sloUs * OFF_SCALE_FACTOR), sloUs * SLO_HEADROOM) : maxUs;
        LinearScale yScale = LinearScale.from0(axisMaxUs, 1_000);
        LatencyUnit unit = LatencyUnit.fitting(yScale.top());
        int yDecimals = yScale.decimals(unit.micros());
        LinearScale xScale = LinearScale.from0(maxRate, 1);
        int xDecimals = xScale.decimals(1);

        boolean anyFailed = shown.stream().anyMatch(p -> !p.metSlo());
        boolean anyOffScale = maxUs > yScale.top();
        List<LegendEntry> legend = new ArrayList<>();
        for (Line line : Line.values()) {
            legend.add(LegendEntry.lineWithMarker(line.label, line.colour, line.marker));
        }
        if (anyFailed) {
            legend.add(LegendEntry.marker("missed the SLO", Marker.CIRCLE, Palette.VERMILLION, true));
        }
        if (anyOffScale) {
            legend.add(LegendEntry.marker("above " + unit.format(yScale.top(), yDecimals) + " (drawn at the top)",
                    Marker.TRIANGLE_UP, Palette.MUTED, false));
        }

        ChartFrame frame = new ChartFrame(title, legend);
        frame.yTicks(yScale, us -> unit.format(us, yDecimals));
        for (double tick : xScale.ticks()) {
            frame.xTick(xScale.fraction(tick), String.format(Locale.ROOT, "%,." + xDecimals + "f", tick), false);
        }
        frame.axisTitles(X_TITLE, Y_TITLE);
        frame.border();

        Svg svg = frame.svg();
        double sloY = hasSlo ? frame.y(yScale.fraction(sloUs)) : Double.NaN;
        if (hasSlo) {
            svg.empty("line", "class", "slo", "x1", ChartFrame.LEFT, "x2", ChartFrame.RIGHT, "y1", sloY, "y2", sloY,
                    "stroke", Palette.VERMILLION, "stroke-width", 1.5, "stroke-dasharray", "7 4");
        }
        capacity(frame, xScale, shown);

        // A nested viewport with the outer coordinates clips the lines to the plot area (no
        // clipPath, whose id could clash with another chart's on the same HTML page).
        double plotWidth = ChartFrame.RIGHT - ChartFrame.LEFT;
        svg.open("svg", "x", ChartFrame.LEFT, "y", ChartFrame.TOP, "width", plotWidth,
                "height", ChartFrame.PLOT_HEIGHT, "overflow", "hidden", "viewBox", Svg.num(ChartFrame.LEFT) + " "
                        + Svg.num(ChartFrame.TOP) + " " + Svg.num(plotWidth) + " " + Svg.num(ChartFrame.PLOT_HEIGHT));
        for (Line line : Line.values()) {
            List<double[]> vertices = new ArrayList<>();
            for (SweepPoint point : shown) {
                double value = line.valueUs.applyAsDouble(point);
                if (measured(value)) {
                    vertices.add(new double[] {frame.x(xScale.fraction(point.achievedRate())),
                            frame.y(yScale.fraction(value))});
                }
            }
            svg.empty("polyline", "class", "series " + line.label, "points", Svg.points(vertices), "fill", "none",
                    "stroke", line.colour, "stroke-width", 2, "stroke-linejoin", "round");
        }
        svg.close("svg");

        for (Line line : Line.values()) {
            for (SweepPoint point : shown) {
                double value = line.valueUs.applyAsDouble(point);
                if (!measured(value)) {
                    continue;
                }
                boolean offScale = value > yScale.top();
                double x = frame.x(xScale.fraction(point.achievedRate()));
                double y = offScale ? frame.y(1) : frame.y(yScale.fraction(value));
                String colour = point.metSlo() ? line.colour : Palette.VERMILLION;
                String cssClass = "marker " + line.label + (point.metSlo() ? "" : " fail")
                        + (offScale ? " off-scale" : "");
                (offScale ? Marker.TRIANGLE_UP : line.marker).draw(svg, x, y, colour, !point.metSlo(), cssClass,
                        tooltip(line, value, point));
            }
        }
        if (hasSlo) {
            annotation(svg, sloLabel == null ? "SLO" : sloLabel, "slo-label", ChartFrame.LEFT + 6, sloY - 6,
                    "start", Palette.VERMILLION);
        }
        return frame.finish();
    }

    /// A vertical line at the step with the highest achieved rate among those that met the SLO,
    /// labelled "capacity: 4,000 req/s"; without such a step, a note that none met it.
    private static void capacity(ChartFrame frame, LinearScale xScale, List<SweepPoint> shown) {
        SweepPoint best = null;
        for (SweepPoint point : shown) {
            if (point.metSlo() && (best == null || point.achievedRate() > best.achievedRate())) {
                best = point;
            }
        }
        Svg svg = frame.svg();
        double labelY = ChartFrame.TOP + 16;
        if (best == null) {
            annotation(svg, "capacity: no step met the SLO", "capacity", ChartFrame.LEFT + 6, labelY, "start",
                    Palette.INK);
            return;
        }
        double x = frame.x(xScale.fraction(best.achievedRate()));
        svg.empty("line", "class", "capacity-line", "x1", x, "x2", x, "y1", ChartFrame.TOP, "y2", ChartFrame.BOTTOM,
                "stroke", Palette.INK, "stroke-width", 1, "stroke-dasharray", "3 3");
        // Right of the line, unless that would run past the plot's right edge.
        boolean leftOfLine = x > ChartFrame.LEFT + 0.65 * (ChartFrame.RIGHT - ChartFrame.LEFT);
        annotation(svg, "capacity: " + rate(best.achievedRate()) + " req/s", "capacity", leftOfLine ? x - 6 : x + 6,
                labelY, leftOfLine ? "end" : "start", Palette.INK);
    }

    // Text with a white halo, so it stays readable where it crosses a line or gridline.
    private static void annotation(Svg svg, String text, String cssClass, double x, double y, String anchor,
            String colour) {
        svg.text("text", text, "class", cssClass, "x", x, "y", y, "text-anchor", anchor, "fill", colour,
                "font-weight", "bold", "stroke", "white", "stroke-width", 3, "paint-order", "stroke");
    }

    private static String tooltip(Line line, double valueUs, SweepPoint point) {
        return String.format(Locale.ROOT, "%s %s at %s req/s (target %s req/s): %,d requests, %,d errors, %s",
                line.label, LatencyUnit.readable(valueUs), rate(point.achievedRate()), rate(point.targetRate()),
                point.requests(), point.errors(), point.metSlo() ? "met the SLO" : "missed the SLO");
    }

    /// A rate as people read it: "4,000", "12.5", "0.25".
    static String rate(double perSecond) {
        if (!measured(perSecond)) {
            return "?";
        }
        int decimals = perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
        return String.format(Locale.ROOT, "%,." + decimals + "f", perSecond);
    }

    private static boolean measured(double value) {
        return Double.isFinite(value) && value >= 0;
    }
}
