package dev.fanout.bench.report;

/// Escapes text for XML (the charts' SVG) and HTML (the report page); both read the same five
/// entities, so one escaper serves both, in element content and in quoted attribute values.
/// Stateless and thread-safe.
final class Xml {
    private static final char REPLACEMENT = '\uFFFD';

    private Xml() {
    }

    /// `text` with `&`, `<`, `>`, `"` and `'` escaped. Characters XML 1.0 cannot carry at all
    /// (control characters other than tab, newline and carriage return, unpaired surrogates,
    /// U+FFFE and U+FFFF) become U+FFFD: one such character in a label would otherwise make the
    /// whole SVG unreadable.
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                case '\t', '\n', '\r' -> out.append(c);
                default -> {
                    if (Character.isHighSurrogate(c) && i + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(i + 1))) {
                        out.append(c).append(text.charAt(++i));
                    } else if (c < 0x20 || Character.isSurrogate(c) || c == '\uFFFE' || c == '\uFFFF') {
                        out.append(REPLACEMENT);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
