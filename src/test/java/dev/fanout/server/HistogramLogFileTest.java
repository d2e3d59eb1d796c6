package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.metrics.ManualSliceClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `fanout.histograms.log`: a real gateway writes its interval histograms to an `.hlog` that
/// HdrHistogram's own `HistogramLogReader` reads back, and once the server has stopped the log
/// holds every request, none twice.
class HistogramLogFileTest {
    static final int[] ROW_COUNTS = {1, 7, 30, 99, 640, 1500, 2, 12};
    static final long INTERVAL_MILLIS = 200;

    @TempDir
    Path dir;

    /// Every interval histogram of `hlog`, added up per tag; also counts the intervals per tag.
    record Totals(Map<String, Histogram> byTag, Map<String, Integer> intervals) {
    }

    static Totals read(Path hlog) throws Exception {
        Map<String, Histogram> byTag = new HashMap<>();
        Map<String, Integer> intervals = new HashMap<>();
        try (var reader = new HistogramLogReader(hlog.toFile())) {
            EncodableHistogram interval;
            long previousStart = 0;
            while ((interval = reader.nextIntervalHistogram()) != null) {
                var histogram = (Histogram) interval;
                assertTrue(histogram.getStartTimeStamp() <= histogram.getEndTimeStamp(), "start <= end");
                assertTrue(histogram.getStartTimeStamp() >= previousStart, "intervals in time order");
                previousStart = histogram.getStartTimeStamp();
                byTag.computeIfAbsent(histogram.getTag(), tag -> new Histogram(3)).add(histogram);
                intervals.merge(histogram.getTag(), 1, Integer::sum);
            }
        }
        return new Totals(byTag, intervals);
    }

    @Test
    void theLogOfAStoppedServerHoldsEveryRequestOnce() throws Exception {
        Path hlog = dir.resolve("fanout.hlog");
        var expectedRows = new Histogram(3);
        var clock = new ManualSliceClock();
        try (var gateway = TestGateway.start(dir, Map.of(
                "fanout.histograms.log", hlog.toString(),
                "fanout.histograms.interval", "PT0.2S",
                "fanout.engine.chunk-rows", "100"), clock)) {
            for (int i = 0; i < ROW_COUNTS.length; i++) {
                People.File file = People.file(1, ROW_COUNTS[i], People::mixed);
                var response = gateway.postCsv("/v1/validate?schema=people", file.csv());
                assertEquals(200, response.statusCode(), response::body);
                assertEquals(file.ndjsonAll(), response.body());
                expectedRows.recordValue(ROW_COUNTS[i]);
                if (i % 3 == 0) {
                    // Spread the requests over several intervals.
                    clock.advance(Duration.ofMillis(INTERVAL_MILLIS));
                }
            }
            // The last requests are in the partial slice, which only close() writes.
        }

        Totals totals = read(hlog);
        Histogram request = totals.byTag().get("request");
        Histogram rows = totals.byTag().get("rows");
        assertEquals(ROW_COUNTS.length, request.getTotalCount(), totals.byTag().keySet().toString());
        assertEquals(ROW_COUNTS.length, totals.byTag().get("ttfb").getTotalCount());
        assertEquals(ROW_COUNTS.length, rows.getTotalCount());
        assertEquals(expectedRows.getMinValue(), rows.getMinValue());
        assertEquals(expectedRows.getMaxValue(), rows.getMaxValue());
        assertEquals(expectedRows.getValueAtPercentile(50), rows.getValueAtPercentile(50));
        assertEquals(expectedRows.getMean(), rows.getMean(), 1e-9);
        long chunks = 0;
        for (int count : ROW_COUNTS) {
            chunks += (count + 99) / 100;
        }
        assertEquals(chunks, totals.byTag().get("chunk_validate").getTotalCount());
        // Written by the ticks as they came, not only at the end: several intervals per name.
        assertTrue(totals.intervals().get("request") >= 3, totals.intervals().toString());
        assertEquals(totals.intervals().get("request"), totals.intervals().get("rows"), totals.intervals().toString());
        String text = Files.readString(hlog);
        assertTrue(text.contains("#[StartTime: "), text);
        assertHistogramLogProcessorReads(hlog, ROW_COUNTS.length);
        assertTrue(text.contains("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\""),
                text);
    }

    /// HdrHistogram's own log tool reads the file: its summary of the `rows` tag counts every
    /// request once. The tool is a `Thread` whose `run` is its `main`: called here on purpose, so
    /// that it finishes, and any exception it throws fails the test, before the summary is read.
    @SuppressWarnings("DoNotCall")
    private void assertHistogramLogProcessorReads(Path hlog, int requests) throws Exception {
        Path out = dir.resolve("processed");
        var processor = new org.HdrHistogram.HistogramLogProcessor(new String[] {
            "-i", hlog.toString(), "-o", out.toString(), "-tag", "rows", "-outputValueUnitRatio", "1"});
        processor.run();
        String summary = Files.readString(Path.of(out + ".hgrm"));
        assertTrue(summary.matches("(?s).*Total count +=\\s+" + requests + "\\].*"), summary);
    }
}
