package dev.fanout.bench;

import dev.fanout.testserver.Connection;
import dev.fanout.testserver.Request;
import dev.fanout.testserver.Script;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/// A [Script] for a `dev.fanout.testserver.ScriptedServer` standing in for a gateway whose timing
/// a test must control: `POST /v1/validate` reads the whole body, waits out any stall in progress,
/// sleeps `delay`, and answers one NDJSON row and a summary line, keep-alive. `/broken/{how}`
/// answers bodies that break the NDJSON contract in one way each; any other path is a `404`.
final class StandInGateway implements Script {
    static final String ANSWER = "{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"id\":1}}\n"
            + "{\"summary\":{\"rows\":1,\"valid\":1,\"invalid\":0,\"elapsedMs\":0.1}}\n";

    private final AtomicLong delayNanos = new AtomicLong();
    private final AtomicLong stallUntil = new AtomicLong(System.nanoTime());
    private final AtomicLong arrived = new AtomicLong();
    private final AtomicLong stallAt = new AtomicLong(-1);
    private final AtomicLong stallNanos = new AtomicLong();

    /// Every answer from now on takes `delay` longer.
    void delay(Duration delay) {
        delayNanos.set(delay.toNanos());
    }

    /// Holds every answer for `length` once the `nth` request from now has arrived.
    void stallAtRequest(long nth, Duration length) {
        stallNanos.set(length.toNanos());
        stallAt.set(arrived.get() + nth);
    }

    @Override
    public void run(Connection connection) throws IOException, InterruptedException {
        for (Request request = connection.read(); request != null; request = connection.read()) {
            String path = request.path();
            if (request.requestLine().startsWith("POST ") && path.equals("/v1/validate")) {
                if (arrived.incrementAndGet() == stallAt.get()) {
                    stallUntil.set(System.nanoTime() + stallNanos.get());
                }
                waitOutStall();
                connection.pause(Duration.ofNanos(delayNanos.get()));
                connection.write(ndjson("200 OK", ANSWER));
            } else if (request.requestLine().startsWith("POST ") && path.startsWith("/broken/")) {
                String body = switch (path.substring("/broken/".length())) {
                    case "cut" -> "{\"row\":1,\"valid\":true}\n{\"row\":2,\"va";
                    case "error-line" -> "{\"row\":1,\"valid\":true}\n{\"error\":{\"code\":\"truncated\",\"message\":\"x\",\"row\":2}}\n";
                    case "slow" -> {
                        connection.pause(Duration.ofSeconds(2));
                        yield ANSWER;
                    }
                    default -> ANSWER;
                };
                connection.write(ndjson("200 OK", body));
            } else {
                connection.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
            }
        }
    }

    private void waitOutStall() throws InterruptedException {
        long left;
        while ((left = stallUntil.get() - System.nanoTime()) > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    private static byte[] ndjson(String status, String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] head = ("HTTP/1.1 " + status + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + bytes.length
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] answer = new byte[head.length + bytes.length];
        System.arraycopy(head, 0, answer, 0, head.length);
        System.arraycopy(bytes, 0, answer, head.length, bytes.length);
        return answer;
    }
}
