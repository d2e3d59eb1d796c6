package dev.fanout.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.bench.SweepPoint;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;

class SweepChartTest {
    private static final double SLO_US = 50_000;
    private static final String SLO_LABEL = "SLO p99 ≤ 50 ms";

    private static SweepPoint step(double rate, double p50Ms, double p99Ms, double p999Ms, boolean met) {
        return new SweepPoint(rate, rate, p50Ms * 1_000, p99Ms * 1_000, p999Ms * 1_000, ((long) rate) * 10, 0, met);
    }

    // Latency grows with the rate; 5,000 req/s misses the SLO, and so does 6,000, which only
    // achieved 5,200.
    private static final List<SweepPoint> SWEEP = List.of(
            step(1_000, 2, 8, 12, true),
            step(2_000, 3, 10, 16, true),
            step(3_000, 4, 18, 30, true),
            step(4_000, 6, 35, 60, true),
            step(5_000, 12, 80, 140, false),
            new SweepPoint(6_000, 5_200, 20_000, 150_000, 190_000, 52_000, 31, false));

    private static ParsedSvg chart(List<SweepPoint> points) {
        return ParsedSvg.parse(SweepChart.svg("Latency vs throughput", points, SLO_US, SLO_LABEL));
    }

    @Test
    void drawsALineWithMarkersForEachPercentile() {
        ParsedSvg parsed = chart(SWEEP);

        List<Element> lines = parsed.withClass("series");
        assertEquals(3, lines.size());
        assertTrue(lines.stream().allMatch(line -> line.getTagName().equals("polyline")));
        assertTrue(lines.stream().allMatch(line -> ParsedSvg.points(line).size() == SWEEP.size()));
        assertEquals(List.of("p50", "p99", "p99.9", "missed the SLO"), parsed.texts("legend"));
        assertEquals(3 * SWEEP.size(), parsed.withClass("marker").size());
    }

    @Test
    void aMarkerIsWhereTheScalesSay() {
        ParsedSvg parsed = chart(SWEEP);

        // The p99 of 2,000 req/s is 10 ms.
        Element marker = parsed.withClass("p99").stream()
                .filter(e -> e.getTagName().equals("rect"))
                .toList()
                .get(1);
        double x = Double.parseDouble(marker.getAttribute("x")) + 4;
        double y = Double.parseDouble(marker.getAttribute("y")) + 4;
        assertEquals(parsed.xOfTick("2,000"), x, 0.01);
        assertEquals(parsed.yOfTick("0 ms") + (parsed.yOfTick("100 ms") - parsed.yOfTick("0 ms")) / 10, y, 0.01);
    }

    @Test
    void theCapacityIsTheFastestStepThatMetTheSlo() {
        ParsedSvg parsed = chart(SWEEP);

        assertEquals(List.of("capacity: 4,000 req/s"), parsed.texts("capacity"));
        Element line = parsed.withClass("capacity-line").getFirst();
        assertEquals(parsed.xOfTick("4,000"), Double.parseDouble(line.getAttribute("x1")), 0.01);
    }

    @Test
    void theCapacityIsByAchievedRateNotByOrder() {
        List<SweepPoint> points = List.of(
                new SweepPoint(1_000, 1_000, 1_000, 2_000, 3_000, 10_000, 0, true),
                new SweepPoint(3_000, 2_950, 1_000, 2_000, 3_000, 30_000, 0, true),
                new SweepPoint(4_000, 2_500.4, 1_000, 2_000, 3_000, 25_000, 0, true));

        assertEquals(List.of("capacity: 2,950 req/s"), chart(points).texts("capacity"));
    }

    @Test
    void stepsThatMissedTheSloHaveHollowVermillionMarkers() {
        ParsedSvg parsed = chart(SWEEP);

        List<Element> failed = parsed.withClass("fail");
        assertEquals(3 * 2, failed.size());
        for (Element marker : failed) {
            assertEquals("white", marker.getAttribute("fill"));
            assertEquals(Palette.VERMILLION, marker.getAttribute("stroke"));
        }
        List<Element> met = parsed.withClass("marker").stream().filter(m -> !failed.contains(m)).toList();
        assertEquals(3 * 4, met.size());
        assertTrue(met.stream().noneMatch(m -> m.getAttribute("fill").equals("white")));
    }

