package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.engine.LookupAnswer;
import dev.fanout.testserver.Script;
import dev.fanout.testserver.ScriptedServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/// A flight shared by two requests, whose creator (the caller making its calls) is interrupted:
/// a new thread takes over and the other request gets its answer; once every waiter has left,
/// the call is cut short and no other is made.
class SharedFlightTest {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    /// A lookup of "17" on its own virtual thread, keeping what it returned or threw.
    private record Caller(Thread thread, AtomicReference<LookupAnswer> answer, AtomicReference<Throwable> thrown) {
        static Caller start(UpstreamLookups lookups) {
            var answer = new AtomicReference<LookupAnswer>();
            var thrown = new AtomicReference<Throwable>();
            Thread thread = Thread.ofVirtual().start(() -> {
                try {
                    answer.set(lookups.lookup(Stubs.customer("name", "/name"), "17"));
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            return new Caller(thread, answer, thrown);
        }

        /// Waits until the lookup is parked waiting for someone else's flight.
        void awaitWaiting() throws InterruptedException {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (thread.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(Thread.State.WAITING, thread.getState(), "the second caller joined the flight");
        }
    }

    private static void awaitRequests(ScriptedServer upstream, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (upstream.requests() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(expected, upstream.requests());
    }

    @Test
    void whenTheCreatorIsInterruptedTheOtherWaiterStillGetsTheAnswer() throws Exception {
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            Thread.sleep(300);
            connection.write(Stubs.okJson("{\"name\":\"Ada\"}"));
            return true;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "timeout", "10s");
                UpstreamLookups first = upstreams.forRequest();
                UpstreamLookups second = upstreams.forRequest()) {
            Caller creator = Caller.start(first);
            awaitRequests(upstream, 1);
            Caller joiner = Caller.start(second);
            joiner.awaitWaiting();

            creator.thread().interrupt();

            assertTrue(creator.thread().join(Duration.ofSeconds(1)), "the creator left promptly");
            assertInstanceOf(InterruptedException.class, creator.thrown().get());
            assertTrue(joiner.thread().join(PATIENCE), "the other caller got an answer");
            assertNull(joiner.thrown().get());
            assertEquals(List.of("Ada"), joiner.answer().get().enrichValues());
            assertEquals(2, upstream.requests(), "the creator's call was cut short, the thread taking over called anew");
            assertEquals(0, upstreams.upstream(Stubs.CRM).flightCount());
            assertEquals(List.of("Ada"), second.lookup(Stubs.customer("name", "/name"), "18").enrichValues(),
                    "the second request was not cancelled");
        }
    }

    @Test
    void whenEveryWaiterHasLeftTheCallsStop() throws Exception {
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            Thread.sleep(PATIENCE.toMillis());
            return false;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "timeout", "10s");
                UpstreamLookups first = upstreams.forRequest();
                UpstreamLookups second = upstreams.forRequest()) {
            Caller creator = Caller.start(first);
            awaitRequests(upstream, 1);
            Caller joiner = Caller.start(second);
            joiner.awaitWaiting();
            creator.thread().interrupt();
            assertTrue(creator.thread().join(Duration.ofSeconds(1)), "the creator left promptly");
            awaitRequests(upstream, 2);

            joiner.thread().interrupt();

            assertTrue(joiner.thread().join(Duration.ofSeconds(1)), "the last waiter left promptly");
            assertInstanceOf(InterruptedException.class, joiner.thrown().get());
            assertEquals(0, upstreams.upstream(Stubs.CRM).flightCount(), "the abandoned flight is gone");
            Thread.sleep(300);
            assertEquals(2, upstream.requests(), "no call after the last waiter left");
        }
    }
}
