package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/// The system clock's ticker thread, on a short interval.
class SliceTickerTest {
    @Test
    void aTickThatFailsDoesNotEndTheTicking() throws InterruptedException {
        var ticks = new AtomicInteger();
        var laterTicks = new CountDownLatch(2);
        SliceClock.Ticking ticking = SliceClock.system().startTicking(Duration.ofMillis(5), () -> {
            switch (ticks.getAndIncrement()) {
                case 0 -> throw new IllegalStateException("a tick's bug (expected by the test)");
                case 1 -> throw new AssertionError("a tick's error (expected by the test)");
                default -> laterTicks.countDown();
            }
        });
        try {
            assertTrue(laterTicks.await(10, TimeUnit.SECONDS),
                    "ticks after a failed one: " + Math.max(0, ticks.get() - 2) + " of 2");
        } finally {
            ticking.stop();
        }
    }
}