    @Test
    void theSloIsADashedLineWithItsLabel() {
        ParsedSvg parsed = chart(SWEEP);

        Element slo = parsed.withClass("slo").getFirst();
        assertTrue(!slo.getAttribute("stroke-dasharray").isEmpty());
        assertEquals(slo.getAttribute("y1"), slo.getAttribute("y2"));
        double zero = parsed.yOfTick("0 ms");
        double hundred = parsed.yOfTick("100 ms");
        assertEquals(zero + (hundred - zero) / 2, Double.parseDouble(slo.getAttribute("y1")), 0.01);
        assertEquals(List.of(SLO_LABEL), parsed.texts("slo-label"));
    }

    @Test
    void escapesTheSloLabelAndTitle() {
        String svg = SweepChart.svg("a <b> & \"c\"", SWEEP, SLO_US, "p99 < 50 ms & \"tight\"");
        ParsedSvg parsed = ParsedSvg.parse(svg);

        assertEquals(List.of("p99 < 50 ms & \"tight\""), parsed.texts("slo-label"));
        assertEquals(List.of("a <b> & \"c\""), parsed.texts("title"));
    }

    @Test
    void latenciesFarAboveTheSloAreDrawnAtTheTopEdge() {
        List<SweepPoint> points = List.of(step(1_000, 2, 8, 12, true), step(2_000, 900, 20_000, 30_000, false));
        ParsedSvg parsed = chart(points);

        // The axis stops near four times the SLO (200 ms), not at 30 s.
        List<String> ticks = parsed.texts("ytick");
        assertEquals("250 ms", ticks.getLast());
        List<Element> offScale = parsed.withClass("off-scale");
        assertEquals(3, offScale.size());
        double top = parsed.yOfTick("250 ms");
        for (Element marker : offScale) {
            List<double[]> corners = ParsedSvg.points(marker);
            assertEquals(top, corners.stream().mapToDouble(c -> c[1]).max().orElseThrow() - 4, 0.01);
        }
        assertTrue(parsed.texts("legend").contains("above 250 ms (drawn at the top)"));
    }

    @Test
    void withoutAStepThatMetTheSloSaysSo() {
        List<SweepPoint> points = List.of(step(1_000, 60, 80, 90, false));

        ParsedSvg parsed = chart(points);
        assertEquals(List.of("capacity: no step met the SLO"), parsed.texts("capacity"));
        assertTrue(parsed.withClass("capacity-line").isEmpty());
    }

    @Test
    void oneStepIsMarkersWithoutCrashing() {
        ParsedSvg parsed = chart(List.of(step(500, 1, 2, 3, true)));

        assertEquals(3, parsed.withClass("series").size());
        assertEquals(3, parsed.withClass("marker").size());
        assertEquals(List.of("capacity: 500 req/s"), parsed.texts("capacity"));
    }

    @Test
    void noStepsSayNoData() {
        for (List<SweepPoint> points : List.of(List.<SweepPoint>of(),
                List.of(new SweepPoint(100, Double.NaN, 1, 2, 3, 0, 0, false)))) {
            ParsedSvg parsed = chart(points);
            assertEquals(List.of("no data"), parsed.texts("no-data"));
            assertTrue(parsed.withClass("series").isEmpty());
        }
    }

    @Test
    void missingValuesAndAMissingSloAreLeftOut() {
        List<SweepPoint> points = List.of(
                new SweepPoint(1_000, 1_000, 2_000, Double.NaN, 9_000, 10_000, 0, true),
                new SweepPoint(2_000, 2_000, 3_000, 7_000, Double.NaN, 20_000, 0, true));

        ParsedSvg parsed = ParsedSvg.parse(SweepChart.svg("no SLO", points, Double.NaN, null));
        assertEquals(List.of(2, 1, 1), parsed.withClass("series").stream().map(l -> ParsedSvg.points(l).size())
                .toList());
        assertTrue(parsed.withClass("slo").isEmpty());
        assertTrue(parsed.withClass("slo-label").isEmpty());
    }

    @Test
    void ratesReadAsPeopleWriteThem() {
        assertEquals("4,000", SweepChart.rate(4_000));
        assertEquals("12.5", SweepChart.rate(12.5));
        assertEquals("0.25", SweepChart.rate(0.25));
    }
}
