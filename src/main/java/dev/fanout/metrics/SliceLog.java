package dev.fanout.metrics;

import java.io.BufferedOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

/// The `.hlog` that completed slices are written to, in HdrHistogram's interval log format: one
/// line per histogram name per slice, tagged with the name, values in microseconds (so
/// HdrHistogram's `HistogramLogProcessor` wants `-outputValueUnitRatio 1` or `1000` for ms). The
/// file is replaced when opened and flushed after every slice. A write that fails closes the log
/// and is logged once as a warning: the server keeps serving, the in-memory histograms are
/// unaffected. Not thread-safe: `LatencyHistograms` calls it under its lock.
final class SliceLog {
    private static final System.Logger LOG = System.getLogger(SliceLog.class.getName());
    private static final double MILLIS_PER_SECOND = 1000.0;
    private static final double MAX_VALUE_UNIT_RATIO = 1.0;

    private final HistogramLogWriter log;
    private final PrintStream stream;
    private final Path path;

    private SliceLog(HistogramLogWriter log, PrintStream stream, Path path) {
        this.log = log;
        this.stream = stream;
        this.path = path;
    }

    /// Creates (or replaces) `hlog` and writes its header, with `startMillis` as start and base time.
    ///
    /// @throws UncheckedIOException when the file cannot be created
    static SliceLog open(Path hlog, long startMillis) {
        PrintStream stream;
        try {
            // A FileOutputStream, not Files.newOutputStream: an interrupt of a thread writing to
            // an interruptible FileChannel would close the log for good.
            stream = new PrintStream(new BufferedOutputStream(new FileOutputStream(hlog.toFile())), false,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create histogram log " + hlog, e);
        }
        HistogramLogWriter writer = new HistogramLogWriter(stream);
        writer.outputComment("Fanout latency histograms: values in microseconds (rows: rows per request)");
        writer.outputLogFormatVersion();
        writer.outputStartTime(startMillis);
        writer.setBaseTime(startMillis);
        writer.outputBaseTime(startMillis);
        writer.outputLegend();
        stream.flush();
        return new SliceLog(writer, stream, hlog);
    }

    /// The file written to.
    Path path() {
        return path;
    }

    /// The log's base time (epoch ms): no slice starts before it.
    long baseTimeMillis() {
        return log.getBaseTime();
    }

    /// Writes one slice, `slices` by name in the order given, from `startMillis` to `endMillis`
    /// (epoch ms); the histograms get those time stamps and their name as tag.
    ///
    /// @return false when the file could not be written: the log is then closed
    boolean write(Map<String, Histogram> slices, long startMillis, long endMillis) {
        slices.forEach((name, slice) -> {
            slice.setStartTimeStamp(startMillis);
            slice.setEndTimeStamp(endMillis);
            slice.setTag(name);
            // Ratio 1: the line's max column in µs like the values, not HdrHistogram's default ns→ms.
            log.outputIntervalHistogram((startMillis - log.getBaseTime()) / MILLIS_PER_SECOND,
                    (endMillis - log.getBaseTime()) / MILLIS_PER_SECOND, slice, MAX_VALUE_UNIT_RATIO);
        });
        stream.flush();
        if (stream.checkError()) {
            // PrintStream hides the IOException; stop writing rather than fail every tick.
            LOG.log(System.Logger.Level.WARNING, "cannot write histogram log {0}; no longer logging", path);
            stream.close();
            return false;
        }
        return true;
    }

    void close() {
        stream.close();
    }
}
