package dev.fanout.bench;

import org.HdrHistogram.AbstractHistogram;

/// The latency figures a report shows, in microseconds, read from one HdrHistogram.
public record Percentiles(long p50, long p90, long p99, long p999, long p9999, long max) {
    /// No values: every figure 0.
    public static final Percentiles NONE = new Percentiles(0, 0, 0, 0, 0, 0);

    public static Percentiles of(AbstractHistogram histogram) {
        if (histogram.getTotalCount() == 0) {
            return NONE;
        }
        return new Percentiles(histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9),
                histogram.getValueAtPercentile(99.99), histogram.getMaxValue());
    }

    /// The figure a comparison or an SLO names: `p50`, `p90`, `p99`, `p999`, `p9999` or `max`.
    public long get(String name) {
        return switch (name) {
            case "p50" -> p50;
            case "p90" -> p90;
            case "p99" -> p99;
            case "p999" -> p999;
            case "p9999" -> p9999;
            case "max" -> max;
            default -> throw new IllegalArgumentException("unknown percentile '" + name
                    + "': one of p50, p90, p99, p999, p9999, max");
        };
    }
}
