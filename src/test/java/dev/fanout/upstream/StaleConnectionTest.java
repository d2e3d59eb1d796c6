package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.engine.LookupAnswer;
import dev.fanout.schema.ErrorCode;
import dev.fanout.testserver.Script;
import dev.fanout.testserver.ScriptedServer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/// Kept connections the upstream closed while they sat idle (a reload, a keep-alive time-out
/// shorter than the pool's second). The GET sent on one gets no byte back: a call like any other
/// for `retries` (at most N+1 calls for a value), but not a failure for the circuit, retried at
/// once, and the other idle connections, as stale, closed with it.
@Timeout(30)
class StaleConnectionTest {
    private static final byte[] ADA = Stubs.okJson("{\"name\":\"Ada\"}");

    @Test
    void aReloadCostsOneCallNotALookupPerIdleConnection() throws Exception {
        // Three lookups at once make three connections; each answers, then is closed without a
        // word, as a reload does.
        var together = new CountDownLatch(3);
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            together.countDown();
            together.await(10, TimeUnit.SECONDS);
            connection.write(ADA);
            return false;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "1", "backoff", "10s", "max-backoff", "10s");
                UpstreamLookups lookups = upstreams.forRequest()) {
            List<Future<LookupAnswer>> first = new ArrayList<>();
            try (var threads = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 3; i++) {
                    String value = "a" + i;
                    first.add(threads.submit(() -> lookups.lookup(Stubs.customer("n", "/name"), value)));
                }
                for (Future<LookupAnswer> answer : first) {
                    assertEquals(List.of("Ada"), answer.get(10, TimeUnit.SECONDS).enrichValues());
                }
            }
            assertEquals(3, upstreams.upstream(Stubs.CRM).connectionPool().idleCount());
            assertEquals(3, upstream.awaitClosedByServer(3, java.time.Duration.ofSeconds(5)));

            long start = System.nanoTime();
            LookupAnswer after = lookups.lookup(Stubs.customer("n", "/name"), "b");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertEquals(List.of("Ada"), after.enrichValues(), after::toString);
            assertTrue(millis < 4_000, "retried at once, not after the backoff of 5-10 s: " + millis + " ms");
            assertEquals(4, upstream.connections(), "one stale connection tried; the other two closed with it");
        }
    }

    @Test
    void aStaleConnectionIsACallForRetriesButNotAFailureForTheCircuit() throws Exception {
        var requests = new AtomicInteger();
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            requests.incrementAndGet();
            connection.write(ADA);
            return false;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "0", "breaker-failures", "1");
                UpstreamLookups lookups = upstreams.forRequest()) {
            assertEquals(List.of("Ada"), lookups.lookup(Stubs.customer("n", "/name"), "1").enrichValues());
            assertEquals(1, upstream.awaitClosedByServer(1, java.time.Duration.ofSeconds(5)));

            LookupAnswer stale = lookups.lookup(Stubs.customer("n", "/name"), "2");
            assertEquals(ErrorCode.LOOKUP_FAILED, stale.failure().orElseThrow().code(), stale::toString);
            assertTrue(stale.failure().orElseThrow().message().contains("a kept connection it had closed"), stale::toString);

            // One failure would have opened a circuit of breaker-failures 1.
            assertEquals(List.of("Ada"), lookups.lookup(Stubs.customer("n", "/name"), "3").enrichValues());
            assertEquals(2, requests.get(), "the stale connection never read its request");
        }
    }

    @Test
    void a408SentUnaskedOnAnIdleConnectionIsNotTheAnswer() throws Exception {
        var requests = new AtomicInteger();
        // Some servers time an idle kept connection out with a 408 before they close it.
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            requests.incrementAndGet();
            connection.write(ADA);
            connection.write("HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
            return false;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "1", "backoff", "10s", "max-backoff", "10s",
                "breaker-failures", "1");
                UpstreamLookups lookups = upstreams.forRequest()) {
            assertEquals(List.of("Ada"), lookups.lookup(Stubs.customer("n", "/name"), "1").enrichValues());
            assertEquals(1, upstream.awaitClosedByServer(1, java.time.Duration.ofSeconds(5)));

            long start = System.nanoTime();
            LookupAnswer second = lookups.lookup(Stubs.customer("n", "/name"), "2");
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);

            assertEquals(List.of("Ada"), second.enrichValues(), second::toString);
            assertTrue(millis < 4_000, "retried at once: " + millis + " ms");
            assertEquals(2, requests.get());
        }
    }

    @Test
    void aRequestTheUpstreamReadAndLeftUnansweredIsNotSentPastTheRetries() throws Exception {
        var requests = new AtomicInteger();
        // The first request is answered on a kept connection; every later one is read, and its
        // connection closed without an answer.
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            if (requests.incrementAndGet() == 1) {
                connection.write(ADA);
                return true;
            }
            return false;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "1");
                UpstreamLookups lookups = upstreams.forRequest()) {
            assertEquals(List.of("Ada"), lookups.lookup(Stubs.customer("n", "/name"), "1").enrichValues());

            LookupAnswer second = lookups.lookup(Stubs.customer("n", "/name"), "2");

            assertEquals(ErrorCode.LOOKUP_FAILED, second.failure().orElseThrow().code(), second::toString);
            assertEquals(3, requests.get(), "retries 1: two calls for the value, the kept connection's and a new one's");
        }
    }

    @Test
    void anAnswerCutOffAfterItsFirstByteIsTheUpstreamsFailure() throws Exception {
        var requests = new AtomicInteger();
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            if (requests.incrementAndGet() == 1) {
                connection.write(ADA);
                return true;
            }
            connection.write("HTTP/1.1 200 OK\r\nContent-".getBytes(StandardCharsets.US_ASCII));
            return false;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "0", "breaker-failures", "1");
                UpstreamLookups lookups = upstreams.forRequest()) {
            assertEquals(List.of("Ada"), lookups.lookup(Stubs.customer("n", "/name"), "1").enrichValues());

            LookupAnswer second = lookups.lookup(Stubs.customer("n", "/name"), "2");
            assertEquals(ErrorCode.LOOKUP_FAILED, second.failure().orElseThrow().code(), second::toString);

            LookupAnswer third = lookups.lookup(Stubs.customer("n", "/name"), "3");
            assertEquals(ErrorCode.LOOKUP_UNAVAILABLE, third.failure().orElseThrow().code(), "the circuit heard of it");
            assertEquals(2, requests.get());
        }
    }
}
