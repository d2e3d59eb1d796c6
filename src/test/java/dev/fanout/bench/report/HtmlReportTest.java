package dev.fanout.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.bench.SweepPoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HtmlReportTest {
    private static String spectrum() {
        Histogram histogram = new Histogram(3);
        for (long us = 1; us <= 1_000; us++) {
            histogram.recordValue(us);
        }
        return SpectrumChart.svg("Spectrum", List.of(new SpectrumSeries("run", histogram)));
    }

    private static String sweep() {
        return SweepChart.svg("Sweep", List.of(new SweepPoint(100, 100, 1_000, 2_000, 3_000, 1_000, 0, true)),
                50_000, "SLO p99 ≤ 50 ms");
    }

    private static HtmlReport.Builder report() {
        return HtmlReport.builder("bench <run> & \"more\"")
                .fact("URL", "http://localhost:8080/v1/validate?schema=a&mode=all")
                .fact("connections", "64")
                .table("Rounds", List.of("round", "req/s", "p99"),
                        List.of(List.of("warm-up <1>", "1,000", "12.5 ms"), List.of("a & b", "2,000", "n/a")))
                .chart("Percentile spectrum", spectrum())
                .chart("Sweep", sweep());
    }

    @Test
    void containsTheFactsTheEscapedTableAndBothCharts() {
        String html = report().build();

        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(html.contains("<meta charset=\"utf-8\">"));
        assertTrue(html.contains("<title>bench &lt;run&gt; &amp; &quot;more&quot;</title>"));
        assertTrue(html.contains("<h1>bench &lt;run&gt; &amp; &quot;more&quot;</h1>"));
        assertTrue(html.contains("<th scope=\"row\">URL</th><td>http://localhost:8080/v1/validate?schema=a&amp;mode=all"
                + "</td>"), html);
        assertTrue(html.contains("<th scope=\"row\">connections</th><td>64</td>"), html);
        assertTrue(html.contains("<caption>Rounds</caption>"));
        assertTrue(html.contains("<td>warm-up &lt;1&gt;</td>"), html);
        assertTrue(html.contains("<td>a &amp; b</td>"), html);
        assertTrue(html.contains(spectrum()), "the spectrum SVG, verbatim");
        assertTrue(html.contains(sweep()), "the sweep SVG, verbatim");
        assertTrue(html.indexOf("Percentile spectrum") < html.indexOf("<figcaption>Sweep"));
    }

    @Test
    void isSelfContained() {
        String html = report().build();

        assertFalse(html.contains("<script"));
        assertFalse(html.contains("<link"));
        assertFalse(html.contains("src="));
        // The only URLs are the SVG namespace and the fact the caller gave.
        assertEquals(2, html.split("http://www.w3.org/2000/svg", -1).length - 1);
    }

    @Test
    void numbersAreRightAligned() {
        String html = report().build();

        assertTrue(html.contains("<td class=\"num\">1,000</td><td class=\"num\">12.5 ms</td>"), html);
        assertTrue(html.contains("<th scope=\"col\">round</th><th scope=\"col\" class=\"num\">req/s</th>"), html);
        assertTrue(html.contains("<td class=\"num\">2,000</td><td>n/a</td>"), html);
    }

    @Test
    void dropsAnXmlDeclarationFromAChart() {
        String html = HtmlReport.builder("t").chart("c", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg/>").build();

        assertFalse(html.contains("<?xml"));
        assertTrue(html.contains("<svg/>"));
    }

    @Test
    void writesWhatBuildReturnsInUtf8(@TempDir Path dir) throws IOException {
        HtmlReport.Builder report = report().fact("latency unit", "µs ≤ ∞");
        Path file = dir.resolve("reports/nested/report.html");

        report.write(file);

        // Any other encoding would turn µ, ≤ and ∞ into replacement characters here.
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        assertEquals(report.build(), text);
        assertTrue(text.contains("µs ≤ ∞"));
    }

    @Test
    void anUnwritableFileIsAnUncheckedIoException(@TempDir Path dir) throws IOException {
        Path directory = Files.createDirectory(dir.resolve("taken"));

        UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> report().write(directory));
        assertTrue(e.getMessage().contains(directory.toString()), e.getMessage());
    }

    @Test
    void anEmptyReportIsStillAPage() {
        String html = HtmlReport.builder("nothing").build();

        assertTrue(html.contains("<h1>nothing</h1>"));
        assertFalse(html.contains("<table"));
        assertTrue(html.strip().endsWith("</html>"));
    }
}
