package dev.fanout.bench.report;

import java.util.ArrayList;
import java.util.List;

/// A linear axis from zero to `top` with a tick every `step`, where `step` is 1, 2 or 5 times a
/// power of ten ("nice" numbers people can read off a chart) and `top` a multiple of it.
///
/// @param step the distance between ticks, in the axis' own unit
/// @param top the highest value on the axis, a whole number of steps
record LinearScale(double step, double top) {
    // At most eight intervals, so that tick labels never crowd; the finest 1-2-5 step within
    // that gives four to eight, enough gridlines to read a value off.
    private static final int MAX_INTERVALS = 8;
    // A little room above the highest value, so the line there does not run into the frame.
    private static final double HEADROOM = 1.03;
    private static final double[] NICE = {1, 2, 5, 10};

    /// A scale from zero that shows `max`, or `fallbackMax` when `max` is not positive (an axis
    /// needs some extent even when every value is zero).
    static LinearScale from0(double max, double fallbackMax) {
        double shown = (Double.isFinite(max) && max > 0 ? max : fallbackMax) * HEADROOM;
        double magnitude = Math.pow(10, Math.floor(Math.log10(shown / MAX_INTERVALS)));
        for (double nice : NICE) {
            double step = nice * magnitude;
            // The epsilon keeps an exact multiple of the step from gaining a step by rounding.
            long intervals = Math.max(1, (long) Math.ceil(shown / step - 1e-9));
            if (intervals <= MAX_INTERVALS) {
                return new LinearScale(step, intervals * step);
            }
        }
        throw new AssertionError("a step of 10 × 10^floor(log10(shown / 8)) always fits: " + shown);
    }

    /// The tick values, from zero to `top`.
    List<Double> ticks() {
        long intervals = Math.round(top / step);
        List<Double> ticks = new ArrayList<>();
        for (long i = 0; i <= intervals; i++) {
            ticks.add(i * step);
        }
        return ticks;
    }

    /// Where `value` lies on the axis: 0 at zero, 1 at `top`.
    double fraction(double value) {
        return value / top;
    }

    /// How many decimals tick labels need when shown divided by `divisor` (a step of 0.2 ms
    /// needs one, 2 ms none).
    int decimals(double divisor) {
        double shownStep = step / divisor;
        return Math.max(0, (int) Math.ceil(-Math.log10(shownStep) - 1e-9));
    }
}
