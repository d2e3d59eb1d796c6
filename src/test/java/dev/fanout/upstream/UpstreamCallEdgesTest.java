package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.fanout.engine.LookupAnswer;
import dev.fanout.schema.ErrorCode;
import dev.fanout.testserver.Connection;
import dev.fanout.testserver.Script;
import dev.fanout.testserver.ScriptedServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/// The corners of an HTTP call that WireMock cannot reach: refused and hanging connects, a body
/// that trickles past the deadline, and the 1 MiB body limit, against hand-written upstreams on
/// 127.0.0.1.
class UpstreamCallEdgesTest {
    private static final int MIB = 1 << 20;

    private static LookupAnswer lookup(Upstreams upstreams) throws InterruptedException {
        try (UpstreamLookups lookups = upstreams.forRequest()) {
            return lookups.lookup(Stubs.customer("customer_name", "/name"), "17");
        }
    }

    private static String failure(LookupAnswer answer, ErrorCode code) {
        var violation = answer.failure().orElseThrow(() -> new AssertionError("expected a failure, got " + answer));
        assertEquals(code, violation.code(), violation.message());
        assertEquals(Arrays.asList((Object) null), answer.enrichValues());
        return violation.message();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    @Test
    void aRefusedConnectionIsRetriedThenFailed() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (Upstreams upstreams = Stubs.upstreamsAt("http://127.0.0.1:" + closedPort, "retries", "2")) {
            long start = System.nanoTime();
            String message = failure(lookup(upstreams), ErrorCode.LOOKUP_FAILED);

            assertEquals("\"17\" could not be looked up: the connection to upstream 'crm' failed: connection refused"
                    + " (3 calls)", message);
            // Three waits for the default 1 s connect-timeout would take 3 s.
            assertTrue(millisSince(start) < 2_000, "refused at once, took " + millisSince(start) + " ms");
        }
    }

    /// A listening socket whose accept queue is full: the kernel drops further SYNs, so a connect
    /// hangs until its time-out (Linux; on a system that refuses instead, the test is skipped).
    @Test
    void aHangingConnectTimesOutAndIsRetriedLikeAConnectionError() throws Exception {
        try (var full = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<Socket> queued = new ArrayList<>();
            try {
                boolean hangs = false;
                for (int i = 0; i < 16 && !hangs; i++) {
                    var socket = new Socket();
                    queued.add(socket);
                    try {
                        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), full.getLocalPort()), 100);
                    } catch (SocketTimeoutException e) {
                        hangs = true;
                    }
                }
                assumeTrue(hangs, "connects to a full accept queue do not hang here");
                try (Upstreams upstreams = Stubs.upstreamsAt("http://127.0.0.1:" + full.getLocalPort(),
                        "connect-timeout", "200ms", "timeout", "2s", "retries", "1")) {
                    long start = System.nanoTime();
                    String message = failure(lookup(upstreams), ErrorCode.LOOKUP_TIMEOUT);
                    long elapsedMillis = millisSince(start);

                    assertEquals("\"17\" could not be looked up: upstream 'crm' did not accept a connection within"
                            + " 200 ms (2 calls)", message);
                    assertTrue(elapsedMillis >= 400 && elapsedMillis < 1_800, "two connect time-outs took " + elapsedMillis + " ms");
                }
            } finally {
                for (Socket socket : queued) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aBodyThatTricklesPastTheDeadlineIsATimeoutOfOneCall() throws Exception {
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            // The head at once, then a byte every 50 ms: no read waits long, the whole call does.
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n");
            for (int i = 0; i < 100; i++) {
                Thread.sleep(50);
                connection.write(" ");
            }
            return true;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "timeout", "300ms", "retries", "2")) {
            long start = System.nanoTime();
            String message = failure(lookup(upstreams), ErrorCode.LOOKUP_TIMEOUT);
            long elapsedMillis = millisSince(start);

            assertEquals("\"17\" could not be looked up: upstream 'crm' did not answer within 300 ms", message);
            assertTrue(elapsedMillis >= 300 && elapsedMillis < 1_300, "stopped after " + elapsedMillis + " ms");
            Thread.sleep(200); // a retry would arrive within its 10-20 ms backoff
            assertEquals(1, upstream.requests(), "a time-out is not retried");
        }
    }

    @Test
    void aBodyOverOneMebibyteIsFailedWithoutRetry() throws Exception {
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            connection.write(Stubs.okJson(jsonOfLength(MIB + 1)));
            return true;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "2")) {
            String message = failure(lookup(upstreams), ErrorCode.LOOKUP_FAILED);

            assertEquals("\"17\" could not be looked up: upstream 'crm' answered with a body over 1 MiB", message);
            assertEquals(1, upstream.requests(), "the same answer would come again: not retried");
        }
    }

    @Test
    void aChunkedBodyOverOneMebibyteIsFailedWithoutRetry() throws Exception {
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            connection.write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
            byte[] body = jsonOfLength(MIB + 1).getBytes(StandardCharsets.UTF_8);
            for (int offset = 0; offset < body.length; offset += 64 * 1024) {
                int length = Math.min(64 * 1024, body.length - offset);
                writeChunk(connection, body, offset, length);
            }
            connection.write("0\r\n\r\n");
            return true;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "2")) {
            String message = failure(lookup(upstreams), ErrorCode.LOOKUP_FAILED);

            assertEquals("\"17\" could not be looked up: upstream 'crm' answered with a body over 1 MiB", message);
            assertEquals(1, upstream.requests());
        }
    }

    @Test
    void aBodyOfExactlyOneMebibyteIsFound() throws Exception {
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            connection.write(Stubs.okJson(jsonOfLength(MIB)));
            return true;
        })); Upstreams upstreams = Stubs.upstreams(upstream)) {
            LookupAnswer answer = lookup(upstreams);

            assertEquals(Optional.empty(), answer.failure());
            assertEquals(List.of("Ada"), answer.enrichValues());
        }
    }

    @Test
    void aLookupWithoutEnrichDoesNotNeedTheBody() throws Exception {
        try (var upstream = ScriptedServer.start(Script.eachRequest((request, connection) -> {
            connection.write(Stubs.okJson(jsonOfLength(2 * MIB)));
            return false;
        })); Upstreams upstreams = Stubs.upstreams(upstream, "retries", "2");
                UpstreamLookups lookups = upstreams.forRequest()) {
            LookupAnswer answer = lookups.lookup(Stubs.customer(), "17");

            assertEquals(Optional.empty(), answer.failure(), "found: the status is the whole answer");
            assertEquals(1, upstream.requests());
        }
    }

    /// `{"name":"Ada","pad":"…"}` of exactly `length` bytes.
    private static String jsonOfLength(int length) {
        String frame = "{\"name\":\"Ada\",\"pad\":\"\"}";
        return frame.replace("\"\"}", "\"" + "x".repeat(length - frame.length()) + "\"}");
    }

    private static void writeChunk(Connection connection, byte[] body, int offset, int length) throws IOException {
        connection.write(Integer.toHexString(length) + "\r\n");
        connection.write(Arrays.copyOfRange(body, offset, offset + length));
        connection.write("\r\n");
    }
}
