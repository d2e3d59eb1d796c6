package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/// `fanout serve`'s warm-up (`WarmUp`): uploads to a throwaway gateway in the same JVM, the real
/// gateway's readiness DOWN meanwhile and nothing of it in its statistics; bounded, and ended by a
/// stop. (That `fanout serve` starts it: `ShutdownTest`, whose process waits for readiness.)
class WarmUpTest {
    @Test
    void theGatewayIsNotReadyWhileItWarmsUpAndCountsNoneOfTheWarmUp() throws Exception {
        try (var gateway = TestGateway.start(Optional.empty(), Map.of("fanout.warm-up.requests", "2000"), Map.of())) {
            FanoutServer server = gateway.server();
            assertEquals(204, gateway.get("/observe/health/ready").statusCode(), "ready: no warm-up asked for yet");
            server.warmUpInBackground();
            assertTrue(server.warmingUp(), "under way as soon as it is asked for");
            boolean probedWhileWarming = false;
            while (server.warmingUp()) {
                int status = gateway.get("/observe/health/ready").statusCode();
                if (server.warmingUp()) {
                    // Warming before and after the probe, so all through it.
                    assertEquals(503, status, "not ready while warming up");
                    probedWhileWarming = true;
                }
                Thread.sleep(10);
            }
            assertTrue(probedWhileWarming, "the warm-up was over before the first probe came back");
            assertEquals(2000, server.warmUpRequestsSent(), "every upload answered 200");
            assertEquals(204, gateway.get("/observe/health/ready").statusCode(), "ready once warm");

            JsonNode stats = TestGateway.JSON.readTree(gateway.get("/v1/stats").body());
            assertEquals(0, stats.at("/histograms/request/run/count").asLong(), stats.toString());
            assertEquals(0, stats.path("requests").size(), stats.toString());
            assertFalse(gateway.get("/metrics").body().contains("fanout_requests_total{"), "no request counted");
            // The next request is the gateway's first.
            gateway.assertStillServes();
            assertTrue(Await.until(Duration.ofSeconds(5), () -> TestGateway.JSON.readTree(gateway.get("/v1/stats").body())
                    .at("/histograms/request/run/count").asLong() == 1), "counted from 1");

            server.warmUpInBackground();
            assertFalse(server.warmingUp(), "once per gateway");
        }
    }

    @Test
    void noRequestsMeansNoWarmUp() throws Exception {
        try (var gateway = TestGateway.start(Optional.empty(), Map.of("fanout.warm-up.requests", "0"), Map.of())) {
            gateway.server().warmUpInBackground();
            assertFalse(gateway.server().warmingUp());
            assertEquals(204, gateway.get("/observe/health/ready").statusCode());
            assertEquals(0, gateway.server().warmUpRequestsSent());
        }
        var e = assertThrows(IllegalArgumentException.class, () -> ServerSettings.from(
                FanoutConfig.load(Optional.empty(), Map.of(), Map.of("FANOUT_WARM_UP_REQUESTS", "-1"))));
        assertEquals("fanout.warm-up.requests must be at least 0, not -1", e.getMessage());
        assertEquals(WarmUp.DEFAULT_REQUESTS, ServerSettings.from(FanoutConfig.load(Optional.empty(), Map.of(), Map.of()))
                .warmUpRequests(), "the bundled configuration's count");
    }

    @Test
    void aStopEndsAWarmUpUnderWayAndItsThrowawayGateway() throws Exception {
        var gateway = TestGateway.start(Optional.empty(), Map.of("fanout.warm-up.requests", "10000000"), Map.of());
        FanoutServer server = gateway.server();
        server.warmUpInBackground();
        assertTrue(Await.until(Duration.ofSeconds(20), () -> server.warmUpRequestsSent() >= 100));
        int throwaway = server.warmUpPort();
        assertTrue(throwaway > 0 && throwaway != gateway.port(), "a gateway of its own: " + throwaway);
        long start = System.nanoTime();
        gateway.close();
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10), "stopped promptly");
        assertFalse(server.warmingUp());
        int sent = server.warmUpRequestsSent();
        assertTrue(sent < 10_000_000, "cut short: " + sent);
        Thread.sleep(200);
        assertEquals(sent, server.warmUpRequestsSent(), "nothing sent after the stop");
        // Neither the warm-up's thread nor the throwaway gateway outlives it.
        assertEquals(0, server.warmUpPort());
        server.warmUpInBackground();
        assertFalse(server.warmingUp(), "none after the stop");
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("fanout-warm-up")));
        try (var socket = new Socket()) {
            assertThrows(ConnectException.class, () -> socket.connect(new InetSocketAddress("127.0.0.1", throwaway), 2000));
        }
    }

    /// The uploads run every kind of problem the `people` schema finds, quoted cells and short and
    /// long rows, so that the code the JIT compiles from them has seen those branches.
    @Test
    void theWarmUpsUploadsRunEveryProblemOfThePeopleSchema() throws Exception {
        Set<String> codes = new TreeSet<>();
        int rows = 0;
        try (var gateway = TestGateway.start(Optional.empty(), Map.of(), Map.of())) {
            for (byte[] csv : WarmUp.uploads()) {
                var response = gateway.postCsv("/v1/validate?schema=people", new String(csv, StandardCharsets.UTF_8));
                assertEquals(200, response.statusCode(), response.body());
                for (String line : response.body().split("\n")) {
                    JsonNode row = TestGateway.JSON.readTree(line);
                    rows++;
                    row.path("errors").forEach(error -> codes.add((error.path("field").isTextual() ? error.path("field").asText() : "-")
                            + "/" + error.path("code").asText()));
                }
            }
            assertEquals(WarmUp.uploads().size() * 20, rows);
        }
        assertEquals(new TreeSet<>(Set.of("age/maximum", "age/minimum", "age/type", "name/required", "email/format",
                "email/required", "id/minimum", "id/type", "city/maxLength", "-/field_count")), codes);
        String all = new String(WarmUp.uploads().getFirst(), StandardCharsets.UTF_8);
        assertTrue(all.contains("\"Washington, D.C.\"") && all.contains("\"\""), "quoted cells, an escaped quote");
    }
}
