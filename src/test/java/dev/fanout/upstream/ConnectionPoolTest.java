package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.engine.LookupAnswer;
import dev.fanout.schema.ErrorCode;
import dev.fanout.testserver.Script;
import dev.fanout.testserver.ScriptedServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/// The keep-alive pool against a hand-written upstream that counts TCP connections: reuse, the
/// one-second idle limit, and the sweep that closes what is left idle.
class ConnectionPoolTest {
    @Test
    void sequentialCallsShareOneConnection() throws Exception {
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            connection.write(Stubs.okJson("{\"name\":\"Ada\"}"));
            return true;
        })); Upstreams upstreams = Stubs.upstreams(upstream); UpstreamLookups lookups = upstreams.forRequest()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(List.of("Ada"), lookups.lookup(Stubs.customer("n", "/name"), "v" + i).enrichValues());
            }
            assertEquals(5, upstream.requests());
            assertEquals(1, upstream.connections(), "keep-alive: one connection for sequential calls");
        }
    }

    /// The idle limit on a pool of its own whose clock the test moves: one second of idleness
    /// needs no second of waiting.
    @Test
    void aConnectionIdleForMoreThanASecondIsClosedNotReused() throws Exception {
        var nanos = new AtomicLong();
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            connection.write(Stubs.okJson("{}"));
            return true;
        })); var pool = new ConnectionPool("127.0.0.1", upstream.port(), 1_000, nanos::get)) {
            UpstreamConnection first = pool.take();
            pool.release(first);
            assertEquals(1, pool.idleCount());
            nanos.addAndGet(ConnectionPool.MAX_IDLE.toNanos() - 1);
            UpstreamConnection again = pool.take();
            assertSame(first, again, "idle for just under the limit: reused");
            pool.release(again);

            nanos.addAndGet(ConnectionPool.MAX_IDLE.toNanos());
            UpstreamConnection next = pool.take();
            pool.release(next);

            assertNotSame(first, next, "the idle one was not reused");
            assertEquals(1, upstream.awaitClosedByClient(1, Duration.ofSeconds(1)), "and it was closed");
            assertEquals(1, pool.idleCount());
        }
    }

    @Test
    void theSweepClosesConnectionsLeftIdle() throws Exception {
        var nanos = new AtomicLong();
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            connection.write(Stubs.okJson("{}"));
            return true;
        })); var pool = new ConnectionPool("127.0.0.1", upstream.port(), 1_000, nanos::get)) {
            pool.release(pool.take());
            nanos.addAndGet(ConnectionPool.MAX_IDLE.toNanos() - 1);
            pool.sweep();
            assertEquals(1, pool.idleCount(), "not idle for long enough yet");

            nanos.addAndGet(1);
            pool.sweep();

            assertEquals(0, pool.idleCount());
            assertEquals(1, upstream.awaitClosedByClient(1, Duration.ofSeconds(1)), "the upstream saw it closed");
        }
    }

    @Test
    void theWatchdogEndsAnOverdueCallAndLeavesIdleConnectionsAlone() throws Exception {
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            if (request.target().contains("/customers/slow")) {
                Thread.sleep(5_000);
                return false;
            }
            connection.write(Stubs.okJson("{}"));
            return true;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "timeout", "300ms"); UpstreamLookups lookups = upstreams.forRequest()) {
            ConnectionPool pool = upstreams.upstream(Stubs.CRM).connectionPool();
            lookups.lookup(Stubs.customer(), "1");
            assertEquals(1, pool.idleCount());

            long start = System.nanoTime();
            LookupAnswer slow = lookups.lookup(Stubs.customer(), "slow");
            long millis = (System.nanoTime() - start) / 1_000_000;

            assertEquals(ErrorCode.LOOKUP_TIMEOUT, slow.failure().orElseThrow().code());
            assertTrue(millis >= 280 && millis < 1_500, "ended after " + millis + " ms (timeout 300 ms)");
            lookups.lookup(Stubs.customer(), "2");
            assertEquals(2, upstream.connections(), "the overdue call's connection was closed, not reused");
            Thread.sleep(100); // the watchdog looks at the idle connection, past its last call's deadline
            lookups.lookup(Stubs.customer(), "3");
            assertEquals(2, upstream.connections(), "the idle one was left alone and reused");
        }
    }
}
