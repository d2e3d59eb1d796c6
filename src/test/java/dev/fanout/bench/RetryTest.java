package dev.fanout.bench;

import static dev.fanout.bench.HttpConnectionTest.ROWS;
import static dev.fanout.bench.HttpConnectionTest.serve;
import static dev.fanout.bench.HttpConnectionTest.utf8;
import static dev.fanout.bench.HttpConnectionTest.withLength;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.testserver.Connection;
import dev.fanout.testserver.Request;
import dev.fanout.testserver.ScriptedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/// `--retries`: a request answered `503` is sent again after the answer's `Retry-After` (capped),
/// on a connection opened again when the server closed it, and the outcome of every request is
/// counted (first try, after retries, lost). Against a scripted server, so each count is exact.
@Timeout(60)
class RetryTest {
    static final String UNAVAILABLE = withLength("HTTP/1.1 503 Service Unavailable",
            "Content-Type: application/problem+json\r\nRetry-After: 0\r\nConnection: close\r\n", HttpConnectionTest.PROBLEM);
    static final String OK = withLength("HTTP/1.1 200 OK", "Content-Type: application/x-ndjson\r\n", ROWS);
    // What the benchmark's reads of /v1/stats/request.hdr get: this is no gateway.
    static final String NOT_FOUND = withLength("HTTP/1.1 404 Not Found", "Connection: close\r\n", "");

    @TempDir
    Path dir;
    ScriptedServer server;

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    /// Every other request (1st, 3rd, …) gets a 503 that closes the connection; the others a
    /// keep-alive 200.
    ScriptedServer everyOtherRequestUnavailable() throws Exception {
        var requests = new AtomicInteger();
        return serve(peer -> {
            for (var request = peer.read(); request != null; request = peer.read()) {
                if (statsRead(peer, request)) {
                    return;
                }
                if (requests.getAndIncrement() % 2 == 0) {
                    peer.write(utf8(UNAVAILABLE));
                    peer.close();
                    return;
                }
                peer.write(utf8(OK));
            }
        });
    }

    /// Answers the benchmark's read of the gateway's histogram with a 404 (and closes).
    static boolean statsRead(Connection peer, Request request) throws IOException {
        if (!request.requestLine().startsWith("GET ")) {
            return false;
        }
        peer.write(utf8(NOT_FOUND));
        peer.close();
        return true;
    }

    static long posts(ScriptedServer server) {
        return server.received().stream().filter(request -> request.requestLine().startsWith("POST ")).count();
    }

    LoadPlan plan(int requests, int retries) throws Exception {
        Path csv = dir.resolve("small.csv");
        Files.writeString(csv, "id,name\n1,Ada\n");
        var url = server.uri(HttpConnectionTest.PATH);
        return new LoadPlan(url, List.of(Payload.of(url, csv, false)), requests, null, 1, 0, Duration.ZERO, 1,
                Duration.ofSeconds(10), true, retries, List.of());
    }

    @Test
    void a503IsSentAgainOnAReopenedConnectionAndCountsAsRetriedThenSucceeded() throws Exception {
        server = everyOtherRequestUnavailable();

        BenchResult result = Benchmark.run(plan(10, 3), null, line -> { });

        assertEquals(10, result.requests(), "a retry is not another request");
        assertEquals(0, result.errors(), result.errorsByKind().toString());
        RoundResult.Retries retries = result.retries();
        assertEquals(new RoundResult.Retries(0, 10, 10, 10), retries);
        assertEquals(11 + 2, server.connections(), "two reads of /v1/stats; each 503 closed its connection; the retry opened the next");
        assertEquals(20, posts(server));
        assertEquals(10, result.latency().getTotalCount(), "one latency per request, waits included");
    }

    @Test
    void withoutRetriesA503IsLost() throws Exception {
        server = everyOtherRequestUnavailable();

        BenchResult result = Benchmark.run(plan(10, 0), null, line -> { });

        assertEquals(10, result.requests());
        assertEquals(5, result.errors());
        assertEquals(Map.of("status 503", 5L), result.errorsByKind());
        assertEquals(new RoundResult.Retries(5, 0, 0, 5), result.retries());
        assertEquals(6 + 2, server.connections(), "two reads of /v1/stats; after Connection: close the next request opens a new connection");
    }

    @Test
    void a503ThatStaysIsLostAfterTheLastRetry() throws Exception {
        server = serve(peer -> {
            for (var request = peer.read(); request != null; request = peer.read()) {
                if (statsRead(peer, request)) {
                    return;
                }
                peer.write(utf8(UNAVAILABLE));
            }
        });

        BenchResult result = Benchmark.run(plan(2, 2), null, line -> { });

        assertEquals(2, result.requests());
        assertEquals(2, result.errors());
        assertEquals(new RoundResult.Retries(0, 0, 4, 6), result.retries());
        assertEquals(6, posts(server), "each request sent three times");
    }

    @Test
    void aLongRetryAfterIsCappedAtOneSecond() throws Exception {
        var requests = new AtomicInteger();
        server = serve(peer -> {
            for (var request = peer.read(); request != null; request = peer.read()) {
                if (statsRead(peer, request)) {
                    return;
                }
                peer.write(utf8(requests.getAndIncrement() == 0
                        ? UNAVAILABLE.replace("Retry-After: 0", "Retry-After: 30") : OK));
            }
        });

        long start = System.nanoTime();
        BenchResult result = Benchmark.run(plan(1, 1), null, line -> { });
        double seconds = (System.nanoTime() - start) / 1e9;

        assertEquals(0, result.errors(), result.errorsByKind().toString());
        assertEquals(1, result.retries().retriedThenSucceeded());
        assertTrue(seconds >= 0.95 && seconds < 10, "waited the cap of 1 s, not 30 s: " + seconds);
        assertTrue(result.latency().getMaxValue() >= 950_000, "the wait counts in the request's latency");
    }
}
