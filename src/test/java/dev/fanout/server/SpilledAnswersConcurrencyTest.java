package dev.fanout.server;

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
        ConcurrencyTest.assertEachGetsItsOwnAnswer(gateway, CLIENTS, false);
    }
}
