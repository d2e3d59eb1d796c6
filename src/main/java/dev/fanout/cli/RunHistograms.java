package dev.fanout.cli;

import dev.fanout.engine.RunOutcome;
import dev.fanout.metrics.LatencyHistograms;
import dev.fanout.metrics.ValidationMetrics;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;

/// The histograms of one `fanout validate` run with `--histogram-log FILE`: the same names as the
/// server's (`request` = the whole run, `ttfb` = to the first NDJSON byte, `rows`,
/// `chunk_validate`, `queue_wait`), written to the `.hlog` in one-second intervals and a last
/// partial one when the run ends. Without `--histogram-log` it records nothing.
final class RunHistograms implements AutoCloseable {
    private static final Duration INTERVAL = Duration.ofSeconds(1);

    private final LatencyHistograms histograms;
    private final ValidationMetrics metrics;
    private volatile long firstByteNanos;

    private RunHistograms(LatencyHistograms histograms) {
        this.histograms = histograms;
        this.metrics = histograms == null ? ValidationMetrics.DISABLED : new ValidationMetrics(histograms);
    }

    /// Starts recording to `hlog`, or nothing when it is null.
    static RunHistograms open(Path hlog) {
        if (hlog == null) {
            return new RunHistograms(null);
        }
        var histograms = LatencyHistograms.create(INTERVAL);
        try {
            histograms.logTo(hlog);
        } catch (RuntimeException e) {
            histograms.close();
            throw new CliFailure("cannot write the histogram log " + hlog + ": " + e.getMessage(), e);
        }
        histograms.start();
        return new RunHistograms(histograms);
    }

    ValidationMetrics metrics() {
        return metrics;
    }

    /// `out`, noting when its first byte is written.
    OutputStream watchFirstByte(OutputStream out) {
        if (histograms == null) {
            return out;
        }
        return new FilterOutputStream(out) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (firstByteNanos == 0 && len > 0) {
                    firstByteNanos = System.nanoTime();
                }
                out.write(b, off, len);
            }
        };
    }

    /// A new run (file) begins: its first byte is still to come.
    void runStarted() {
        firstByteNanos = 0;
    }

    /// Records the run as one request: status 200 when its output ended normally, else 500.
    void runDone(long startNanos, RunOutcome outcome) {
        metrics.requestDone(outcome.failed() && !outcome.stoppedAtMaxErrors() ? 500 : 200, startNanos, firstByteNanos,
                outcome.summary().rows(), outcome.error().map(e -> e.code().wireName()));
    }

    /// Writes the last interval and closes the log.
    @Override
    public void close() {
        if (histograms != null) {
            histograms.close();
        }
    }
}
