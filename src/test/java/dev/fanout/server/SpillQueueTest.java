package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/// The answer queue's memory side: arrays taken over are queued as they are (no copy), a small
/// write lands in the last piece's spare room, and draining one piece hands its own array back
/// while several are joined in order.
class SpillQueueTest {
    private static byte[] padded(String text, int length) {
        return Arrays.copyOf(text.getBytes(StandardCharsets.UTF_8), length);
    }

    private static String text(SpillQueue.Piece piece) {
        return new String(piece.bytes(), 0, piece.length(), StandardCharsets.UTF_8);
    }

    @Test
    void anArrayTakenOverIsQueuedAsItIsAndDrainedAsItIs() {
        var queue = new SpillQueue(1 << 20, Optional.empty());
        byte[] rows = padded("{\"row\":1}\n", 4096);
        queue.addTakingOver(rows, 10);
        byte[] summary = "{\"summary\":{}}\n".getBytes(StandardCharsets.UTF_8);
        queue.addToMemory(summary, 0, summary.length);
        assertEquals(10 + summary.length, queue.memoryBytes());
        SpillQueue.Piece drained = queue.drainMemory();
        assertSame(rows, drained.bytes(), "one piece: its own array, not a copy");
        assertEquals("{\"row\":1}\n{\"summary\":{}}\n", text(drained));
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.memoryBytes());
    }

    @Test
    void aTakenOverArrayThatFitsTheLastPiecesRoomIsCopiedThere() {
        var queue = new SpillQueue(1 << 20, Optional.empty());
        byte[] first = padded("a\n", 4096);
        queue.addTakingOver(first, 2);
        queue.addTakingOver(padded("b\n", 4096), 2);
        SpillQueue.Piece only = queue.pollMemory();
        assertSame(first, only.bytes());
        assertEquals("a\nb\n", text(only));
        assertTrue(queue.isEmpty());
    }

    @Test
    void aLargeArrayHoldingFewBytesIsCopiedIntoOneThatFits() {
        var queue = new SpillQueue(1 << 20, Optional.empty());
        byte[] large = padded("{\"row\":7}\n", 1 << 20);
        queue.addTakingOver(large, 10);
        SpillQueue.Piece only = queue.pollMemory();
        assertNotSame(large, only.bytes());
        assertTrue(only.bytes().length <= 4096, "held: " + only.bytes().length);
        assertEquals("{\"row\":7}\n", text(only));
    }

    @Test
    void severalPiecesAreDrainedAsOneArrayInOrder() {
        var queue = new SpillQueue(1 << 20, Optional.empty());
        byte[] first = padded("x".repeat(4000), 4096);
        byte[] second = padded("y".repeat(3000), 4096);
        queue.addTakingOver(first, 4000);
        queue.addTakingOver(second, 3000);
        SpillQueue.Piece drained = queue.drainMemory();
        assertNotSame(first, drained.bytes());
        assertEquals(7000, drained.length());
        byte[] expected = ("x".repeat(4000) + "y".repeat(3000)).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, Arrays.copyOf(drained.bytes(), 7000));
        assertTrue(queue.isEmpty());
    }
}
