package dev.fanout.bench.report;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/// The layout both charts share: the title on top, a plot area with gridlines, tick labels
/// and axis titles, and the legend in rows below the x axis (outside the plot, so it can never
/// hide a line; the chart grows a row at a time for long legends). Callers draw gridlines and
/// ticks first, then their data into [#svg()] using [#x(double)] and [#y(double)], then
/// [#finish()]. Not thread-safe.
final class ChartFrame {
    static final double WIDTH = 800;
    static final double LEFT = 84;
    static final double RIGHT = WIDTH - 40;
    static final double TOP = 52;
    static final double PLOT_HEIGHT = 292;
    static final double BOTTOM = TOP + PLOT_HEIGHT;

    private static final double TICK_LABEL_BELOW = 18;
    private static final double AXIS_TITLE_BELOW = 40;
    private static final double LEGEND_BELOW = 66;
    private static final double LEGEND_ROW = 20;
    private static final double LEGEND_SWATCH = 26;
    private static final double LEGEND_GAP = 22;
    // A generous average advance of 12 px sans-serif: an estimate on the wide side only leaves
    // some extra space between legend entries, one on the narrow side would overlap them.
    private static final double CHAR_WIDTH = 7;

    private final Svg svg;
    private final List<Placed> legend;

    private record Placed(LegendEntry entry, double x, double y) {
    }

    ChartFrame(String title, List<LegendEntry> legendEntries) {
        this.legend = layOut(legendEntries);
        double height = legend.isEmpty() ? BOTTOM + AXIS_TITLE_BELOW + 14
                : legend.getLast().y() + 12;
        this.svg = new Svg(WIDTH, height, title);
        svg.text("text", title, "class", "title", "x", WIDTH / 2, "y", 30, "text-anchor", "middle",
                "font-size", 16, "font-weight", "bold", "fill", Palette.INK);
    }

    /// A chart with `title` and a frame that says "no data", for inputs with nothing to draw.
    static String noData(String title, String xTitle, String yTitle) {
        ChartFrame frame = new ChartFrame(title, List.of());
        frame.axisTitles(xTitle, yTitle);
        frame.border();
        frame.svg.text("text", "no data", "class", "no-data", "x", (LEFT + RIGHT) / 2, "y", TOP + PLOT_HEIGHT / 2,
                "text-anchor", "middle", "font-size", 18, "fill", Palette.MUTED);
        return frame.finish();
    }

    Svg svg() {
        return svg;
    }

    /// The horizontal pixel of `fraction` of the x axis (0 = left edge, 1 = right edge).
    double x(double fraction) {
        return LEFT + fraction * (RIGHT - LEFT);
    }

    /// The vertical pixel of `fraction` of the y axis (0 = bottom edge, 1 = top edge).
    double y(double fraction) {
        return BOTTOM - fraction * PLOT_HEIGHT;
    }

    /// Horizontal gridlines and labels at every tick of `scale`.
    void yTicks(LinearScale scale, DoubleFunction<String> label) {
        for (double tick : scale.ticks()) {
            double y = y(scale.fraction(tick));
            svg.open("g", "class", "tick y");
            svg.empty("line", "x1", LEFT, "x2", RIGHT, "y1", y, "y2", y, "stroke", Palette.GRID);
            svg.text("text", label.apply(tick), "class", "ytick", "x", LEFT - 8, "y", y + 4,
                    "text-anchor", "end", "fill", Palette.INK);
            svg.close("g");
        }
    }

    /// A vertical gridline and label at `fraction` of the x axis; a `faint` one is dotted.
    void xTick(double fraction, String label, boolean faint) {
        double x = x(fraction);
        svg.open("g", "class", "tick x");
        svg.empty("line", "x1", x, "x2", x, "y1", TOP, "y2", BOTTOM, "stroke", Palette.GRID,
                "stroke-dasharray", faint ? "2 3" : null);
        svg.text("text", label, "class", "xtick", "x", x, "y", BOTTOM + TICK_LABEL_BELOW, "text-anchor", "middle",
                "fill", faint ? Palette.MUTED : Palette.INK);
        svg.close("g");
    }

    void axisTitles(String xTitle, String yTitle) {
        svg.text("text", xTitle, "class", "axis-title", "x", (LEFT + RIGHT) / 2, "y", BOTTOM + AXIS_TITLE_BELOW,
                "text-anchor", "middle", "fill", Palette.INK);
        double middle = (TOP + BOTTOM) / 2;
        svg.text("text", yTitle, "class", "axis-title", "x", 18, "y", middle, "text-anchor", "middle",
                "transform", "rotate(-90 18 " + Svg.num(middle) + ")", "fill", Palette.INK);
    }

    /// The plot's border, drawn over the gridlines and under the data.
    void border() {
        svg.empty("rect", "x", LEFT, "y", TOP, "width", RIGHT - LEFT, "height", PLOT_HEIGHT, "fill", "none",
                "stroke", Palette.MUTED);
    }

    /// The legend, then the end of the document.
    String finish() {
        for (Placed placed : legend) {
            drawLegendEntry(placed);
        }
        return svg.finish();
    }

    private void drawLegendEntry(Placed placed) {
        LegendEntry entry = placed.entry();
        double middle = placed.y() - 4;
        svg.open("g", "class", "legend-entry");
        if (entry.tooltip() != null) {
            svg.text("title", entry.tooltip());
        }
        if (entry.lineColour() != null) {
            svg.empty("line", "x1", placed.x(), "x2", placed.x() + LEGEND_SWATCH - 4, "y1", middle, "y2", middle,
                    "stroke", entry.lineColour(), "stroke-width", 2.5, "stroke-dasharray", entry.dash());
        }
        if (entry.marker() != null) {
            entry.marker().draw(svg, placed.x() + (LEGEND_SWATCH - 4) / 2, middle, entry.markerColour(),
                    entry.hollow(), "legend-marker", null);
        }
        svg.text("text", entry.label(), "class", "legend", "x", placed.x() + LEGEND_SWATCH + 2, "y", placed.y(),
                "fill", Palette.INK);
        svg.close("g");
    }

    // Flows the entries left to right from the plot's left edge, wrapping to a new row where an
    // entry would pass the plot's right edge (an entry wider than a whole row gets a row alone).
    private static List<Placed> layOut(List<LegendEntry> entries) {
        List<Placed> placed = new ArrayList<>(entries.size());
        double x = LEFT;
        double y = BOTTOM + LEGEND_BELOW;
        for (LegendEntry entry : entries) {
            double width = LEGEND_SWATCH + 2 + entry.label().codePointCount(0, entry.label().length()) * CHAR_WIDTH;
            if (x > LEFT && x + width > RIGHT) {
                x = LEFT;
                y += LEGEND_ROW;
            }
            placed.add(new Placed(entry, x, y));
            x += width + LEGEND_GAP;
        }
        return placed;
    }
}
