package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// Many clients at once, with an answer queue of 16 KiB: most answers go partly through their spill
/// file and out on a sender thread, while the engine's chunk arrays are handed to the queue, kept
/// or copied, and given back to the shared pool from several threads. An array given back while
/// still queued or being sent, or given back twice, would be handed out again and written over:
/// some answer here would then not be exactly its own.
class SpilledAnswersConcurrencyTest {
    static final int CLIENTS = 100;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.engine.chunk-rows", "64")
            .setting("fanout.response.memory-buffer-bytes", "16384");

    @Test
    @Timeout(120)
    void everyClientGetsExactlyItsOwnAnswerThroughASmallQueue() throws Exception {
        List<ConcurrencyTest.Case> cases = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
            cases.add(ConcurrencyTest.Case.of(c));
        }
        var go = new CountDownLatch(1);
        List<Future<HttpResponse<String>>> answers = new ArrayList<>();
        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            for (ConcurrencyTest.Case c : cases) {
                answers.add(clients.submit(() -> {
                    go.await();
                    return gateway.postCsv(c.query(), c.file().csv());
                }));
            }
            go.countDown();
            for (int c = 0; c < CLIENTS; c++) {
                HttpResponse<String> response = answers.get(c).get(60, TimeUnit.SECONDS);
                assertEquals(200, response.statusCode(), "client " + c + ": " + response.body());
                assertEquals(cases.get(c).expected(), TestGateway.masked(response.body()), "client " + c);
            }
        }
        gateway.assertStillServes();
    }
}
