package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;

class LatencyHistogramsTest {
    private final ManualSliceClock clock = new ManualSliceClock();

    private LatencyHistograms histograms(int retainedSlices) {
        return LatencyHistograms.create(Duration.ofSeconds(1), retainedSlices, clock);
    }

    /// Advances the fake clock by one interval and closes the slice, as the ticker would.
    private void tick(LatencyHistograms histograms) {
        clock.advance(Duration.ofSeconds(1));
        histograms.rotate();
    }

    @Test
    void countsEveryValueRecordedFromSeveralThreads() throws Exception {
        // More retained slices than ticks below, so that the window holds every value too.
        var histograms = histograms(32);
        Recorder request = histograms.recorder("request");
        int threads = 4;
        int valuesPerThread = 50_000;
        var startTogether = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            writers.add(Thread.ofPlatform().start(() -> {
                try {
                    startTogether.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < valuesPerThread; i++) {
                    request.recordValue(1 + (i * 7L + offset) % 5_000_000);
                    histograms.countStatus(i % 10 == 0 ? 422 : 200);
                }
            }));
        }
        startTogether.countDown();
        // Snapshots and rotations while the writers run must neither lose nor double-count values.
        for (int i = 0; i < 20; i++) {
            histograms.snapshot(Duration.ofSeconds(5));
            tick(histograms);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        Snapshot snapshot = histograms.snapshot(Duration.ofSeconds(60));
        long total = (long) threads * valuesPerThread;
        assertEquals(total, snapshot.histograms().get("request").run().getTotalCount());
        assertEquals(total, snapshot.histograms().get("request").window().getTotalCount());
        assertEquals(Map.of(200, total * 9 / 10, 422, total / 10), snapshot.requestsByStatus());
    }

    @Test
    void countsEveryValueRecordedThroughTheStripesFromManyThreads() throws Exception {
        var histograms = histograms(64);
        // Platform and virtual threads, more of them than this machine has stripes.
        int threads = 40;
        int requestsPerThread = 5_000;
        var startTogether = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread.Builder builder = t % 2 == 0 ? Thread.ofPlatform() : Thread.ofVirtual();
            writers.add(builder.start(() -> {
                try {
                    startTogether.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                for (int i = 0; i < requestsPerThread; i++) {
                    long micros = 1 + i * 7L + offset;
                    histograms.recordQueueWait(i % 3);
                    histograms.recordChunkValidate(micros / 2);
                    // Every fourth request was answered with a problem: no ttfb, no rows.
                    boolean problem = i % 4 == 0;
                    histograms.recordRequest(micros, problem ? -1 : micros / 4, problem ? -1 : i);
                }
            }));
        }
        startTogether.countDown();
        for (int i = 0; i < 30; i++) {
            histograms.snapshot(Duration.ofSeconds(5));
            tick(histograms);
        }
        for (Thread writer : writers) {
            writer.join();
        }
        Snapshot snapshot = histograms.snapshot(Duration.ofMinutes(2));
        long total = (long) threads * requestsPerThread;
        Map<String, Long> expected = Map.of("request", total, "ttfb", total * 3 / 4, "rows", total * 3 / 4,
                "chunk_validate", total, "queue_wait", total);
        expected.forEach((name, count) -> {
            assertEquals(count, snapshot.histograms().get(name).run().getTotalCount(), name + " run");
            assertEquals(count, snapshot.histograms().get(name).window().getTotalCount(), name + " window");
        });
        Histogram requests = snapshot.histograms().get("request").run();
        long largest = 1 + (requestsPerThread - 1) * 7L + threads - 1;
        assertEquals(requests.highestEquivalentValue(largest), requests.getMaxValue());
        assertEquals(2, snapshot.histograms().get("queue_wait").run().getMaxValue());
    }

