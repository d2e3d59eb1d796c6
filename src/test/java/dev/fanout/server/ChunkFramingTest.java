package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.memory.PooledArrayOutput;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// A streamed answer's chunked framing, byte for byte, as `ChunkedBody` writes it, with Helidon's
/// writes direct (the default) and queued (`server.write-queue-length`, which keeps each frame
/// after the write returns): every chunk's size line, data and CRLF, the last chunk, nothing after
/// it (the next request on the connection is answered). Each answer is
/// ~1.5 MB in engine chunks of ~600 KB, kept in memory (not the spill file, which is sent in
/// smaller ranges), which the sender hands over in 256 KiB slices: with queued writes a chunk a
/// slice, with direct writes a chunk a piece, framed in place. Then the same with the default
/// chunks (~150 KB, framed in their own arrays when Helidon writes directly), with answers read
/// back from the spill file, and with queued writes (framed in fresh arrays); and the framing in
/// place itself: which array goes to the socket, and what is in it.
class ChunkFramingTest {
    private static final People.File FILE = People.file(1, 10_000, People::mixed);
    private static final People.File NEXT = People.file(20_001, 30, People::mixed);

    @RegisterExtension
    static final GatewayExtension directWrites = GatewayExtension.withSchemas()
            .setting("fanout.engine.chunk-rows", "4096")
            .setting("fanout.response.memory-buffer-bytes", "8388608");

    @RegisterExtension
    static final GatewayExtension queuedWrites = GatewayExtension.withSchemas()
            .setting("fanout.engine.chunk-rows", "4096")
            .setting("fanout.response.memory-buffer-bytes", "8388608")
            .setting("server.write-queue-length", "4");

    @RegisterExtension
    static final GatewayExtension inPlace = GatewayExtension.withSchemas()
            .setting("fanout.response.memory-buffer-bytes", "8388608");

    @RegisterExtension
    static final GatewayExtension inPlaceFromFile = GatewayExtension.withSchemas()
            .setting("fanout.response.memory-buffer-bytes", "1024");

    @RegisterExtension
    static final GatewayExtension queuedSmallChunks = GatewayExtension.withSchemas()
            .setting("fanout.response.memory-buffer-bytes", "8388608")
            .setting("server.write-queue-length", "4");

    @ParameterizedTest
    @ValueSource(strings = {"in memory", "from the spill file", "queued writes"})
    void piecesOfOneSliceAreExactChunks(String how) throws IOException {
        GatewayExtension gateway = switch (how) {
            case "in memory" -> inPlace;
            case "from the spill file" -> inPlaceFromFile;
            default -> queuedSmallChunks;
        };
        List<Integer> sizes = exchangeTwiceOnOneConnection(gateway);
        assertTrue(sizes.size() > 4, "the answer was streamed in several chunks: " + sizes);
        assertTrue(sizes.stream().allMatch(size -> size < ResponsePump.SEND_SLICE_BYTES), "one chunk a piece: " + sizes);
    }

    @Test
    void aPieceWithRoomIsFramedInItsOwnArray() throws IOException {
        var socket = new KeepingStream();
        byte[] piece = new byte[PooledArrayOutput.ROOM_BEFORE + 300 + PooledArrayOutput.ROOM_AFTER];
        Arrays.fill(piece, PooledArrayOutput.ROOM_BEFORE, PooledArrayOutput.ROOM_BEFORE + 300, (byte) 'x');
        var chunked = ChunkedBody.onto(socket, true);
        assertTrue(chunked.framesInRoom(piece, PooledArrayOutput.ROOM_BEFORE, 300));
        int start = chunked.frameInRoom(piece, PooledArrayOutput.ROOM_BEFORE, 300);
        chunked.writeFramed(piece, start, PooledArrayOutput.ROOM_BEFORE + 300 + 2 - start);
        assertSame(piece, socket.array, "no frame of its own");
        assertEquals("12c\r\n" + "x".repeat(300) + "\r\n", socket.text());
    }

