package dev.fanout.bench.report;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

/// Writes one SVG document as text, escaping every attribute value and text content it is given.
/// Attributes come as name/value pairs; a `null` value leaves the attribute out, and numbers are
/// written with at most two decimals (a hundredth of a pixel is below what any screen shows).
/// Not thread-safe: one instance builds one chart.
final class Svg {
    private final StringBuilder out = new StringBuilder(16 * 1024);

    /// Starts a `width` × `height` document with a white background and `title` as its
    /// accessible name (what screen readers announce and browsers show on hover).
    Svg(double width, double height, String title) {
        out.append("<svg xmlns=\"http://www.w3.org/2000/svg\"");
        attributes("width", width, "height", height, "viewBox", "0 0 " + num(width) + " " + num(height),
                "font-family", "sans-serif", "font-size", 12, "role", "img");
        out.append(">\n");
        text("title", title);
        empty("rect", "width", width, "height", height, "fill", "white");
    }

    /// `<name attributes>`, to be closed with [#close(String)].
    Svg open(String name, Object... attributes) {
        out.append('<').append(name);
        attributes(attributes);
        out.append(">\n");
        return this;
    }

    Svg close(String name) {
        out.append("</").append(name).append(">\n");
        return this;
    }

    /// `<name attributes/>`.
    Svg empty(String name, Object... attributes) {
        out.append('<').append(name);
        attributes(attributes);
        out.append("/>\n");
        return this;
    }

    /// `<name attributes>content</name>`, the content escaped.
    Svg text(String name, String content, Object... attributes) {
        out.append('<').append(name);
        attributes(attributes);
        out.append('>').append(Xml.escape(content)).append("</").append(name).append(">\n");
        return this;
    }

    /// The finished document.
    String finish() {
        return out + "</svg>\n";
    }

    /// `value` with at most two decimals and no trailing zeros, in every locale ("12.5", not
    /// "12,50": a comma would break the coordinate syntax).
    static String num(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("not a coordinate: " + value);
        }
        String text = BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_EVEN).stripTrailingZeros()
                .toPlainString();
        return text.equals("-0") ? "0" : text;
    }

    /// Points as the `points` attribute of a `polyline` wants them: "x,y x,y …", each point an `{x, y}` pair.
    static String points(List<double[]> points) {
        StringBuilder text = new StringBuilder(points.size() * 14);
        for (double[] point : points) {
            if (!text.isEmpty()) {
                text.append(' ');
            }
            text.append(num(point[0])).append(',').append(num(point[1]));
        }
        return text.toString();
    }

    private void attributes(Object... pairs) {
        if (pairs.length % 2 != 0) {
            throw new IllegalArgumentException("attributes come in name/value pairs");
        }
        for (int i = 0; i < pairs.length; i += 2) {
            Object value = pairs[i + 1];
            if (value == null) {
                continue;
            }
            String text = value instanceof Number number ? num(number.doubleValue()) : Xml.escape(value.toString());
            out.append(' ').append(pairs[i]).append("=\"").append(text).append('"');
        }
    }
}
