package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// A streamed answer's chunked framing, byte for byte, as `ChunkedBody` writes it, with Helidon's
/// writes direct (the default) and queued (`server.write-queue-length`, which keeps each frame
/// after the write returns): every chunk's size line, data and CRLF, the last chunk, nothing after
/// it (the next request on the connection is answered), one chunk per write. Each answer is
/// ~1.5 MB in engine chunks of ~600 KB, kept in memory (not the spill file, which is sent in
/// smaller ranges), which the sender hands over in 256 KiB slices.
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

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void eachWriteIsOneExactChunkAndTheConnectionGoesOn(boolean withQueuedWrites) throws IOException {
        List<Integer> sizes = exchangeTwiceOnOneConnection(withQueuedWrites ? queuedWrites : directWrites);
        // Helidon's own framing would join the first two writes into one chunk of two slices.
        assertTrue(sizes.stream().allMatch(size -> size <= ResponsePump.SEND_SLICE_BYTES),
                "no chunk beyond one write: " + sizes);
        assertTrue(sizes.contains(ResponsePump.SEND_SLICE_BYTES), "a whole slice is one chunk: " + sizes);
    }

    /// Validates FILE and then NEXT on one connection; checks the first answer's framing and both
    /// bodies, and returns the first answer's chunk sizes.
    private static List<Integer> exchangeTwiceOnOneConnection(GatewayExtension gateway) throws IOException {
        try (var connection = RawConnection.open(gateway.port())) {
            // Half the upload first: the answer's head comes before the rest is sent, so the answer
            // is streamed (a whole answer in memory would go out with a Content-Length).
            byte[] csv = FILE.bytes();
            int half = csv.length / 2;
            while (csv[half - 1] != '\n') {
                half++;
            }
            connection.postHead("/v1/validate?schema=people", "Content-Type: text/csv", "Content-Length: " + csv.length);
            connection.send(Arrays.copyOf(csv, half));
            var head = connection.readHead();
            connection.send(Arrays.copyOfRange(csv, half, csv.length));
            assertEquals(200, head.status());
            assertEquals("chunked", head.header("transfer-encoding"));
            assertNull(head.header("content-length"));
            var body = new ByteArrayOutputStream();
            List<Integer> sizes = readChunks(connection.rawBody(), body);
            assertArrayEquals(FILE.ndjsonAll().getBytes(StandardCharsets.UTF_8), body.toByteArray());
            assertTrue(sizes.size() > 4, "the answer was streamed in several chunks: " + sizes);

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
