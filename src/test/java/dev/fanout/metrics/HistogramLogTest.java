package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistogramLogTest {
    @TempDir
    Path dir;

    /// Per tag, the sum of the intervals' counts; also checks each interval's timestamps.
    private static Map<String, Long> countsByTag(Path hlog) throws Exception {
        Map<String, Long> counts = new HashMap<>();
        try (var reader = new HistogramLogReader(hlog.toFile())) {
            EncodableHistogram interval;
            while ((interval = reader.nextIntervalHistogram()) != null) {
                Histogram histogram = (Histogram) interval;
                assertTrue(histogram.getStartTimeStamp() <= histogram.getEndTimeStamp(), "start <= end");
                assertTrue(histogram.getStartTimeStamp() > 1_600_000_000_000L, "absolute start time set");
                counts.merge(histogram.getTag(), histogram.getTotalCount(), Long::sum);
            }
        }
        return counts;
    }

    @Test
    void rotationsWriteOneTaggedIntervalPerNameThatTheReaderReadsBack() throws Exception {
        Path hlog = dir.resolve("fanout.hlog");
        var histograms = LatencyHistograms.create(Duration.ofSeconds(1));
        histograms.logTo(hlog);
        histograms.recorder("request").recordValue(1_500);
        histograms.recorder("request").recordValue(2_500);
        histograms.recorder("rows").recordValue(10);
        histograms.rotate();
        histograms.recorder("request").recordValue(3_500);
        histograms.recorder("upstream.geo").recordValue(900);
        histograms.rotate();
        // Recorded after the last rotation: close() writes the partial slice so nothing is lost.
        histograms.recorder("ttfb").recordValue(100);
        histograms.close();

        Map<String, Long> counts = countsByTag(hlog);
        assertEquals(Set.of("request", "ttfb", "rows", "chunk_validate", "queue_wait", "upstream.geo"), counts.keySet());
        assertEquals(3L, counts.get("request"));
        assertEquals(1L, counts.get("rows"));
        assertEquals(1L, counts.get("ttfb"));
        assertEquals(1L, counts.get("upstream.geo"));
        assertEquals(0L, counts.get("queue_wait"));
        String text = Files.readString(hlog);
        assertTrue(text.contains("#[StartTime: "), text);
        assertTrue(text.contains("#[BaseTime: "), text);
    }

    @Test
    void tickerWritesIntervalsUntilClosed() throws Exception {
        Path hlog = dir.resolve("ticker.hlog");
        var histograms = LatencyHistograms.create(Duration.ofMillis(20));
        histograms.logTo(hlog);
        histograms.start();
        long recorded = 0;
        // 30 ticks' worth, of which 3 are asked for: a ticker starved by a loaded machine (builds,
        // fuzzing beside the suite) still rotates that often.
        long deadlineNanos = System.nanoTime() + Duration.ofMillis(600).toNanos();
        while (System.nanoTime() < deadlineNanos) {
            histograms.recorder("request").recordValue(100 + recorded % 1000);
            recorded++;
            if (recorded % 1000 == 0) {
                Thread.sleep(1);
            }
        }
        histograms.close();

        long intervals = 0;
        long total = 0;
        try (var reader = new HistogramLogReader(hlog.toFile())) {
            EncodableHistogram interval;
            while ((interval = reader.nextIntervalHistogram()) != null) {
                if ("request".equals(interval.getTag())) {
                    intervals++;
                    total += ((Histogram) interval).getTotalCount();
                }
            }
        }
        assertEquals(recorded, total);
        assertTrue(intervals >= 3, "the ticker rotated: " + intervals + " intervals");
        assertThrows(IllegalStateException.class, histograms::start, "closed");
        // Recording and snapshots still work after close.
        histograms.recorder("request").recordValue(1);
        assertEquals(recorded + 1, histograms.snapshot(Duration.ZERO).histograms().get("request").run().getTotalCount());
    }

    @Test
    void refusesASecondLog() {
        var histograms = LatencyHistograms.create(Duration.ofSeconds(1));
        histograms.logTo(dir.resolve("a.hlog"));
        assertThrows(IllegalStateException.class, () -> histograms.logTo(dir.resolve("b.hlog")));
        histograms.close();
    }
}
