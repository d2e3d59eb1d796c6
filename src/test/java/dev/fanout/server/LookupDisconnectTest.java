package dev.fanout.server;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// A client that resets its connection while its rows wait on slow upstream lookups stops them:
/// no upstream call starts later than 500 ms after the reset, and the run's threads, admission
/// place and spill file are given back. Without detection the gateway would notice only when it
/// next read the upload or wrote a row — seconds later, with the lookups of every chunk in flight
/// still calling the upstream.
class LookupDisconnectTest {
    static final String ORDERS = """
            {"fields":[
              {"name":"customer","type":"string","x-lookup":{"upstream":"crm","path":"/customers/{value}"}},
              {"name":"amount","type":"integer"}]}""";
    static final int UPSTREAM_DELAY_MILLIS = 150;
    static final long RESET_AFTER_BYTES = 2_800_000;

    @Order(1)
    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").containerThreads(80))
            .build();

    @Order(2)
    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas(Map.of("orders.json", ORDERS))
            .setting("fanout.upstreams.crm.base-uri", () -> "http://127.0.0.1:" + crm.getPort())
            .setting("fanout.upstreams.crm.timeout", "5s")
            .setting("fanout.upstreams.crm.max-concurrency", "32")
            .folderSetting("fanout.response.spill-dir", "spill");
    static SpillDir spill;

    @BeforeAll
    static void spill() {
        spill = new SpillDir(gateway.dir().resolve("spill"));
    }

    @Test
    @Timeout(60)
    void aResetClientsLookupsStopWithin500Milliseconds() throws Exception {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")),
                "disconnects are detected through the kernel's TCP tables, which only Linux has");
        crm.stubFor(any(urlPathMatching("/customers/.*")).willReturn(okJson("{\"name\":\"x\"}")
                .withFixedDelay(UPSTREAM_DELAY_MILLIS)));
        int baseline = gateway.server().liveWorkThreads();
        var socket = new Socket("127.0.0.1", gateway.port());
        socket.setTcpNoDelay(true);
        AtomicLong sent = new AtomicLong();
        OutputStream out = socket.getOutputStream();
        // 300,000 rows of distinct customers, sent by a thread of its own: the gateway reads only as
        // fast as the lookups go, so the sender soon blocks.
        Thread sender = Thread.ofVirtual().start(() -> {
            try {
                out.write(("POST /v1/validate?schema=orders HTTP/1.1\r\nHost: x\r\nContent-Type: text/csv\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                var rows = new StringBuilder("customer,amount\n");
                for (int id = 1; id <= 300_000; id++) {
                    rows.append("customer-").append(id).append(',').append(id % 1000).append('\n');
                    if (rows.length() > 16_000 || id == 300_000) {
                        byte[] chunk = rows.toString().getBytes(StandardCharsets.UTF_8);
                        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        sent.addAndGet(chunk.length);
                        rows.setLength(0);
                    }
                }
            } catch (IOException e) {
                // The reset below ends the upload.
            }
        });

        // Until 2.8 MB are out, or the sender is stuck on a full connection for a second, with lookups
        // under way.
        long lastProgress = System.nanoTime();
        long lastSent = 0;
        while (sent.get() < RESET_AFTER_BYTES && System.nanoTime() - lastProgress < Duration.ofSeconds(1).toNanos()) {
            Thread.sleep(20);
            if (sent.get() != lastSent) {
                lastSent = sent.get();
                lastProgress = System.nanoTime();
            }
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (crm.getAllServeEvents().size() < 100 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(crm.getAllServeEvents().size() >= 100, "lookups were under way: " + crm.getAllServeEvents().size());
        assertEquals(1, gateway.server().runningValidations());
        socket.setSoLinger(true, 0);
        long resetMillis = System.currentTimeMillis();
        socket.close();
        sender.join(5_000);

        Thread.sleep(2_000);
        List<LoggedRequest> late = crm.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                        urlPathMatching("/customers/.*"))).stream()
                .filter(request -> request.getLoggedDate().toInstant().toEpochMilli() > resetMillis + 500)
                .toList();
        assertTrue(late.isEmpty(), late.size() + " upstream calls started more than 500 ms after the reset (first: "
                + (late.isEmpty() ? "" : (late.getFirst().getLoggedDate().toInstant().toEpochMilli() - resetMillis) + " ms") + ")");
        gateway.assertRequestsLetGo(baseline, Duration.ofSeconds(5));
        spill.assertUnused();
        gateway.assertStillServes();
    }
}
