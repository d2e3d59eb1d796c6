package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/// `StructuredValidation.all` with a run's lookup room: a caller interrupted while it waits for
/// room throws `InterruptedException` (never returns fewer results than tasks), cancels what it
/// forked, and every permit comes back.
class LookupRoomTest {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    /// Runs `all` on a virtual thread; what it returned or threw lands in `outcome`.
    private static Thread start(List<Callable<String>> tasks, Semaphore room, AtomicReference<Object> outcome) {
        return Thread.ofVirtual().start(() -> {
            try {
                outcome.set(StructuredValidation.all(tasks, Thread.ofVirtual().factory(), room));
            } catch (Throwable e) {
                outcome.set(e);
            }
        });
    }

    private static void awaitWaiting(Thread thread) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.WAITING, thread.getState());
    }

    @Test
    void interruptedWhileWaitingForRoomWithNothingForkedThrows() throws Exception {
        var room = new Semaphore(0, true);
        var outcome = new AtomicReference<Object>();
        Thread caller = start(List.of(() -> "a", () -> "b"), room, outcome);
        awaitWaiting(caller);

        caller.interrupt();

        assertTrue(caller.join(PATIENCE));
        assertInstanceOf(InterruptedException.class, outcome.get(), "not a short list: " + outcome.get());
        assertEquals(0, room.availablePermits());
    }

    @Test
    void interruptedWhileWaitingForRoomCancelsWhatItForked() throws Exception {
        var room = new Semaphore(1, true);
        var outcome = new AtomicReference<Object>();
        var firstRunning = new CountDownLatch(1);
        var firstInterrupted = new CountDownLatch(1);
        Callable<String> first = () -> {
            firstRunning.countDown();
            try {
                Thread.sleep(PATIENCE.toMillis() * 2);
                return "late";
            } catch (InterruptedException e) {
                firstInterrupted.countDown();
                throw e;
            }
        };
        Thread caller = start(List.of(first, () -> "second"), room, outcome);
        assertTrue(firstRunning.await(5, TimeUnit.SECONDS));
        awaitWaiting(caller); // for room for the second

        caller.interrupt();

        assertTrue(caller.join(PATIENCE));
        assertInstanceOf(InterruptedException.class, outcome.get(), "not a short list: " + outcome.get());
        assertTrue(firstInterrupted.await(1, TimeUnit.SECONDS), "the forked task was cancelled");
        assertEquals(1, room.availablePermits(), "its permit came back");
    }

    @Test
    void withRoomForOneTheTasksRunInTurnAndAllAnswer() throws Exception {
        var room = new Semaphore(1, true);
        List<String> results = StructuredValidation.all(List.of(() -> "a", () -> "b", () -> "c"), Thread.ofVirtual().factory(), room);
        assertEquals(List.of("a", "b", "c"), results);
        assertEquals(1, room.availablePermits());
    }
}
