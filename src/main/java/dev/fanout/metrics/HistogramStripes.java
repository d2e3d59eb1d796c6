package dev.fanout.metrics;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.ObjIntConsumer;
import org.HdrHistogram.Histogram;

/// Plain (single-writer) histograms for a fixed set of names, striped so that concurrent writers
/// rarely meet: each stripe holds one histogram per name behind its own lock, and a writer records
/// all of a request's values under one acquisition of the first free stripe it finds, starting from
/// its thread's. The reader drains stripe by stripe, holding each lock only to fold and clear it.
///
/// Why not HdrHistogram's `Recorder`: each of its `recordValue` calls makes about six atomic
/// read-modify-writes on lines every core writes (two phasers, the count, the total), so the five
/// values a small request records cost 3-4 % of W1's CPU (issue 11); here a request pays one
/// uncontended lock per batch and plain increments.
final class HistogramStripes {
    private final Stripe[] stripes;
    private final int mask;

    /// `names` histograms per stripe, `stripeCount` stripes (rounded up to a power of two).
    HistogramStripes(int names, int stripeCount) {
        int count = stripeCount <= 1 ? 1 : Integer.highestOneBit(stripeCount - 1) << 1;
        stripes = new Stripe[count];
        for (int i = 0; i < count; i++) {
            stripes[i] = new Stripe(names);
        }
        mask = count - 1;
    }

    /// Stripes for this machine: two per processor, so that a writer nearly always finds its own free,
    /// at most 16 (each holds a few hundred KB once latencies span seconds).
    static HistogramStripes forProcessors(int names) {
        return new HistogramStripes(names, Math.min(16, 2 * Runtime.getRuntime().availableProcessors()));
    }

    int stripeCount() {
        return stripes.length;
    }

    /// Records `value` under `name`.
    void record(int name, long value) {
        Stripe stripe = acquire();
        try {
            stripe.histograms[name].recordValue(value);
        } finally {
            stripe.lock.unlock();
        }
    }

    /// Records `first` under `firstName`, and `second` and `third` under theirs when they are not
    /// negative.
    void record(int firstName, long first, int secondName, long second, int thirdName, long third) {
        Stripe stripe = acquire();
        try {
            Histogram[] histograms = stripe.histograms;
            histograms[firstName].recordValue(first);
            if (second >= 0) {
                histograms[secondName].recordValue(second);
            }
            if (third >= 0) {
                histograms[thirdName].recordValue(third);
            }
        } finally {
            stripe.lock.unlock();
        }
    }

    /// Hands every non-empty histogram of every stripe, with its name, to `drain`, then clears it;
    /// each stripe is locked while its histograms are handed over, so no value is lost or counted
    /// twice.
    void drain(ObjIntConsumer<Histogram> drain) {
        for (Stripe stripe : stripes) {
            stripe.lock.lock();
            try {
                Histogram[] histograms = stripe.histograms;
                for (int name = 0; name < histograms.length; name++) {
                    if (histograms[name].getTotalCount() > 0) {
                        drain.accept(histograms[name], name);
                        histograms[name].reset();
                    }
                }
            } finally {
                stripe.lock.unlock();
            }
        }
    }

    // Locked on return. The thread's own stripe first; then the others in turn; and when all are
    // taken (more writers at this instant than stripes), it waits for its own.
    private Stripe acquire() {
        int home = spread(Thread.currentThread().threadId());
        for (int i = 0; i <= mask; i++) {
            Stripe stripe = stripes[(home + i) & mask];
            if (stripe.lock.tryLock()) {
                return stripe;
            }
        }
        Stripe stripe = stripes[home & mask];
        stripe.lock.lock();
        return stripe;
    }

    // Virtual threads' ids are consecutive: mixed so that neighbours do not share low bits' patterns.
    private static int spread(long threadId) {
        long h = threadId * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32);
    }

    private static final class Stripe {
        final ReentrantLock lock = new ReentrantLock();
        final Histogram[] histograms;

        Stripe(int names) {
            histograms = new Histogram[names];
            for (int i = 0; i < names; i++) {
                histograms[i] = LatencyHistograms.newHistogram();
            }
        }
    }
}
