package dev.fanout.bench.report;

import java.util.Locale;

/// The unit latency labels are shown in; values themselves are always microseconds.
enum LatencyUnit {
    MICROSECONDS("µs", 1),
    MILLISECONDS("ms", 1_000),
    SECONDS("s", 1_000_000);

    private final String symbol;
    private final double micros;

    LatencyUnit(String symbol, double micros) {
        this.symbol = symbol;
        this.micros = micros;
    }

    /// The unit for an axis whose top is `topUs`: the largest in which the top is at least 1.
    static LatencyUnit fitting(double topUs) {
        if (topUs >= SECONDS.micros) {
            return SECONDS;
        }
        return topUs >= MILLISECONDS.micros ? MILLISECONDS : MICROSECONDS;
    }

    double micros() {
        return micros;
    }

    /// `valueUs` in this unit with `decimals` decimals and the symbol: "2.5 ms".
    String format(double valueUs, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f %s", valueUs / micros, symbol);
    }

    /// `valueUs` in the unit that fits it, with three significant digits: "12.3 ms", "850 µs".
    static String readable(double valueUs) {
        LatencyUnit unit = fitting(valueUs);
        double shown = valueUs / unit.micros;
        int decimals = shown >= 100 ? 0 : shown >= 10 ? 1 : 2;
        return unit.format(valueUs, decimals);
    }
}
