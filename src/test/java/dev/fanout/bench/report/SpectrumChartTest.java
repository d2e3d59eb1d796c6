package dev.fanout.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class SpectrumChartTest {
    private static Histogram uniform(long fromUs, long toUs) {
        Histogram histogram = new Histogram(3);
        for (long us = fromUs; us <= toUs; us++) {
            histogram.recordValue(us);
        }
        return histogram;
    }

    private static Histogram constant(long valueUs, long count) {
        Histogram histogram = new Histogram(3);
        histogram.recordValueWithCount(valueUs, count);
        return histogram;
    }

    private static ParsedSvg chart(SpectrumSeries... series) {
        return ParsedSvg.parse(SpectrumChart.svg("Latency by percentile", List.of(series)));
    }

    @Test
    void drawsOnePolylinePerSeriesAndEscapesTheirLabelsInTheLegend() {
        String awkward = "tail <&> \"quoted\" 'single'";
        String svg = SpectrumChart.svg("rounds <1 & 2>", List.of(
                new SpectrumSeries("round 1", uniform(1, 1_000)),
                new SpectrumSeries("round 2", uniform(500, 2_000)),
                new SpectrumSeries(awkward, uniform(100, 5_000))));
        ParsedSvg parsed = ParsedSvg.parse(svg);

        List<Element> lines = parsed.withClass("series");
        assertEquals(3, lines.size());
        assertTrue(lines.stream().allMatch(line -> line.getTagName().equals("polyline")));
        assertEquals(List.of("round 1", "round 2", awkward), parsed.texts("legend"));
        assertEquals(List.of("rounds <1 & 2>"), parsed.texts("title"));
        assertTrue(svg.contains("tail &lt;&amp;&gt; &quot;quoted&quot; &#39;single&#39;"), svg);
        // Each series in its own colour, the legend's swatch in the same one.
        List<String> colours = lines.stream().map(line -> line.getAttribute("stroke")).toList();
        assertEquals(3, colours.stream().distinct().count(), colours.toString());
    }

    @Test
    void charactersXmlCannotCarryBecomeReplacementCharacters() {
        ParsedSvg parsed = chart(new SpectrumSeries("bell\u0007 and half \uD800 a pair \uD83D\uDE80", uniform(1, 10)));

        assertEquals(List.of("bell\uFFFD and half \uFFFD a pair \uD83D\uDE80"), parsed.texts("legend"));
    }

    @Test
    void ticksForOneToTenThousandMicrosecondsAreMillisecondsAndFourNines() {
        ParsedSvg parsed = chart(new SpectrumSeries("run", uniform(1, 10_000)));

        assertEquals(List.of("0 ms", "2 ms", "4 ms", "6 ms", "8 ms", "10 ms", "12 ms"), parsed.texts("ytick"));
        assertEquals(List.of("50%", "0%", "90%", "99%", "99.9%", "99.99%"), parsed.texts("xtick"));
    }

    @Test
    void theXAxisEndsWhereTheLargestHistogramStopsResolvingPercentiles() {
        // n values resolve percentiles up to 1 - 1/n: 1,000 values reach 99.9%, 999 do not.
        assertTrue(chart(new SpectrumSeries("a", constant(100, 1_000))).texts("xtick").contains("99.9%"));
        assertFalse(chart(new SpectrumSeries("a", constant(100, 999))).texts("xtick").contains("99.9%"));
        // The largest series decides, whatever its place in the list.
        assertTrue(chart(new SpectrumSeries("small", constant(100, 10)),
                new SpectrumSeries("large", constant(100, 100_000))).texts("xtick").contains("99.999%"));
        // At least to 90%, at most to 99.9999%.
        assertEquals(List.of("50%", "0%", "90%"), chart(new SpectrumSeries("a", constant(100, 1))).texts("xtick"));
        List<String> many = chart(new SpectrumSeries("a", constant(100, 1_000_000_000L))).texts("xtick");
        assertEquals("99.9999%", many.getLast());
    }

    @Test
    void aConstantLatencyIsAFlatLineAtItsLevelReachingTheRightEdge() {
        Histogram histogram = constant(5_000, 1_000);
        ParsedSvg parsed = chart(new SpectrumSeries("5 ms", histogram));

        List<double[]> points = ParsedSvg.points(parsed.withClass("series").getFirst());
        assertTrue(points.size() >= 2, "points: " + points.size());
        double zero = parsed.yOfTick("0 ms");
        double six = parsed.yOfTick("6 ms");
        // HdrHistogram reports a bucket's highest equivalent value: 5 ms is drawn at 5.003 ms.
        double expected = zero + (six - zero) * histogram.highestEquivalentValue(5_000) / 6_000.0;
        for (double[] point : points) {
            assertEquals(expected, point[1], 0.006, "y of " + point[0]);
            assertEquals(parsed.yOfTick("5 ms"), point[1], 0.5);
        }
        assertEquals(parsed.xOfTick("0%"), points.getFirst()[0], 0.006);
        // The last point is at 100%, infinitely far right on the nines axis: it is drawn at the end.
        assertEquals(parsed.xOfTick("99.9%"), points.getLast()[0], 0.006);
    }

    @Test
    void theNinetiethPercentileIsDrawnAtTheNinetyPercentTick() {
        Histogram histogram = uniform(1, 10_000);
        ParsedSvg parsed = chart(new SpectrumSeries("run", histogram));

        double x90 = parsed.xOfTick("90%");
        double[] at90 = ParsedSvg.points(parsed.withClass("series").getFirst()).stream()
                .filter(p -> Math.abs(p[0] - x90) < 0.006)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no point at x " + x90));
        double zero = parsed.yOfTick("0 ms");
        double ten = parsed.yOfTick("10 ms");
        double p90Us = histogram.getValueAtPercentile(90);
        assertEquals(zero + (ten - zero) * p90Us / 10_000, at90[1], 0.006);
    }

    @Test
    void unitsFitTheData() {
        assertEquals(List.of("0 µs", "50 µs", "100 µs", "150 µs", "200 µs", "250 µs"),
                chart(new SpectrumSeries("a", uniform(10, 240))).texts("ytick"));
        assertEquals(List.of("0.0 ms", "0.2 ms", "0.4 ms", "0.6 ms", "0.8 ms", "1.0 ms"),
                chart(new SpectrumSeries("a", uniform(100, 900))).texts("ytick"));
        assertEquals(List.of("0 s", "1 s", "2 s", "3 s", "4 s", "5 s"),
                chart(new SpectrumSeries("a", constant(4_500_000, 10))).texts("ytick"));
    }

    @Test
    void noSeriesOrOnlyEmptyHistogramsSayNoData() {
        for (String svg : List.of(SpectrumChart.svg("empty", List.of()),
                SpectrumChart.svg("empty", List.of(new SpectrumSeries("a", new Histogram(3)))))) {
            ParsedSvg parsed = ParsedSvg.parse(svg);
            assertEquals(List.of("no data"), parsed.texts("no-data"));
            assertTrue(parsed.withClass("series").isEmpty());
            assertEquals(List.of("empty"), parsed.texts("title"));
        }
    }

    @Test
    void anEmptySeriesBesideOthersKeepsItsLegendEntryButDrawsNoLine() {
        ParsedSvg parsed = chart(new SpectrumSeries("empty", new Histogram(3)),
                new SpectrumSeries("full", uniform(1, 100)));

        assertEquals(List.of("empty", "full"), parsed.texts("legend"));
        assertEquals(1, parsed.withClass("series").size());
    }

    @Test
    void allZeroLatenciesAreAFlatLineOnTheXAxis() {
        ParsedSvg parsed = chart(new SpectrumSeries("zero", constant(0, 100)));

        double zero = parsed.yOfTick("0.0 ms");
        assertTrue(ParsedSvg.points(parsed.withClass("series").getFirst()).stream()
                .allMatch(p -> Math.abs(p[1] - zero) < 0.006));
    }

    @Test
    void hasTheSizeAndViewBoxOfAStandaloneDocument() {
        var root = chart(new SpectrumSeries("a", uniform(1, 100))).root();

        assertEquals("http://www.w3.org/2000/svg", root.getAttribute("xmlns"));
        assertEquals("800", root.getAttribute("width"));
        assertEquals("0 0 800 " + root.getAttribute("height"), root.getAttribute("viewBox"));
        assertEquals("sans-serif", root.getAttribute("font-family"));
    }
}
