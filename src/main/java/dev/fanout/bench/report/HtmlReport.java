package dev.fanout.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/// A whole HTML page: a title, free "facts" (a key → value table: URL, connections, rate,
/// machine …), result tables and SVG charts. The page is one self-contained file: inline CSS,
/// the charts as inline SVG, no scripts and no external resources, so it opens offline in any
/// browser and can be mailed or attached as it is.
///
/// {@snippet :
/// String html = HtmlReport.builder("fanout bench: /v1/validate")
///         .fact("URL", url)
///         .table("Rounds", List.of("round", "req/s", "p99"), rows)
///         .chart("Percentile spectrum", SpectrumChart.svg("Latency by percentile", series))
///         .build();
/// }
///
/// The facts come first, in the order given; tables and charts follow in the order they were
/// added. All text is escaped; chart SVG is inserted as given (see [Builder#chart]).
public final class HtmlReport {
    // Cells that are a number, optionally with a unit, are right-aligned so digits line up.
    private static final Pattern NUMERIC =
            Pattern.compile("[-+]?[0-9][0-9,]*(\\.[0-9]+)?\\s*(%|µs|us|ms|s|req/s|/s|B|KiB|MiB|GiB)?");
    private static final Pattern XML_DECLARATION = Pattern.compile("^\\s*<\\?xml[^>]*\\?>\\s*");

    private static final String STYLE = """
            body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222;
                   max-width: 880px; margin: 2em auto; padding: 0 1em; line-height: 1.4; }
            h1 { font-size: 1.6em; margin-bottom: 0.6em; }
            table { border-collapse: collapse; margin: 0.5em 0 1.8em; font-size: 0.92em; }
            caption { text-align: left; font-weight: bold; font-size: 1.1em; padding-bottom: 0.4em; }
            th, td { padding: 0.3em 0.8em; border-bottom: 1px solid #ddd; vertical-align: top; }
            thead th { border-bottom: 2px solid #888; text-align: left; background: #f5f5f5; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
            table.facts th { text-align: left; font-weight: 600; color: #555; background: none; }
            figure { margin: 0 0 2em; }
            figure svg { max-width: 100%; height: auto; display: block; }
            figcaption { font-weight: bold; font-size: 1.1em; margin-bottom: 0.4em; }
            """;

    private HtmlReport() {
    }

    /// A builder for a page titled `title`.
    public static Builder builder(String title) {
        return new Builder(Objects.requireNonNull(title, "title must not be null"));
    }

    private record Fact(String key, String value) {
    }

    private sealed interface Section permits Table, Chart {
    }

    private record Table(String caption, List<String> header, List<List<String>> rows) implements Section {
    }

    private record Chart(String caption, String svg) implements Section {
    }

    /// Collects a page's content; [#build()] renders it and can be called any number of times.
    /// No argument may be `null`. Not thread-safe.
    public static final class Builder {
        private final String title;
        private final List<Fact> facts = new ArrayList<>();
        private final List<Section> sections = new ArrayList<>();

        private Builder(String title) {
            this.title = title;
        }

        /// Adds a row to the facts table at the top of the page.
        public Builder fact(String key, String value) {
            facts.add(new Fact(Objects.requireNonNull(key, "key must not be null"),
                    Objects.requireNonNull(value, "value must not be null")));
            return this;
        }

        /// Adds a table: `header` names the columns, each row lists its cells (a row may be
        /// shorter or longer than the header; the browser lays it out as it is).
        public Builder table(String caption, List<String> header, List<List<String>> rows) {
            Objects.requireNonNull(caption, "caption must not be null");
            Objects.requireNonNull(rows, "rows must not be null");
            sections.add(new Table(caption, List.copyOf(header), rows.stream().map(List::copyOf).toList()));
            return this;
        }

        /// Adds a chart under `caption`. `svg` is an SVG document as [SpectrumChart] and
        /// [SweepChart] make it; it is inserted as given (after dropping an XML declaration,
        /// which has no place inside HTML), so it must come from a trusted source.
        public Builder chart(String caption, String svg) {
            Objects.requireNonNull(caption, "caption must not be null");
            Objects.requireNonNull(svg, "svg must not be null");
            sections.add(new Chart(caption, XML_DECLARATION.matcher(svg).replaceFirst("")));
            return this;
        }

        /// The HTML text of the page.
        public String build() {
            StringBuilder html = new StringBuilder(64 * 1024);
            html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                    .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                    .append("<meta name=\"generator\" content=\"fanout bench\">\n")
                    .append("<title>").append(Xml.escape(title)).append("</title>\n")
                    .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n")
                    .append("<h1>").append(Xml.escape(title)).append("</h1>\n");
            if (!facts.isEmpty()) {
                html.append("<table class=\"facts\">\n<tbody>\n");
                for (Fact fact : facts) {
                    html.append("<tr><th scope=\"row\">").append(Xml.escape(fact.key())).append("</th><td>")
                            .append(Xml.escape(fact.value())).append("</td></tr>\n");
                }
                html.append("</tbody>\n</table>\n");
            }
            for (Section section : sections) {
                switch (section) {
                    case Table table -> table(html, table);
                    case Chart chart -> html.append("<figure>\n<figcaption>").append(Xml.escape(chart.caption()))
                            .append("</figcaption>\n").append(chart.svg()).append("</figure>\n");
                }
            }
            return html.append("</body>\n</html>\n").toString();
        }

        /// Writes [#build()] to `file` in UTF-8, creating missing parent directories.
        ///
        /// @throws UncheckedIOException when the file cannot be written
        public void write(Path file) {
            Objects.requireNonNull(file, "file must not be null");
            try {
                Path parent = file.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(file, build(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the report " + file + ": " + e.getMessage(), e);
            }
        }

        private static void table(StringBuilder html, Table table) {
            html.append("<table class=\"results\">\n<caption>").append(Xml.escape(table.caption()))
                    .append("</caption>\n");
            if (!table.header().isEmpty()) {
                // A column is numeric when its first row's cell is, so its header aligns with it.
                List<String> firstRow = table.rows().isEmpty() ? List.of() : table.rows().getFirst();
                html.append("<thead><tr>");
                for (int i = 0; i < table.header().size(); i++) {
                    boolean numeric = i < firstRow.size() && numeric(firstRow.get(i));
                    html.append(numeric ? "<th scope=\"col\" class=\"num\">" : "<th scope=\"col\">")
                            .append(Xml.escape(table.header().get(i))).append("</th>");
                }
                html.append("</tr></thead>\n");
            }
            html.append("<tbody>\n");
            for (List<String> row : table.rows()) {
                html.append("<tr>");
                for (String cell : row) {
                    html.append(numeric(cell) ? "<td class=\"num\">" : "<td>").append(Xml.escape(cell))
                            .append("</td>");
                }
                html.append("</tr>\n");
            }
            html.append("</tbody>\n</table>\n");
        }

        private static boolean numeric(String cell) {
            return NUMERIC.matcher(cell.strip()).matches();
        }
    }
}
