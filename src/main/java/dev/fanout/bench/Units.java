package dev.fanout.bench;

import java.util.Locale;

/// How the bench's text output writes latencies and rates: in the unit that keeps 3 digits.
final class Units {
    private Units() {
    }

    /// `850 µs`, `12.3 ms`, `1.25 s`.
    static String latency(double micros) {
        if (micros < 1_000) {
            return String.format(Locale.ROOT, "%.0f µs", micros);
        }
        if (micros < 1_000_000) {
            return String.format(Locale.ROOT, micros < 10_000 ? "%.2f ms" : micros < 100_000 ? "%.1f ms" : "%.0f ms", micros / 1e3);
        }
        return String.format(Locale.ROOT, "%.2f s", micros / 1e6);
    }

    /// `19,874` requests per second, grouped.
    static String rate(double perSecond) {
        return String.format(Locale.ROOT, "%,.0f", perSecond);
    }
}
