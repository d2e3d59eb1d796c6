package dev.fanout.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/// The gate lets as many wide records in as it was made for, makes the next one wait for a turn,
/// and lets it in as soon as one leaves.
class WideRecordGateTest {
    private static final long NO_WAIT = 0;

    @Test
    void letsInAsManyAsItWasMadeForAndNoMore() throws Exception {
        var gate = WideRecordGate.of(2, Duration.ofSeconds(1));
        assertTrue(gate.enter(NO_WAIT));
        assertTrue(gate.enter(NO_WAIT));
        assertEquals(2, gate.held());
        assertFalse(gate.enter(TimeUnit.MILLISECONDS.toNanos(20)), "a third waits, and gives up");
        assertEquals(2, gate.held(), "giving up takes nothing");
        gate.leave();
        assertEquals(1, gate.held());
        assertTrue(gate.enter(NO_WAIT));
        gate.leave();
        gate.leave();
        assertEquals(0, gate.held());
    }

    @Test
    @Timeout(10)
    void aWaitingRecordGoesInWhenOneLeaves() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofSeconds(5));
        assertTrue(gate.enter(NO_WAIT));
        var waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return gate.enter(TimeUnit.SECONDS.toNanos(5));
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(50);
        assertFalse(waiting.isDone(), "it waits while the gate is full");
        gate.leave();
        assertTrue(waiting.get(5, TimeUnit.SECONDS));
        assertEquals(1, gate.held());
    }

    @Test
    @Timeout(10)
    void anInterruptedWaitThrows() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofSeconds(5));
        assertTrue(gate.enter(NO_WAIT));
        Thread.currentThread().interrupt();
        assertThrows(InterruptedException.class, () -> gate.enter(TimeUnit.SECONDS.toNanos(5)));
        assertEquals(1, gate.held());
    }

    @Test
    void describesItsBoundForTheMessage() {
        assertEquals("1 such record at once (fanout.limits.max-concurrent-wide-records), and waited 60 s for a turn",
                WideRecordGate.of(1, Duration.ofSeconds(60)).describe());
        assertEquals("3 such records at once (fanout.limits.max-concurrent-wide-records), and waited 250 ms for a turn",
                WideRecordGate.of(3, Duration.ofMillis(250)).describe());
        assertEquals(Duration.ofMillis(250), WideRecordGate.of(3, Duration.ofMillis(250)).maxWait());
    }

    @Test
    void refusesAGateForNoRecordOrANegativeWait() {
        assertThrows(IllegalArgumentException.class, () -> WideRecordGate.of(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> WideRecordGate.of(1, Duration.ofSeconds(-1)));
    }

    @Test
    void theUnlimitedGateNeverWaits() throws Exception {
        for (int i = 0; i < 1000; i++) {
            assertTrue(WideRecordGate.UNLIMITED.enter(NO_WAIT));
        }
        for (int i = 0; i < 1000; i++) {
            WideRecordGate.UNLIMITED.leave();
        }
    }
}