    @Test
    void aRequestsValuesGoToTheirNamesAndSlices() {
        var histograms = histograms(3);
        histograms.recordRequest(900, 300, 20);
        histograms.recordChunkValidate(40);
        tick(histograms);
        histograms.recordRequest(1_800, -1, -1);
        histograms.recordQueueWait(0);

        Map<String, Snapshot.Series> lastSlice = histograms.snapshot(Duration.ZERO).histograms();
        assertEquals(1, lastSlice.get("request").window().getTotalCount());
        assertEquals(1_800, lastSlice.get("request").window().getMaxValue());
        assertEquals(0, lastSlice.get("ttfb").window().getTotalCount());
        assertEquals(0, lastSlice.get("rows").window().getTotalCount());
        assertEquals(0, lastSlice.get("chunk_validate").window().getTotalCount());
        assertEquals(1, lastSlice.get("queue_wait").window().getTotalCount());

        Map<String, Snapshot.Series> both = histograms.snapshot(Duration.ofSeconds(1)).histograms();
        assertEquals(2, both.get("request").window().getTotalCount());
        assertEquals(300, both.get("ttfb").run().getMaxValue());
        assertEquals(20, both.get("rows").run().getMaxValue());
        assertEquals(40, both.get("chunk_validate").run().getMaxValue());
        // The recorder and the stripes feed the same series.
        histograms.recorder("request").recordValue(5);
        assertEquals(3, histograms.snapshot(Duration.ZERO).histograms().get("request").run().getTotalCount());
    }

    @Test
    void aWindowOfSeveralSlicesHoldsExactlyTheValuesRecorded() {
        // Completed slices are kept encoded: the window decoded from them must equal, bucket for
        // bucket, a histogram of the same values (here log-spread, so thousands of buckets).
        var histograms = histograms(4);
        Histogram expected = new Histogram(3);
        long value = 1;
        for (int slice = 0; slice < 4; slice++) {
            for (int i = 0; i < 20_000; i++) {
                value = value * 1_103_515_245L + 12_345;
                long micros = 1 + Math.floorMod(value, 1L << (4 + (i % 28)));
                histograms.recordRequest(micros, -1, -1);
                expected.recordValue(micros);
            }
            tick(histograms);
        }
        Histogram window = histograms.snapshot(Duration.ofSeconds(4)).histograms().get("request").window();
        assertEquals(expected, window);
        // One slice fewer is missing exactly the first slice's values.
        assertEquals(60_000, histograms.snapshot(Duration.ofSeconds(3)).histograms().get("request").window().getTotalCount());
    }

    @Test
    void resetDropsValuesStillInTheStripes() {
        var histograms = histograms(12);
        histograms.recordRequest(1_000, 10, 3);
        tick(histograms);
        histograms.recordChunkValidate(70);

        histograms.reset();

        histograms.snapshot(Duration.ofSeconds(60)).histograms().forEach((name, series) ->
                assertEquals(0, series.run().getTotalCount(), name));
        histograms.recordChunkValidate(80);
        Histogram run = histograms.snapshot(Duration.ofSeconds(60)).histograms().get("chunk_validate").run();
        assertEquals(1, run.getTotalCount());
        assertEquals(80, run.getMaxValue());
    }

    @Test
    void windowHoldsOnlyTheRecentSlices() {
        var histograms = histograms(3);
        Recorder ttfb = histograms.recorder("ttfb");
        // Slice k holds k values of k*100 µs, so each count identifies its slice.
        for (int slice = 1; slice <= 5; slice++) {
            for (int i = 0; i < slice; i++) {
                ttfb.recordValue(slice * 100L);
            }
            tick(histograms);
        }
        ttfb.recordValue(600);
        ttfb.recordValue(600);
        clock.advance(Duration.ofMillis(400));

        Snapshot current = histograms.snapshot(Duration.ZERO);
        assertEquals(2, current.histograms().get("ttfb").window().getTotalCount());
        assertEquals(Duration.ofMillis(400), current.window());

        Snapshot lastTwo = histograms.snapshot(Duration.ofMillis(1500));
        Histogram window = lastTwo.histograms().get("ttfb").window();
        assertEquals(2 + 5 + 4, window.getTotalCount(), "current + slices 5 and 4");
        assertEquals(400, window.getMinValue());
        assertEquals(Duration.ofMillis(2400), lastTwo.window());

        Snapshot beyondRetention = histograms.snapshot(Duration.ofSeconds(30));
        assertEquals(2 + 5 + 4 + 3, beyondRetention.histograms().get("ttfb").window().getTotalCount(),
                "only 3 completed slices are retained");
        assertEquals(Duration.ofMillis(3400), beyondRetention.window());
        assertEquals(1 + 2 + 3 + 4 + 5 + 2, beyondRetention.histograms().get("ttfb").run().getTotalCount());
        assertEquals(Duration.ofMillis(3400), histograms.snapshot(Duration.ofDays(365_000)).window());
    }

