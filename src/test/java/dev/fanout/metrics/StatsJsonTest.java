package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;

class StatsJsonTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ORDERED_FIELDS =
            List.of("min", "p50", "p90", "p99", "p999", "p9999", "max");

    private static JsonNode render(LatencyHistograms histograms, Duration window) throws Exception {
        return JSON.readTree(StatsJson.render(histograms.snapshot(window)));
    }

    @Test
    void laysOutRunAndWindowPerHistogramWithCountsByStatus() throws Exception {
        var histograms = LatencyHistograms.create(Duration.ofSeconds(1));
        Recorder request = histograms.recorder("request");
        for (long micros = 1; micros <= 1000; micros++) {
            request.recordValue(micros);
        }
        histograms.recorder("upstream.geo").recordValue(250);
        histograms.countStatus(200);
        histograms.countStatus(200);
        histograms.countStatus(422);
        histograms.countStreamError("too_many_keys");

        JsonNode stats = render(histograms, Duration.ofSeconds(10));

        assertTrue(stats.get("windowSeconds").isNumber());
        assertEquals(List.of("request", "ttfb", "rows", "chunk_validate", "queue_wait", "upstream.geo"),
                List.copyOf(iterable(stats.get("histograms").fieldNames())));
        JsonNode run = stats.at("/histograms/request/run");
        assertEquals(List.of("count", "min", "mean", "p50", "p90", "p99", "p999", "p9999", "max"),
                List.copyOf(iterable(run.fieldNames())));
        assertEquals(1000, run.get("count").asLong());
        assertEquals(1, run.get("min").asLong());
        assertEquals("500.5", run.get("mean").asText());
        assertEquals(500, run.get("p50").asLong());
        assertEquals(990, run.get("p99").asLong());
        assertEquals(1000, run.get("max").asLong());
        assertTrue(run.get("p99").isIntegralNumber());
        assertEquals(run, stats.at("/histograms/request/window"));
        assertEquals("us", stats.at("/histograms/request/unit").asText());
        assertEquals("rows", stats.at("/histograms/rows/unit").asText());
        assertEquals(JSON.readTree("{\"200\":2,\"422\":1}"), stats.get("requests"));
        assertEquals(JSON.readTree("{\"too_many_keys\":1}"), stats.get("streamErrors"));
        assertEquals(List.of("windowSeconds", "histograms", "requests", "streamErrors"), List.copyOf(iterable(stats.fieldNames())));
    }

    @Test
    void anEmptyHistogramIsAllZeros() throws Exception {
        JsonNode empty = render(LatencyHistograms.create(Duration.ofSeconds(1)), Duration.ofSeconds(10))
                .at("/histograms/ttfb/run");
        assertEquals(JSON.readTree("{\"count\":0,\"min\":0,\"mean\":0.0,\"p50\":0,\"p90\":0,\"p99\":0,"
                + "\"p999\":0,\"p9999\":0,\"max\":0}"), empty);
    }

    @Test
    void aLargeMeanIsWrittenWithoutAnExponent() {
        var histograms = LatencyHistograms.create(Duration.ofSeconds(1));
        histograms.recorder("request").recordValue(123_456_789);
        String text = new String(StatsJson.render(histograms.snapshot(Duration.ZERO)), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(text.matches(".*\"mean\":1234\\d{5}\\.\\d[,}].*"), text);
    }

    @Property(tries = 50)
    void percentilesNeverDecrease(@ForAll long seed, @ForAll @IntRange(min = 1, max = 5_000) int count) throws Exception {
        var random = new SplittableRandom(seed);
        var histograms = LatencyHistograms.create(Duration.ofSeconds(1));
        Recorder request = histograms.recorder("request");
        for (int i = 0; i < count; i++) {
            // Heavy-tailed, so that the high percentiles differ.
            request.recordValue((long) (50 * Math.exp(random.nextDouble() * 12)));
        }
        for (String section : List.of("run", "window")) {
            JsonNode summary = render(histograms, Duration.ofSeconds(10)).at("/histograms/request/" + section);
            assertEquals(count, summary.get("count").asLong());
            for (int i = 1; i < ORDERED_FIELDS.size(); i++) {
                long lower = summary.get(ORDERED_FIELDS.get(i - 1)).asLong();
                long upper = summary.get(ORDERED_FIELDS.get(i)).asLong();
                assertTrue(lower <= upper, ORDERED_FIELDS.get(i - 1) + " <= " + ORDERED_FIELDS.get(i) + ": " + summary);
            }
            double mean = summary.get("mean").asDouble();
            assertTrue(summary.get("min").asLong() <= mean && mean <= summary.get("max").asLong(), summary.toString());
        }
    }

    private static <T> List<T> iterable(java.util.Iterator<T> iterator) {
        List<T> list = new java.util.ArrayList<>();
        iterator.forEachRemaining(list::add);
        return list;
    }
}
