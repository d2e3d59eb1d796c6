package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http1.Http1Config;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/// An answer cut short after its head and first lines went out, while the sender waits for more
/// (the engine failed: an unchecked exception, or an `Error`, which the handler answers with
/// `ResponsePump.abort`): the client never reads it as whole — no last chunk — and its connection
/// is closed. Before, the sender's stream was closed on every way out, so an aborted answer ended
/// with a well-formed last chunk on a connection kept alive: without `summary`, a truncated answer
/// a client could not tell from a whole one.
///
/// A bare Helidon server on a free port whose one route drives a real `ResponsePump` as the
/// validation handler does, with the gateway's `ConnectionCloser` as its HTTP/1 listener.
class CutAnswerTest {
    private static final byte[] FIRST_LINE = "{\"row\":1,\"line\":2,\"valid\":true,\"data\":{}}\n".getBytes(StandardCharsets.UTF_8);

    @Test
    void anAbortedAnswerIsCutAndItsConnectionClosed() throws Exception {
        try (var watchdog = new WriteWatchdog(Duration.ofSeconds(30));
                var reads = new UploadReadDeadline(Duration.ofSeconds(30))) {
            var connections = new ConnectionCloser(reads, Long.MAX_VALUE);
            WebServer server = WebServer.builder()
                    .port(0)
                    .host("127.0.0.1")
                    .addProtocol(Http1Config.builder().addReceiveListener(connections).build())
                    .routing(routing -> routing.post("/cut", (req, res) -> {
                        req.content().consume();
                        res.status(Status.OK_200);
                        res.header(HeaderNames.CONTENT_TYPE, "application/x-ndjson");
                        var pump = new ResponsePump(res, 1 << 20, Optional.empty(), Thread.ofVirtual().factory(), watchdog,
                                connections.of(req).orElseThrow(), false, true);
                        pump.write(FIRST_LINE, 0, FIRST_LINE.length);
                        pump.flush();
                        // The head and the line are out; the sender then waits for more.
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                        while (pump.bytesSent() == 0 && System.nanoTime() < deadline) {
                            Thread.sleep(5);
                        }
                        Thread.sleep(200);
                        pump.abort();
                    }))
                    .build()
                    .start();
            try (var connection = RawConnection.open(server.port()).readTimeout(Duration.ofSeconds(10))) {
                connection.postHead("/cut", "Content-Type: text/csv", "Content-Length: 0");
                RawConnection.Head head = connection.readHead();
                assertEquals(200, head.status());
                var body = connection.body(head);
                byte[] line = new byte[FIRST_LINE.length];
                assertEquals(line.length, body.readNBytes(line, 0, line.length));
                assertEquals(new String(FIRST_LINE, StandardCharsets.UTF_8), new String(line, StandardCharsets.UTF_8),
                        "the lines sent before the cut arrive");
                assertThrows(IOException.class, body::readAllBytes, "no last chunk: the answer reads as broken off");
                assertTrue(connection.closedByServer(), "the cut answer's connection is closed");
            } finally {
                server.stop();
            }
        }
    }
}