    @Test
    void aPieceIsCopiedWhenWritesAreQueuedOrTheRoomIsMissing() throws IOException {
        byte[] piece = new byte[PooledArrayOutput.ROOM_BEFORE + 20 + PooledArrayOutput.ROOM_AFTER];
        Arrays.fill(piece, (byte) 'y');
        assertCopied(false, piece, PooledArrayOutput.ROOM_BEFORE); // queued writes
        assertCopied(true, piece, PooledArrayOutput.ROOM_BEFORE + 2); // no room after
        assertCopied(true, piece, 3); // no room before
        assertEquals('y', piece[PooledArrayOutput.ROOM_BEFORE - 1], "the caller's array is untouched");
    }

    /// The 20 bytes at `off` cannot be framed in `piece`, and a plain write frames a copy.
    private static void assertCopied(boolean framesInPlace, byte[] piece, int off) throws IOException {
        var socket = new KeepingStream();
        var chunked = ChunkedBody.onto(socket, framesInPlace);
        assertFalse(chunked.framesInRoom(piece, off, 20));
        chunked.write(piece, off, 20);
        assertNotSame(piece, socket.array);
        assertEquals("14\r\n" + "y".repeat(20) + "\r\n", socket.text());
    }

    /// What the framing hands the socket in its one write: the array itself and the range.
    private static final class KeepingStream extends OutputStream {
        byte[] array;
        int off;
        int len;

        @Override
        public void write(int b) {
            throw new AssertionError("one write of a whole frame");
        }

        @Override
        public void write(byte[] b, int off, int len) {
            assertNull(array, "one write of a whole frame");
            this.array = b;
            this.off = off;
            this.len = len;
        }

        String text() {
            return new String(array, off, len, StandardCharsets.US_ASCII);
        }
    }

    @Test
    void underQueuedWritesEachWriteIsOneExactChunkAndTheConnectionGoesOn() throws IOException {
        List<Integer> sizes = exchangeTwiceOnOneConnection(queuedWrites);
        assertTrue(sizes.size() > 4, "the answer was streamed in several chunks: " + sizes);
        // Helidon's own framing would join the first two writes into one chunk of two slices.
        assertTrue(sizes.stream().allMatch(size -> size <= ResponsePump.SEND_SLICE_BYTES),
                "no chunk beyond one write: " + sizes);
        assertTrue(sizes.contains(ResponsePump.SEND_SLICE_BYTES), "a whole slice is one chunk: " + sizes);
    }

    /// Written directly, a piece larger than a slice goes out as one chunk framed in its own array,
    /// in slices (`WriteTimeoutTest` has a slow reader served whole at a pace that one write of
    /// such a piece would not keep).
    @Test
    void underDirectWritesAPieceLargerThanASliceIsOneChunkAndTheConnectionGoesOn() throws IOException {
        List<Integer> sizes = exchangeTwiceOnOneConnection(directWrites);
        assertTrue(sizes.size() >= 2, "the answer was streamed in several chunks: " + sizes);
        assertTrue(sizes.stream().anyMatch(size -> size > ResponsePump.SEND_SLICE_BYTES),
                "a piece of several slices is one chunk: " + sizes);
    }

