package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// SIGTERM drains: a real `fanout serve` process, ready once it has warmed up, turns its readiness
/// DOWN at once, keeps serving for the readiness delay, then refuses new requests with 503 +
/// `Connection: close`, closes its idle keep-alive connections, lets the validation in flight
/// finish within the grace period, and exits 0.
class ShutdownTest {
    @TempDir
    Path dir;

    @Test
    void sigtermTakesTheGatewayOutOfRotationThenRefusesThenExitsZero() throws Exception {
        Path config = Files.writeString(dir.resolve("fanout.yaml"), """
                server:
                  host: 127.0.0.1
                fanout:
                  engine:
                    chunk-rows: 16
                  shutdown:
                    readiness-delay: PT1.5S
                    grace-period: PT20S
                """);
        Process server = GatewayProcess.start(config, "-Xmx128m");
        try {
            int port = GatewayProcess.awaitPort(server);
            var client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            // `fanout serve` warms itself up first (WarmUp), readiness DOWN meanwhile.
            int ready = get(client, port, "/observe/health/ready").statusCode();
            for (long start = System.nanoTime(); ready != 204 && System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30); ) {
                assertEquals(503, ready, "DOWN while warming up");
                Thread.sleep(50);
                ready = get(client, port, "/observe/health/ready").statusCode();
            }
            assertEquals(204, ready, "ready (UP, no details) once warm, before the signal");
            try (var held = HeldUpload.start(port); var idle = RawConnection.open(port).readTimeout(Duration.ofSeconds(10))) {
                // A keep-alive connection that has had its answer and sends nothing more.
                idle.send("GET /v1/schemas HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                var head = idle.readHead();
                assertEquals(200, head.status());
                RawConnection.readAll(idle.body(head));

                long signalled = System.nanoTime();
                server.toHandle().destroy(); // SIGTERM
                int readiness = 204;
                while (readiness == 204 && System.nanoTime() - signalled < TimeUnit.SECONDS.toNanos(1)) {
                    readiness = get(client, port, "/observe/health/ready").statusCode();
                }
                assertEquals(503, readiness, "readiness goes DOWN at once");
                assertTrue(System.nanoTime() - signalled < TimeUnit.MILLISECONDS.toNanos(1500),
                        "readiness went DOWN within the readiness delay");
                HttpResponse<String> during = validate(client, port);
                assertEquals(200, during.statusCode(), "requests are served while balancers notice");
                assertEquals("close", during.headers().firstValue("Connection").orElse(""),
                        "and their connections end with them");
                assertEquals(204, get(client, port, "/observe/health/live").statusCode(), "alive while draining");

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                int status = 200;
                HttpResponse<String> refused = null;
                while (status != 503 && System.nanoTime() < deadline) {
                    refused = validate(client, port);
                    status = refused.statusCode();
                    Thread.sleep(20);
                }
                assertEquals(503, status, "a new request after the readiness delay is refused");
                assertTrue(System.nanoTime() - signalled >= TimeUnit.MILLISECONDS.toNanos(1400),
                        "not before the readiness delay");
                assertTrue(refused.headers().firstValue("Retry-After").isPresent());
                assertEquals("close", refused.headers().firstValue("Connection").orElse(""),
                        "a keep-alive client is told to take its retry elsewhere");
                assertEquals(503, get(client, port, "/v1/schemas").statusCode(),
                        "every public route is refused, not only validation");
                assertEquals(503, get(client, port, "/observe/health/ready").statusCode(), "still not ready");
                assertTrue(idle.closedByServer(), "the idle keep-alive connection is closed");
                assertTrue(server.isAlive(), "the server waits for the validation in flight");
                held.finish(); // the running validation completes, whole, after SIGTERM
            }
            assertTrue(server.waitFor(15, TimeUnit.SECONDS), "the server exits once drained");
            assertEquals(0, server.exitValue(), "a stop that was asked for is not a failure");
        } finally {
            server.destroyForcibly();
        }
    }

    private static HttpResponse<String> get(HttpClient client, int port, String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> validate(HttpClient client, int port) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/validate?schema=people"))
                .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("id,name,email\n1,Ada,a@b.org\n")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
