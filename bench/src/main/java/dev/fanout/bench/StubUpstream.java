package dev.fanout.bench;

import io.helidon.common.mapper.MapperManager;
import io.helidon.webserver.WebServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/// A stand-in upstream for lookup benchmarks: answers `GET /customers/{id}` with a small JSON
/// body after a fixed delay, on virtual threads, and prints the peak number of calls in flight
/// on exit. Run: `java -cp benchmarks.jar dev.fanout.bench.StubUpstream PORT DELAY_MS`.
public final class StubUpstream {
    private StubUpstream() {
    }

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        Duration delay = Duration.ofMillis(Long.parseLong(args[1]));
        var inFlight = new AtomicInteger();
        var peak = new AtomicInteger();
        var calls = new AtomicInteger();
        // Helidon 4.4 otherwise builds a new global MapperManager through its service registry for
        // every request that has a Content-Length (its client sends `Content-Length: 0` on a GET):
        // measured at ~55 % of this stub's CPU. FanoutServer does the same.
        MapperManager.global(MapperManager.create());
        WebServer server = WebServer.builder()
                .host("127.0.0.1")
                .port(port)
                .routing(r -> r.get("/customers/{id}", (req, res) -> {
                    peak.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    calls.incrementAndGet();
                    try {
                        Thread.sleep(delay);
                        String id = req.path().pathParameters().get("id");
                        res.header("Content-Type", "application/json");
                        res.send(("{\"id\":\"" + id + "\",\"name\":\"Customer " + id + "\",\"tier\":2}").getBytes(StandardCharsets.UTF_8));
                    } finally {
                        inFlight.decrementAndGet();
                    }
                }))
                .build()
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("stub: " + calls.get() + " calls, peak in flight " + peak.get());
            server.stop();
        }));
        System.out.println("stub: listening on " + server.port());
        Thread.currentThread().join();
    }
}
