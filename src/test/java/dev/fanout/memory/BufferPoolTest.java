package dev.fanout.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    @Test
    void arraysComeInPowersOfTwoFromFourKilobytes() {
        var pool = new BufferPool(1 << 20);
        assertEquals(4096, pool.take(0).length);
        assertEquals(4096, pool.take(4096).length);
        assertEquals(8192, pool.take(4097).length);
        assertEquals(1 << 21, pool.take((1 << 20) + 1).length);
        assertEquals((1 << 21) + 1, pool.take((1 << 21) + 1).length, "larger than the pool's sizes: exact, not pooled");
    }

    @Test
    void arrayLengthSaysWhatTakeHandsOut() {
        var pool = new BufferPool(1 << 20);
        for (int length : new int[] {0, 1, 4095, 4096, 4097, 100_000, 1 << 21, (1 << 21) + 1}) {
            assertEquals(pool.take(length).length, BufferPool.arrayLength(length), "for " + length);
        }
    }

    @Test
    void aGivenArrayIsTakenAgainBySize() {
        var pool = new BufferPool(1 << 20);
        byte[] small = pool.take(100);
        byte[] large = pool.take(100_000);
        pool.give(small);
        pool.give(large);
        assertEquals(small.length + large.length, pool.idleBytes());
        assertSame(large, pool.take(70_000));
        assertSame(small, pool.take(10));
        assertNotSame(small, pool.take(10), "each array is handed out once");
        assertEquals(0, pool.idleBytes());
    }

    @Test
    void arraysOfOtherSizesAndArraysBeyondTheCapacityAreLeftToTheCollector() {
        var pool = new BufferPool(3 * 4096);
        pool.give(new byte[5000]);
        pool.give(new byte[1024]);
        assertEquals(0, pool.idleBytes());
        for (int i = 0; i < 5; i++) {
            pool.give(new byte[4096]);
        }
        assertEquals(3 * 4096, pool.idleBytes());
    }

    @Test
    void threadsTakingAndGivingNeverShareAnArray() throws InterruptedException {
        var pool = new BufferPool(1 << 20);
        Set<byte[]> held = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));
        var clashes = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    byte[] array = pool.take(4096 << (i % 3));
                    if (!held.add(array)) {
                        clashes.incrementAndGet();
                    }
                    held.remove(array);
                    pool.give(array);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, clashes.get());
        assertTrue(pool.idleBytes() <= pool.maxIdleBytes());
    }

    @Test
    void smallArraysBeyondTheQueuesCapacityAreKeptInSlotsAndEachIsHandedOutOnce() {
        // 64 arrays of 4 KiB fill the queue; a pool of that size has one slot for them.
        var pool = new BufferPool(64 * 4096);
        Set<byte[]> given = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 66; i++) {
            byte[] array = new byte[4096];
            given.add(array);
            pool.give(array);
        }
        assertEquals(65 * 4096, pool.idleBytes(), "64 in the queue, one in the slot, one left to the collector");
        assertEquals(pool.maxIdleBytes(), pool.idleBytes());
        Set<byte[]> taken = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int i = 0; i < 66; i++) {
            taken.add(pool.take(4096));
        }
        assertEquals(66, taken.size(), "no array handed out twice");
        taken.retainAll(given);
        assertEquals(65, taken.size());
        assertEquals(0, pool.idleBytes());
    }
}