    @Test
    void aPieceFramedInItsOwnArrayCanGoOutInParts() throws IOException {
        var socket = new ByteArrayOutputStream();
        int length = 600_000;
        byte[] piece = new byte[PooledArrayOutput.ROOM_BEFORE + length + PooledArrayOutput.ROOM_AFTER];
        for (int i = 0; i < length; i++) {
            piece[PooledArrayOutput.ROOM_BEFORE + i] = (byte) ('a' + i % 26);
        }
        String data = new String(piece, PooledArrayOutput.ROOM_BEFORE, length, StandardCharsets.US_ASCII);
        ChunkedBody chunked = ChunkedBody.onto(socket, true);
        assertTrue(chunked.framesInRoom(piece, PooledArrayOutput.ROOM_BEFORE, length));
        int start = chunked.frameInRoom(piece, PooledArrayOutput.ROOM_BEFORE, length);
        int end = PooledArrayOutput.ROOM_BEFORE + length + 2;
        assertEquals(PooledArrayOutput.ROOM_BEFORE - "927c0\r\n".length(), start);
        for (int from = start; from < end; from += 250_000) {
            chunked.writeFramed(piece, from, Math.min(250_000, end - from));
        }
        assertEquals("927c0\r\n" + data + "\r\n", socket.toString(StandardCharsets.US_ASCII));
        assertFalse(ChunkedBody.onto(socket, false).framesInRoom(piece, PooledArrayOutput.ROOM_BEFORE, length),
                "not when Helidon keeps the array after a write");
        assertFalse(chunked.framesInRoom(piece, 4, length), "not without room for the size line");
        assertFalse(chunked.framesInRoom(piece, PooledArrayOutput.ROOM_BEFORE + 1, length),
                "not without room for the CRLF");
        assertFalse(chunked.framesInRoom(piece, PooledArrayOutput.ROOM_BEFORE, 0), "not an empty chunk");
    }

    /// Validates FILE and then NEXT on one connection; checks the first answer's framing and both
    /// bodies, and returns the first answer's chunk sizes.
    private static List<Integer> exchangeTwiceOnOneConnection(GatewayExtension gateway) throws IOException {
        try (var connection = RawConnection.open(gateway.port())) {
            // Half the upload first, so that the answer is streamed.
            byte[] csv = FILE.bytes();
            int half = csv.length / 2;
            while (csv[half - 1] != '\n') {
                half++;
            }
            var head = connection.postStreamed("/v1/validate?schema=people", csv, half);
            assertEquals(200, head.status());
            assertEquals("chunked", head.header("transfer-encoding"));
            assertNull(head.header("content-length"));
            var body = new ByteArrayOutputStream();
            List<Integer> sizes = readChunks(connection.rawBody(), body);
            assertArrayEquals(FILE.ndjsonAll().getBytes(StandardCharsets.UTF_8), body.toByteArray());

            byte[] next = NEXT.bytes();
            connection.postHead("/v1/validate?schema=people", "Content-Type: text/csv", "Content-Length: " + next.length);
            connection.send(next);
            var nextHead = connection.readHead();
            assertEquals(200, nextHead.status(), "the connection serves the next request");
            assertEquals(NEXT.ndjsonAll(), RawConnection.readAll(connection.body(nextHead)));
            return sizes;
        }
    }

    /// Reads a chunked body strictly (RFC 9112 §7.1, without extensions or trailers, which the
    /// gateway never sends) into `body`; returns the data sizes of its chunks, the last excluded.
    private static List<Integer> readChunks(InputStream in, ByteArrayOutputStream body) throws IOException {
        List<Integer> sizes = new ArrayList<>();
        while (true) {
            String line = crlfLine(in);
            assertTrue(line.matches("[0-9a-f]{1,7}"), "a chunk size in lower-case hex: '" + line + "'");
            int size = Integer.parseInt(line, 16);
            if (size == 0) {
                assertEquals("", crlfLine(in), "the last chunk ends with an empty line");
                return sizes;
            }
            body.write(in.readNBytes(size));
            assertEquals("", crlfLine(in), "a chunk's data ends with CRLF");
            sizes.add(size);
        }
    }

    /// A line that must end with CRLF, without it.
    private static String crlfLine(InputStream in) throws IOException {
        var line = new StringBuilder();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("the answer broke off after '" + line + "'");
            }
            if (b == '\r') {
                assertEquals('\n', in.read(), "CR is followed by LF");
                return line.toString();
            }
            assertTrue(line.length() < 16, "a framing line is short: '" + line + "'");
            line.append((char) b);
        }
    }
}
