package dev.fanout.metrics;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.HdrHistogram.Histogram;

/// The body of `GET /v1/stats/{name}.hgrm`: HdrHistogram's percentile distribution text
/// (`outputPercentileDistribution` with 5 ticks per half-distance), the format HdrHistogram's
/// plotter reads. Values stay in microseconds (`rows` in rows): the scaling ratio is 1.0, so
/// plot with "µs" as the unit. This class is thread-safe and stateless; the histogram must not be
/// written meanwhile (a [Snapshot]'s are not).
public final class PercentileDistribution {
    private static final int TICKS_PER_HALF_DISTANCE = 5;
    private static final double OUTPUT_VALUE_UNIT_SCALING_RATIO = 1.0;

    private PercentileDistribution() {
    }

    /// Writes the distribution of `histogram` to `out` (UTF-8), flushing but not closing it.
    public static void write(Histogram histogram, OutputStream out) {
        PrintStream print = new PrintStream(out, false, StandardCharsets.UTF_8);
        histogram.outputPercentileDistribution(print, TICKS_PER_HALF_DISTANCE, OUTPUT_VALUE_UNIT_SCALING_RATIO);
        print.flush();
    }

    /// The distribution of `histogram` as text.
    public static String render(Histogram histogram) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        write(histogram, out);
        return out.toString(StandardCharsets.UTF_8);
    }
}
