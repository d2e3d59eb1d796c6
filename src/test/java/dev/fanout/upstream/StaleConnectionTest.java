package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.engine.LookupAnswer;
import dev.fanout.schema.ErrorCode;
import dev.fanout.testserver.Script;
import dev.fanout.testserver.ScriptedServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/// A kept connection the upstream closed while it sat idle (a reload, a keep-alive time-out
/// shorter than the pool's second): the GET sent on it gets no byte back, and is sent once more on
/// a new connection. Not a retry of the upstream's (`retries: 0` here) nor a failure for its
/// circuit. Nothing else is sent again: a fresh connection's failure, or one after a byte of the
/// answer, is the call's.
@Timeout(30)
class StaleConnectionTest {

    @Test
    void aGetOnAConnectionClosedWhileIdleIsSentAgainOnANewOne() throws Exception {
        // Each connection answers one request, then is closed without a word, as a reload does.
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            connection.write(Stubs.okJson("{\"name\":\"Ada\"}"));
            return false;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "0", "breaker-failures", "1");
                UpstreamLookups lookups = upstreams.forRequest()) {
            for (int i = 0; i < 4; i++) {
                LookupAnswer answer = lookups.lookup(Stubs.customer("n", "/name"), "v" + i);
                assertEquals(List.of("Ada"), answer.enrichValues(), () -> "lookup " + answer);
            }
            assertEquals(4, upstream.requests(), "the stale connections never read theirs");
            assertTrue(upstream.connections() >= 4 && upstream.connections() <= 7, upstream.connections() + " connections");
        }
    }

    @Test
    void aRequestTheUpstreamReadAndLeftUnansweredIsSentOnceMoreOnly() throws Exception {
        var requests = new AtomicInteger();
        // The first request is answered on a kept connection; every later one is read, and the
        // connection closed without an answer.
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            if (requests.incrementAndGet() == 1) {
                connection.write(Stubs.okJson("{\"name\":\"Ada\"}"));
                return true;
            }
            return false;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "0");
                UpstreamLookups lookups = upstreams.forRequest()) {
            assertEquals(List.of("Ada"), lookups.lookup(Stubs.customer("n", "/name"), "1").enrichValues());

            LookupAnswer second = lookups.lookup(Stubs.customer("n", "/name"), "2");

            assertEquals(ErrorCode.LOOKUP_FAILED, second.failure().orElseThrow().code(), second::toString);
            assertEquals(3, requests.get(), "the kept connection's, then one on a new connection, and no more");
            assertEquals(2, upstream.connections());
        }
    }

    @Test
    void anAnswerCutOffAfterItsFirstByteIsNotSentAgain() throws Exception {
        var requests = new AtomicInteger();
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            if (requests.incrementAndGet() == 1) {
                connection.write(Stubs.okJson("{\"name\":\"Ada\"}"));
                return true;
            }
            connection.write("HTTP/1.1 200 OK\r\nContent-".getBytes(StandardCharsets.US_ASCII));
            return false;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "0");
                UpstreamLookups lookups = upstreams.forRequest()) {
            assertEquals(List.of("Ada"), lookups.lookup(Stubs.customer("n", "/name"), "1").enrichValues());

            LookupAnswer second = lookups.lookup(Stubs.customer("n", "/name"), "2");

            assertEquals(ErrorCode.LOOKUP_FAILED, second.failure().orElseThrow().code(), second::toString);
            assertEquals(2, requests.get(), "not sent again: the upstream had begun to answer");
            assertEquals(1, upstream.connections());
        }
    }
}
