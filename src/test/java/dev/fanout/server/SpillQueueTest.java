package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.memory.PooledArrayOutput;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/// The answer queue: arrays taken over are queued as they are (no copy), a small write lands in
/// the last piece's spare room, and draining one piece hands its own array back while several are
/// joined in order; every piece the sender gets, from memory or the spill file, keeps the free
/// room around its bytes that the sender frames a chunk in.
class SpillQueueTest {
    /// `text` at the room's offset of an array of `length` bytes, as the engine hands rows over.
    private static byte[] rendered(String text, int length) {
        byte[] array = new byte[length];
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(bytes, 0, array, PooledArrayOutput.ROOM_BEFORE, bytes.length);
        return array;
    }

    private static String text(SpillQueue.Piece piece) {
        return new String(piece.bytes(), piece.offset(), piece.length(), StandardCharsets.UTF_8);
    }

    private static void assertRoomAround(SpillQueue.Piece piece) {
        assertTrue(piece.offset() >= PooledArrayOutput.ROOM_BEFORE, "room before: " + piece.offset());
        assertTrue(piece.bytes().length - piece.end() >= PooledArrayOutput.ROOM_AFTER,
                "room after: " + (piece.bytes().length - piece.end()));
    }

    @Test
    void anArrayTakenOverIsQueuedAsItIsAndDrainedAsItIs() {
        var queue = new SpillQueue(1 << 20, Optional.empty());
        byte[] rows = rendered("{\"row\":1}\n", 4096);
        queue.addTakingOver(rows, PooledArrayOutput.ROOM_BEFORE, 10);
        byte[] summary = "{\"summary\":{}}\n".getBytes(StandardCharsets.UTF_8);
        queue.addToMemory(summary, 0, summary.length);
        assertEquals(10 + summary.length, queue.memoryBytes());
        SpillQueue.Piece drained = queue.drainMemory();
        assertSame(rows, drained.bytes(), "one piece: its own array, not a copy");
        assertEquals("{\"row\":1}\n{\"summary\":{}}\n", text(drained));
        assertRoomAround(drained);
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.memoryBytes());
    }

    @Test
    void aTakenOverArrayThatFitsTheLastPiecesRoomIsCopiedThere() {
        var queue = new SpillQueue(1 << 20, Optional.empty());
        byte[] first = rendered("a\n", 4096);
        queue.addTakingOver(first, PooledArrayOutput.ROOM_BEFORE, 2);
        queue.addTakingOver(rendered("b\n", 4096), PooledArrayOutput.ROOM_BEFORE, 2);
        SpillQueue.Piece only = queue.pollMemory();
        assertSame(first, only.bytes());
        assertEquals("a\nb\n", text(only));
        assertRoomAround(only);
        assertTrue(queue.isEmpty());
    }

    @Test
    void aLargeArrayHoldingFewBytesIsCopiedIntoOneThatFits() {
        var queue = new SpillQueue(1 << 20, Optional.empty());
        byte[] large = rendered("{\"row\":7}\n", 1 << 20);
        queue.addTakingOver(large, PooledArrayOutput.ROOM_BEFORE, 10);
        SpillQueue.Piece only = queue.pollMemory();
        assertNotSame(large, only.bytes());
        assertTrue(only.bytes().length <= 4096, "held: " + only.bytes().length);
        assertEquals("{\"row\":7}\n", text(only));
        assertRoomAround(only);
    }

    @Test
    void severalPiecesAreDrainedAsOneArrayInOrder() {
        var queue = new SpillQueue(1 << 20, Optional.empty());
        byte[] first = rendered("x".repeat(4000), 4096);
        byte[] second = rendered("y".repeat(3000), 4096);
        queue.addTakingOver(first, PooledArrayOutput.ROOM_BEFORE, 4000);
        queue.addTakingOver(second, PooledArrayOutput.ROOM_BEFORE, 3000);
        SpillQueue.Piece drained = queue.drainMemory();
        assertNotSame(first, drained.bytes());
        assertEquals(7000, drained.length());
        byte[] expected = ("x".repeat(4000) + "y".repeat(3000)).getBytes(StandardCharsets.UTF_8);
        assertArrayEquals(expected, Arrays.copyOfRange(drained.bytes(), drained.offset(), drained.end()));
        assertTrue(queue.isEmpty());
    }

    @Test
    void aSmallWriteLeavesTheRoomAfterTheLastPiece() {
        var queue = new SpillQueue(1 << 20, Optional.empty());
        byte[] rows = rendered("r".repeat(4080), 4096);
        queue.addTakingOver(rows, PooledArrayOutput.ROOM_BEFORE, 4080);
        // 6 bytes follow the rows, 4 of them free once the room is kept: 2 fit, then 3 do not.
        queue.addToMemory("ab".getBytes(StandardCharsets.UTF_8), 0, 2);
        queue.addToMemory("cde".getBytes(StandardCharsets.UTF_8), 0, 3);
        SpillQueue.Piece first = queue.pollMemory();
        assertSame(rows, first.bytes());
        assertEquals("r".repeat(4080) + "ab", text(first));
        assertRoomAround(first);
        SpillQueue.Piece second = queue.pollMemory();
        assertEquals("cde", text(second));
        assertRoomAround(second);
    }

    /// A chunk's rendered rows larger than the memory limit (a dirty upload's ~530 KB against
    /// 256 KiB) stay in memory when nothing else waits, rather than being copied to the file and
    /// back; while they wait, what follows goes to the file, and once the file has bytes unsent,
    /// everything does, so that the order holds.
    @Test
    void anArrayHandedOverLargerThanTheLimitStaysInMemoryOnlyWhenNothingElseWaits() throws IOException {
        var queue = new SpillQueue(1024, Optional.empty());
        try {
            assertTrue(queue.goesToFile(4000), "a copy that large goes to the file");
            assertFalse(queue.handedOverGoesToFile(4000), "an array handed over, nothing waiting: kept");
            queue.addTakingOver(rendered("{\"row\":1}\n", 8192), PooledArrayOutput.ROOM_BEFORE, 4000);
            assertTrue(queue.overLimit());
            assertEquals(4000, queue.memoryBytes());
            assertTrue(queue.handedOverGoesToFile(10), "another while it waits: to the file");
            assertTrue(queue.goesToFile(10));

            byte[] line = "{\"row\":2}\n".getBytes(StandardCharsets.UTF_8);
            queue.openFile();
            queue.written(queue.writeToFile(line, 0, line.length));
            SpillQueue.Piece first = queue.drainMemory();
            assertEquals(4000, first.length());
            assertEquals(0, queue.memoryBytes());
            assertTrue(queue.handedOverGoesToFile(10), "memory is empty but the file has bytes unsent");
            SpillQueue.FileRange range = queue.nextFileRange();
            assertEquals("{\"row\":2}\n", text(queue.read(range)));
            queue.sentFromFile(range);
            assertFalse(queue.handedOverGoesToFile(4000), "all sent: kept in memory again");
            assertFalse(queue.overLimit());
        } finally {
            queue.delete();
        }
    }

    @Test
    void aRangeReadBackFromTheFileHasTheRoomAroundIt() throws IOException {
        var queue = new SpillQueue(16, Optional.empty());
        try {
            byte[] line = "{\"row\":1,\"valid\":true}\n".getBytes(StandardCharsets.UTF_8);
            assertTrue(queue.goesToFile(line.length));
            queue.openFile();
            queue.written(queue.writeToFile(line, 0, line.length));
            SpillQueue.FileRange range = queue.nextFileRange();
            SpillQueue.Piece read = queue.read(range);
            assertEquals(new String(line, StandardCharsets.UTF_8), text(read));
            assertRoomAround(read);
        } finally {
            queue.delete();
        }
    }

    @Test
    @Timeout(10)
    void aRangeTheFileDoesNotHoldFailsAsTheSpillFilesFailure() throws IOException {
        var queue = new SpillQueue(16, Optional.empty());
        try {
            queue.openFile();
            byte[] line = "{\"row\":1}\n".getBytes(StandardCharsets.UTF_8);
            queue.written(queue.writeToFile(line, 0, line.length));
            // Past the file's end a read gets no bytes: it fails at once (it used to ask again forever).
            var failure = assertThrows(SpillQueue.SpillFailure.class,
                    () -> queue.read(new SpillQueue.FileRange(line.length, 100)));
            assertTrue(failure.getMessage().startsWith("cannot read the spill file back"), failure.getMessage());
        } finally {
            queue.delete();
        }
    }

    /// An interrupt closes a `FileChannel` under every thread using it: a client that went, or a
    /// cancelled run. The writer that was interrupted, and the sender that reads next, fail as an
    /// aborted answer, not as a disk's failure (which the gateway logs at ERROR and blames on the
    /// disk).
    @Test
    @Timeout(10)
    void aSpillFileClosedByAnInterruptFailsAsAnAbortNotAsTheDisk() throws IOException {
        var queue = new SpillQueue(16, Optional.empty());
        try {
            queue.openFile();
            byte[] line = "{\"row\":1}\n".getBytes(StandardCharsets.UTF_8);
            queue.written(queue.writeToFile(line, 0, line.length));
            Thread.currentThread().interrupt();
            IOException writing;
            try {
                writing = assertThrows(IOException.class, () -> queue.writeToFile(line, 0, line.length));
            } finally {
                Thread.interrupted();
            }
            assertFalse(writing instanceof SpillQueue.SpillFailure, writing.toString());
            assertTrue(writing instanceof InterruptedIOException, writing.toString());
            assertTrue(writing.getCause() instanceof ClosedByInterruptException, String.valueOf(writing.getCause()));

            IOException reading = assertThrows(IOException.class, () -> queue.read(queue.nextFileRange()));
            assertFalse(reading instanceof SpillQueue.SpillFailure, reading.toString());
            assertTrue(reading instanceof InterruptedIOException, reading.toString());
        } finally {
            queue.delete();
        }
    }

    @Test
    void aSpillFolderThatIsGoneFailsAsTheSpillFilesFailureAndLeavesNoFile(@TempDir Path dir) throws IOException {
        Path gone = dir.resolve("gone");
        var queue = new SpillQueue(16, Optional.of(gone));
        var failure = assertThrows(SpillQueue.SpillFailure.class, queue::openFile);
        assertTrue(failure.getMessage().startsWith("cannot make a spill file in " + gone), failure.getMessage());
        assertFalse(queue.hasFile());
        try (var left = Files.list(dir)) {
            assertEquals(0, left.count());
        }
    }
}