    @Test
    void aWindowCoversOnlyTheHistorySinceTheLastReset() {
        var histograms = histograms(12);
        tick(histograms);
        tick(histograms);
        histograms.reset();
        tick(histograms);
        // An upstream first used now has no completed slices; the window is still measured globally.
        histograms.recorder("upstream.geo").recordValue(300);
        clock.advance(Duration.ofMillis(250));
        Snapshot snapshot = histograms.snapshot(Duration.ofSeconds(10));
        assertEquals(Duration.ofMillis(1250), snapshot.window());
        assertEquals(1, snapshot.histograms().get("upstream.geo").window().getTotalCount());
    }

    @Test
    void resetZeroesEverythingAndDropsValuesNotYetDrained() {
        var histograms = histograms(12);
        histograms.recorder("request").recordValue(1_000);
        histograms.recorder("upstream.geo").recordValue(2_000);
        histograms.countStatus(200);
        tick(histograms);
        histograms.recorder("rows").recordValue(42);
        histograms.countStatus(500);
        histograms.countStreamError("overloaded");
        assertEquals(Map.of("overloaded", 1L), histograms.snapshot(Duration.ZERO).streamErrors());

        histograms.reset();

        Snapshot snapshot = histograms.snapshot(Duration.ofSeconds(60));
        snapshot.histograms().forEach((name, series) -> {
            assertEquals(0, series.run().getTotalCount(), name + " run");
            assertEquals(0, series.window().getTotalCount(), name + " window");
        });
        assertEquals(Map.of(), snapshot.requestsByStatus());
        assertEquals(Map.of(), snapshot.streamErrors());
        assertTrue(snapshot.histograms().containsKey("upstream.geo"), "names survive a reset");

        histograms.recorder("request").recordValue(7);
        histograms.countStatus(200);
        histograms.countStreamError("max_errors");
        Snapshot after = histograms.snapshot(Duration.ofSeconds(60));
        assertEquals(Map.of("max_errors", 1L), after.streamErrors());
        assertEquals(1, after.histograms().get("request").run().getTotalCount());
        assertEquals(7, after.histograms().get("request").run().getMaxValue());
        assertEquals(Map.of(200, 1L), after.requestsByStatus());
    }

    @Test
    void listsFixedNamesFirstThenUpstreamsCreatedOnFirstUse() {
        var histograms = histograms(12);
        Recorder geo = histograms.recorder("upstream.geo");
        histograms.recorder("upstream.crm-v2");
        assertSame(geo, histograms.recorder("upstream.geo"));
        assertSame(histograms.recorder("request"), histograms.recorder("request"));
        assertEquals(List.of("request", "ttfb", "rows", "chunk_validate", "queue_wait", "upstream.crm-v2", "upstream.geo"),
                List.copyOf(histograms.snapshot(Duration.ZERO).histograms().keySet()));
    }

    @Test
    void rejectsUnknownNamesAndStatuses() {
        var histograms = histograms(12);
        assertThrows(IllegalArgumentException.class, () -> histograms.recorder("latency"));
        assertThrows(IllegalArgumentException.class, () -> histograms.recorder("upstream."));
        assertThrows(IllegalArgumentException.class, () -> histograms.recorder("upstream.a b"));
        assertThrows(IllegalArgumentException.class, () -> histograms.recorder("upstream.a,b"));
        assertThrows(IllegalArgumentException.class, () -> histograms.countStatus(99));
        assertThrows(IllegalArgumentException.class, () -> histograms.countStatus(600));
        assertThrows(IllegalArgumentException.class, () -> histograms.snapshot(Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> LatencyHistograms.create(Duration.ZERO));
    }

    @Test
    void keepsValuesFromOneMicrosecondToBeyondAnHour() {
        var histograms = histograms(12);
        Recorder request = histograms.recorder("request");
        request.recordValue(1);
        long twoHoursMicros = Duration.ofHours(2).toNanos() / 1000;
        request.recordValue(twoHoursMicros);
        Histogram run = histograms.snapshot(Duration.ZERO).histograms().get("request").run();
        assertEquals(1, run.getMinValue());
        assertEquals(run.highestEquivalentValue(twoHoursMicros), run.getMaxValue());
    }

    @Test
    void snapshotsAreCopiesUnaffectedByLaterRecording() {
        var histograms = histograms(12);
        histograms.recorder("queue_wait").recordValue(5);
        Snapshot before = histograms.snapshot(Duration.ofSeconds(10));
        histograms.recorder("queue_wait").recordValue(6);
        histograms.snapshot(Duration.ofSeconds(10));
        assertEquals(1, before.histograms().get("queue_wait").run().getTotalCount());
        assertEquals(1, before.histograms().get("queue_wait").window().getTotalCount());
    }
}
