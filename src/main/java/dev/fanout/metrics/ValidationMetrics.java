package dev.fanout.metrics;

import dev.fanout.engine.EngineMetrics;
import java.util.Optional;

/// What one validation records — a `/v1/validate` request or a `fanout validate` run: its latency
/// to the last byte (`request`) and to the first NDJSON byte (`ttfb`), its row count (`rows`), its
/// status and the code of the error line it ended with; and, as the engine's `EngineMetrics`, each chunk's validation time and wait for a
/// worker. A request's three values go into the histograms in one call (one uncontended lock).
/// `DISABLED` records nothing (`fanout.histograms.enabled: false`), to measure what recording
/// costs. Thread-safe.
public final class ValidationMetrics implements EngineMetrics {
    /// Records nothing.
    public static final ValidationMetrics DISABLED = new ValidationMetrics(null);

    private final LatencyHistograms histograms;

    /// Records into `histograms`.
    public ValidationMetrics(LatencyHistograms histograms) {
        this.histograms = histograms;
    }

    /// Records a finished validation that started at `startNanos` (`System.nanoTime()`).
    /// `firstByteNanos` and `rowCount` are absent (0 and -1) for a request answered with a problem;
    /// `streamError` is the code of the error line its answer ended with, if it did.
    public void requestDone(int status, long startNanos, long firstByteNanos, long rowCount, Optional<String> streamError) {
        if (histograms == null) {
            return;
        }
        long endNanos = System.nanoTime();
        histograms.recordRequest(micros(endNanos - startNanos),
                firstByteNanos != 0 ? micros(firstByteNanos - startNanos) : -1, rowCount);
        histograms.countStatus(status);
        streamError.ifPresent(histograms::countStreamError);
    }

    @Override
    public void chunkValidated(long elapsedNanos) {
        if (histograms != null) {
            histograms.recordChunkValidate(micros(elapsedNanos));
        }
    }

    @Override
    public void queueWaited(long elapsedNanos) {
        if (histograms != null) {
            histograms.recordQueueWait(micros(elapsedNanos));
        }
    }

    private static long micros(long nanos) {
        return Math.max(0, nanos / 1000);
    }
}
