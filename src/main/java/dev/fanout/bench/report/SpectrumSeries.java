package dev.fanout.bench.report;

import java.util.Objects;
import org.HdrHistogram.AbstractHistogram;

/// One latency distribution to draw (a run, a round, a sweep step), values in microseconds.
/// Neither component is `null`. The histogram is held, not copied: it must not be written
/// while a chart is drawn from it (give a copy or an interval histogram nobody else records into).
///
/// @param label the legend text, shown as given (it is escaped for the SVG)
/// @param latencyUs the latencies in microseconds
public record SpectrumSeries(String label, AbstractHistogram latencyUs) {
    public SpectrumSeries {
        Objects.requireNonNull(label, "label must not be null");
        Objects.requireNonNull(latencyUs, "latencyUs must not be null");
    }
}
