package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class HistogramStripesTest {

    @Test
    void roundsTheStripeCountUpToAPowerOfTwo() {
        assertEquals(1, new HistogramStripes(5, 1).stripeCount());
        assertEquals(2, new HistogramStripes(5, 2).stripeCount());
        assertEquals(4, new HistogramStripes(5, 3).stripeCount());
        assertEquals(8, new HistogramStripes(5, 5).stripeCount());
        assertEquals(16, new HistogramStripes(5, 16).stripeCount());
        int forHere = HistogramStripes.forProcessors(5).stripeCount();
        assertTrue(forHere >= 2 && forHere <= 16, "stripes for this machine: " + forHere);
    }

    @Test
    void aWriterMeetingABusyStripeWaitsAndItsValueIsDrainedOnceLater() throws Exception {
        // One stripe, held by a drain while a writer comes: the writer must wait, not drop its values
        // or record them into what is being handed over.
        var stripes = new HistogramStripes(3, 1);
        stripes.record(0, 100);
        var writerStarted = new CountDownLatch(1);
        var drained = new LongAdder();
        Thread[] writer = new Thread[1];
        stripes.drain((histogram, name) -> {
            drained.add(histogram.getTotalCount());
            writer[0] = Thread.ofVirtual().start(() -> {
                writerStarted.countDown();
                stripes.record(0, 200, 1, 20, 2, -1);
            });
            try {
                assertTrue(writerStarted.await(5, TimeUnit.SECONDS));
                // Give it time to reach the lock: it must still be waiting for it.
                writer[0].join(200);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            assertTrue(writer[0].isAlive(), "the writer waits for the stripe");
            assertEquals(100, histogram.getMaxValue(), "the drained histogram holds only earlier values");
        });
        writer[0].join(5_000);
        assertEquals(1, drained.sum());

        var counts = new long[3];
        var max = new long[3];
        stripes.drain((histogram, name) -> {
            counts[name] = histogram.getTotalCount();
            max[name] = histogram.getMaxValue();
        });
        assertEquals(1, counts[0]);
        assertEquals(1, counts[1]);
        assertEquals(0, counts[2], "a negative third value is left out");
        assertEquals(200, max[0]);
        assertEquals(20, max[1]);

        var again = new LongAdder();
        stripes.drain((histogram, name) -> again.add(histogram.getTotalCount()));
        assertEquals(0, again.sum(), "a drain clears what it handed over");
    }
}
