package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/// The deadlines' bookkeeping with the test as the checker (the real one is an hour away).
class ThreadDeadlinesTest {
    private final ThreadDeadlines deadlines = new ThreadDeadlines("test-deadlines", Duration.ofHours(1));

    @AfterEach
    void close() {
        deadlines.close();
    }

    @Test
    void aLateDeadlineFiresOnceAndADisarmedOneNever() {
        var fired = new AtomicInteger();
        long now = System.nanoTime();
        deadlines.arm(now + 1_000, fired::incrementAndGet);
        deadlines.check(now);
        assertEquals(0, fired.get(), "not yet late");
        deadlines.check(now + 2_000);
        deadlines.check(now + 3_000);
        assertEquals(1, fired.get(), "late: fired once");

        deadlines.disarm(); // after firing: nothing to do
        deadlines.arm(now + 1_000, fired::incrementAndGet);
        deadlines.disarm();
        deadlines.check(now + 5_000);
        assertEquals(1, fired.get(), "disarmed in time: never fires");

        deadlines.arm(now + 1_000, fired::incrementAndGet);
        deadlines.arm(now + 10_000, fired::incrementAndGet);
        deadlines.check(now + 5_000);
        assertEquals(1, fired.get(), "arming again replaces the deadline");
        deadlines.check(now + 20_000);
        assertEquals(2, fired.get());
    }

    @Test
    void theChecksGoOnAfterAnActionFails() throws InterruptedException {
        // The real checker, every 5 ms: a scheduled task that throws would never run again.
        try (var checked = new ThreadDeadlines("test-deadlines-fast", Duration.ofMillis(5))) {
            for (Throwable failure : List.of(new IllegalStateException("an action's bug (expected by the test)"),
                    new AssertionError("an action's error (expected by the test)"))) {
                var ran = new CountDownLatch(1);
                checked.arm(System.nanoTime(), () -> {
                    ran.countDown();
                    throwUnchecked(failure);
                });
                assertTrue(ran.await(10, TimeUnit.SECONDS), "a late deadline's action runs");
            }
            var fired = new CountDownLatch(1);
            checked.arm(System.nanoTime(), fired::countDown);
            assertTrue(fired.await(10, TimeUnit.SECONDS), "a deadline armed after the failures fires too");
        }
    }

    private static void throwUnchecked(Throwable failure) {
        if (failure instanceof RuntimeException e) {
            throw e;
        }
        throw (Error) failure;
    }

    @Test
    void threadsThatEndedAreDroppedAfterTwoChecks() throws Exception {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                deadlines.arm(System.nanoTime() + TimeUnit.HOURS.toNanos(1), () -> { });
                deadlines.disarm();
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(100, deadlines.watchedThreads());
        deadlines.check(System.nanoTime());
        assertEquals(100, deadlines.watchedThreads(), "disarmed once: kept");
        deadlines.check(System.nanoTime());
        assertEquals(0, deadlines.watchedThreads(), "disarmed twice: dropped");
    }

    @Test
    void aThreadDroppedWhileIdleIsWatchedAgainWhenItArms() {
        var fired = new AtomicInteger();
        deadlines.arm(System.nanoTime() + TimeUnit.HOURS.toNanos(1), fired::incrementAndGet);
        deadlines.disarm();
        deadlines.check(System.nanoTime());
        deadlines.check(System.nanoTime());
        assertEquals(0, deadlines.watchedThreads());

        long now = System.nanoTime();
        deadlines.arm(now + 1_000, fired::incrementAndGet);
        assertEquals(1, deadlines.watchedThreads());
        deadlines.check(now + 2_000);
        assertEquals(1, fired.get());
    }

    @Test
    void noArmedDeadlineIsLostWhileTheCheckerDropsAndThreadsArm() throws Exception {
        // Threads arm and disarm far-off deadlines as fast as they can while the test checks without
        // pause, dropping idle slots as threads re-arm them; then each arms one already late
        // deadline and waits: one check must find every one of them.
        int threads = 8;
        var neverLate = new AtomicInteger();
        var fired = new AtomicIntegerArray(threads);
        var armedLate = new CountDownLatch(threads);
        var release = new CountDownLatch(1);
        var stop = new java.util.concurrent.atomic.AtomicBoolean();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int index = t;
            workers.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50_000; i++) {
                    deadlines.arm(System.nanoTime() + TimeUnit.HOURS.toNanos(1), neverLate::incrementAndGet);
                    deadlines.disarm();
                }
                deadlines.arm(System.nanoTime() - 1, () -> fired.incrementAndGet(index));
                armedLate.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        var checking = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                deadlines.check(System.nanoTime());
            }
        });
        armedLate.await();
        stop.set(true);
        checking.join();
        deadlines.check(System.nanoTime());
        release.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertEquals(0, neverLate.get(), "no deadline an hour away fired");
        for (int t = 0; t < threads; t++) {
            assertEquals(1, fired.get(t), "thread " + t + "'s late deadline fired once");
        }
    }
}
