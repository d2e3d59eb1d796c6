package dev.fanout.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/// The gate lets as many wide records in as it was made for; the next ones wait for a turn in the
/// order they came, each until its time is up or it is told to give up.
class WideRecordGateTest {

    @Test
    void letsInAsManyAsItWasMadeForAndNoMore() throws Exception {
        var gate = WideRecordGate.of(2, Duration.ofMillis(20));
        assertTrue(gate.enter(WideRecordGateTest::never));
        assertTrue(gate.enter(WideRecordGateTest::never));
        assertEquals(2, gate.held());
        assertFalse(gate.enter(WideRecordGateTest::never), "a third waits its 20 ms, and gives up");
        assertEquals(2, gate.held(), "giving up takes nothing");
        assertEquals(0, gate.waiting());
        gate.leave();
        assertEquals(1, gate.held());
        assertTrue(gate.enter(WideRecordGateTest::never));
        gate.leave();
        gate.leave();
        assertEquals(0, gate.held());
        assertThrows(IllegalStateException.class, gate::leave, "a turn not taken cannot be given back");
    }

    @Test
    @Timeout(10)
    void readersTakeTurnsInTheOrderTheyCame() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofSeconds(8));
        assertTrue(gate.enter(WideRecordGateTest::never));
        var first = waitFor(gate, WideRecordGateTest::never);
        assertTrue(until(() -> gate.waiting() == 1));
        var second = waitFor(gate, WideRecordGateTest::never);
        assertTrue(until(() -> gate.waiting() == 2));
        // Waiting in slices, neither loses its place.
        Thread.sleep(250);
        gate.leave();
        assertTrue(first.get(5, TimeUnit.SECONDS), "the first to come goes first");
        Thread.sleep(150);
        assertFalse(second.isDone(), "the second waits for the first's turn");
        gate.leave();
        assertTrue(second.get(5, TimeUnit.SECONDS));
        assertEquals(1, gate.held());
    }

    @Test
    @Timeout(10)
    void aReaderToldToGiveUpStopsWaitingWithinASlice() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofSeconds(30));
        assertTrue(gate.enter(WideRecordGateTest::never));
        var stop = new AtomicBoolean();
        var waiting = waitFor(gate, stop::get);
        assertTrue(until(() -> gate.waiting() == 1));
        long told = System.nanoTime();
        stop.set(true);
        assertFalse(waiting.get(5, TimeUnit.SECONDS));
        assertTrue(System.nanoTime() - told < TimeUnit.SECONDS.toNanos(2), "within a slice, not the 30 s");
        assertEquals(1, gate.held());
        assertEquals(0, gate.waiting());
    }

    @Test
    @Timeout(10)
    void anInterruptedWaitThrows() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofSeconds(5));
        assertTrue(gate.enter(WideRecordGateTest::never));
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> gate.enter(WideRecordGateTest::never));
        } finally {
            Thread.interrupted();
        }
        assertEquals(1, gate.held());
        assertEquals(0, gate.waiting());
    }

    @Test
    void describesItsBoundAndTurnTimeForTheMessages() {
        var minute = WideRecordGate.of(1, Duration.ofSeconds(60));
        assertEquals("1 such record at once (fanout.limits.max-concurrent-wide-records)", minute.describe());
        assertEquals("60 s", minute.turnTime());
        assertEquals(60_000_000_000L, minute.turnNanos());
        var quarter = WideRecordGate.of(3, Duration.ofMillis(250));
        assertEquals("3 such records at once (fanout.limits.max-concurrent-wide-records)", quarter.describe());
        assertEquals("250 ms", quarter.turnTime());
    }

    @Test
    void refusesAGateForNoRecordOrNoWait() {
        assertThrows(IllegalArgumentException.class, () -> WideRecordGate.of(0, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> WideRecordGate.of(1, Duration.ofSeconds(-1)));
        assertThrows(IllegalArgumentException.class, () -> WideRecordGate.of(1, Duration.ZERO));
        assertTrue(WideRecordGate.of(1, Duration.ofMillis(1)).bounded());
        assertFalse(WideRecordGate.UNLIMITED.bounded());
    }

    /// A reader that never gives up.
    private static boolean never() {
        return false;
    }

    private static CompletableFuture<Boolean> waitFor(WideRecordGate gate, BooleanSupplier giveUp) {
        var entered = new CompletableFuture<Boolean>();
        Thread.ofVirtual().start(() -> {
            try {
                entered.complete(gate.enter(giveUp));
            } catch (InterruptedException e) {
                entered.completeExceptionally(e);
            }
        });
        return entered;
    }

    private static boolean until(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
