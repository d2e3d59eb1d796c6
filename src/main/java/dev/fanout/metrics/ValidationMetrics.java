package dev.fanout.metrics;

import dev.fanout.engine.EngineMetrics;
import org.HdrHistogram.Recorder;

/// What one validation records — a `/v1/validate` request or a `fanout validate` run: its latency
/// to the last byte (`request`) and to the first NDJSON byte (`ttfb`), its row count (`rows`), its
/// status; and, as the engine's `EngineMetrics`, each chunk's validation time and wait for a
/// worker. The recorders are fetched once, so recording is wait-free and allocation-free.
/// `DISABLED` records nothing (`fanout.histograms.enabled: false`), to measure what recording
/// costs. Thread-safe.
public final class ValidationMetrics implements EngineMetrics {
    /// Records nothing.
    public static final ValidationMetrics DISABLED = new ValidationMetrics(null);

    private final LatencyHistograms histograms;
    private final Recorder request;
    private final Recorder ttfb;
    private final Recorder rows;
    private final Recorder chunkValidate;
    private final Recorder queueWait;

    /// Records into `histograms`.
    public ValidationMetrics(LatencyHistograms histograms) {
        this.histograms = histograms;
        boolean on = histograms != null;
        this.request = on ? histograms.recorder("request") : null;
        this.ttfb = on ? histograms.recorder("ttfb") : null;
        this.rows = on ? histograms.recorder("rows") : null;
        this.chunkValidate = on ? histograms.recorder("chunk_validate") : null;
        this.queueWait = on ? histograms.recorder("queue_wait") : null;
    }

    /// Records a finished validation that started at `startNanos` (`System.nanoTime()`).
    /// `firstByteNanos` and `rowCount` are absent (0 and -1) for a request answered with a problem.
    public void requestDone(int status, long startNanos, long firstByteNanos, long rowCount) {
        if (histograms == null) {
            return;
        }
        long endNanos = System.nanoTime();
        request.recordValue(micros(endNanos - startNanos));
        if (firstByteNanos != 0) {
            ttfb.recordValue(micros(firstByteNanos - startNanos));
        }
        if (rowCount >= 0) {
            rows.recordValue(rowCount);
        }
        histograms.countStatus(status);
    }

    @Override
    public void chunkValidated(long elapsedNanos) {
        if (histograms != null) {
            chunkValidate.recordValue(micros(elapsedNanos));
        }
    }

    @Override
    public void queueWaited(long elapsedNanos) {
        if (histograms != null) {
            queueWait.recordValue(micros(elapsedNanos));
        }
    }

    private static long micros(long nanos) {
        return Math.max(0, nanos / 1000);
    }
}
