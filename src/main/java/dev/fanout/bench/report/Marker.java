package dev.fanout.bench.report;

import java.util.List;

/// The shape drawn at a data point. Each sweep line has its own shape, so the lines stay apart
/// without colour (in print, or for readers who cannot tell the colours apart).
enum Marker {
    CIRCLE,
    SQUARE,
    DIAMOND,
    /// Points above the top of the axis, drawn at its edge and pointing up.
    TRIANGLE_UP;

    /// Draws the marker centred at (`x`, `y`) with class `cssClass` and, unless `tooltip` is
    /// `null`, a tooltip. A hollow marker is white inside with a thicker outline; a filled one
    /// gets a thin white outline so that neighbours stay apart where they overlap.
    void draw(Svg svg, double x, double y, String colour, boolean hollow, String cssClass, String tooltip) {
        String fill = hollow ? "white" : colour;
        String stroke = hollow ? colour : "white";
        double strokeWidth = hollow ? 1.8 : 1;
        String name = switch (this) {
            case CIRCLE -> "circle";
            case SQUARE -> "rect";
            case DIAMOND, TRIANGLE_UP -> "polygon";
        };
        Object[] shape = switch (this) {
            case CIRCLE -> new Object[] {"cx", x, "cy", y, "r", 4.5};
            case SQUARE -> new Object[] {"x", x - 4, "y", y - 4, "width", 8, "height", 8};
            case DIAMOND -> new Object[] {"points", Svg.points(List.of(
                    new double[] {x, y - 5.5}, new double[] {x + 5.5, y}, new double[] {x, y + 5.5},
                    new double[] {x - 5.5, y}))};
            case TRIANGLE_UP -> new Object[] {"points", Svg.points(List.of(
                    new double[] {x, y - 6}, new double[] {x + 5.5, y + 4}, new double[] {x - 5.5, y + 4}))};
        };
        Object[] style = {"class", cssClass, "fill", fill, "stroke", stroke, "stroke-width", strokeWidth};
        Object[] attributes = new Object[shape.length + style.length];
        System.arraycopy(shape, 0, attributes, 0, shape.length);
        System.arraycopy(style, 0, attributes, shape.length, style.length);
        if (tooltip == null) {
            svg.empty(name, attributes);
        } else {
            svg.open(name, attributes).text("title", tooltip).close(name);
        }
    }
}
