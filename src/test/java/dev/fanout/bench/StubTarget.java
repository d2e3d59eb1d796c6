package dev.fanout.bench;

import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/// A Helidon server on 127.0.0.1 standing in for a gateway whose timing a test must control:
/// `POST /v1/validate` reads the whole body, waits out any stall in progress, sleeps `delay`,
/// and answers one NDJSON row and a summary line. Other paths answer bodies that break the
/// NDJSON contract in one way each.
final class StubTarget implements AutoCloseable {
    static final String ANSWER = "{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"id\":1}}\n"
            + "{\"summary\":{\"rows\":1,\"valid\":1,\"invalid\":0,\"elapsedMs\":0.1}}\n";

    private final WebServer server;
    private final AtomicLong delayNanos = new AtomicLong();
    private final AtomicLong stallUntil = new AtomicLong(System.nanoTime());
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong arrived = new AtomicLong();
    private final AtomicLong stallAt = new AtomicLong(-1);
    private final AtomicLong stallNanos = new AtomicLong();

    StubTarget() {
        server = WebServer.builder()
                .host("127.0.0.1")
                .port(0)
                .routing(routing -> routing
                        .post("/v1/validate", (req, res) -> {
                            drain(req.content().inputStream());
                            if (arrived.incrementAndGet() == stallAt.get()) {
                                stallUntil.set(System.nanoTime() + stallNanos.get());
                            }
                            waitOutStall();
                            long delay = delayNanos.get();
                            if (delay > 0) {
                                Thread.sleep(Duration.ofNanos(delay));
                            }
                            answered.incrementAndGet();
                            res.header("Content-Type", "application/x-ndjson");
                            res.send(ANSWER.getBytes(StandardCharsets.UTF_8));
                        })
                        .post("/broken/{how}", (req, res) -> {
                            drain(req.content().inputStream());
                            String body = switch (req.path().pathParameters().get("how")) {
                                case "cut" -> "{\"row\":1,\"valid\":true}\n{\"row\":2,\"va";
                                case "error-line" -> "{\"row\":1,\"valid\":true}\n{\"error\":{\"code\":\"truncated\",\"message\":\"x\",\"row\":2}}\n";
                                case "slow" -> {
                                    Thread.sleep(2_000);
                                    yield ANSWER;
                                }
                                default -> ANSWER;
                            };
                            res.header("Content-Type", "application/x-ndjson");
                            res.send(body.getBytes(StandardCharsets.UTF_8));
                        }))
                .build()
                .start();
    }

    URI url(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    /// Every answer from now on takes `delay` longer.
    void delay(Duration delay) {
        delayNanos.set(delay.toNanos());
    }

    /// Holds every answer for `length` once the `nth` request from now has arrived.
    void stallAtRequest(long nth, Duration length) {
        stallNanos.set(length.toNanos());
        stallAt.set(arrived.get() + nth);
    }

    long answered() {
        return answered.get();
    }

    private void waitOutStall() throws InterruptedException {
        long left;
        while ((left = stallUntil.get() - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static void drain(InputStream in) {
        try (in) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
