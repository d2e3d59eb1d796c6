package dev.fanout.bench;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/// The `--hlog` file of `fanout bench`: one-second interval histograms in HdrHistogram's log
/// format, in microseconds, tagged `latency` (from intended send times) and `uncorrected` (from
/// actual sends), readable by `HistogramLogProcessor` and `fanout stats`. Warm-up is not logged.
///
/// Written by one thread at a time (the generator's sampler, between rounds nobody).
public final class LatencyLog implements AutoCloseable {
    /// Tag of the coordinated-omission-corrected latency.
    public static final String LATENCY_TAG = "latency";
    /// Tag of the latency from each request's actual send.
    public static final String UNCORRECTED_TAG = "uncorrected";

    private final PrintStream stream;
    private final HistogramLogWriter writer;

    private LatencyLog(PrintStream stream) {
        this.stream = stream;
        this.writer = new HistogramLogWriter(stream);
        long now = System.currentTimeMillis();
        writer.outputComment("fanout bench latency: values in microseconds");
        writer.outputLogFormatVersion();
        writer.outputStartTime(now);
        writer.setBaseTime(now);
        writer.outputBaseTime(now);
        writer.outputLegend();
        stream.flush();
    }

    /// Creates (or truncates) `file`.
    public static LatencyLog create(Path file) {
        try {
            return new LatencyLog(new PrintStream(new BufferedOutputStream(new FileOutputStream(file.toFile())),
                    false, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file + ": " + e.getMessage(), e);
        }
    }

    synchronized void write(Histogram latency, Histogram uncorrected) {
        latency.setTag(LATENCY_TAG);
        uncorrected.setTag(UNCORRECTED_TAG);
        writer.outputIntervalHistogram(latency);
        writer.outputIntervalHistogram(uncorrected);
        stream.flush();
        latency.setTag(null);
        uncorrected.setTag(null);
    }

    @Override
    public synchronized void close() {
        stream.close();
    }
}
