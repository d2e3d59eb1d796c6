package dev.fanout.bench;

import dev.fanout.config.ConfigDuration;
import java.time.Duration;

/// A latency objective of a sweep, `p99=50ms`: the named percentile of the corrected latency
/// must not exceed the limit (and no request may fail).
///
/// @param percentile one of the names [Percentiles#get(String)] knows
/// @param limitUs    the limit in microseconds
public record Slo(String percentile, long limitUs) {
    public Slo {
        Percentiles.NONE.get(percentile); // rejects unknown names
        if (limitUs <= 0) {
            throw new IllegalArgumentException("an SLO limit must be positive");
        }
    }

    /// Parses `p99=50ms` (percentile `p50`, `p90`, `p99`, `p999`, `p9999` or `max`; the limit a
    /// duration as the configuration and `--duration` take it).
    public static Slo parse(String text) {
        int equals = text.indexOf('=');
        if (equals <= 0) {
            throw new IllegalArgumentException("an SLO looks like p99=50ms, not '" + text + "'");
        }
        Duration limit = ConfigDuration.parse(text.substring(equals + 1).trim());
        return new Slo(text.substring(0, equals).trim(), limit.toNanos() / 1000);
    }

    /// Whether `result` met this objective: the percentile within the limit and no error.
    public boolean metBy(BenchResult result) {
        return result.errors() == 0 && result.requests() > 0 && Percentiles.of(result.latency()).get(percentile) <= limitUs;
    }

    @Override
    public String toString() {
        return percentile + " ≤ " + Units.latency(limitUs);
    }
}
