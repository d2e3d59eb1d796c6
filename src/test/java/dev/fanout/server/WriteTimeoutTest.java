package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// `fanout.response.write-timeout`: a client that keeps its connection open but stops reading is
/// cut off once nothing has moved to it for the time-out, and everything its request held comes
/// back; a client that reads slowly but steadily is served to the end.
class WriteTimeoutTest {
    /// A receive buffer this small makes the server's writes block soon after the client stops.
    static final int RECEIVE_BUFFER_BYTES = 4096;
    /// The slow but steady reader reads this much, then pauses for [#READ_PAUSE_MS]: 160 KiB a
    /// second, a 256 KiB write (ResponsePump.SEND_SLICE_BYTES) completing in 1.6 s.
    static final int READ_BYTES = 16 * 1024;
    static final int READ_PAUSE_MS = 100;
    static final int WRITE_TIMEOUT_MS = 3000;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            // One place: a request that was not let go would make the next one 503.
            .setting("fanout.limits.max-concurrent-validations", "1")
            // Long enough for a 256 KiB write (ResponsePump.SEND_SLICE_BYTES) to complete at the
            // slow reader's pace, with room to spare.
            .setting("fanout.response.write-timeout", WRITE_TIMEOUT_MS + "ms")
            // Small socket buffers on both sides: a write returns only as the client reads.
            .setting("server.connection-options.socket-send-buffer-size", "8192")
            .folderSetting("fanout.response.spill-dir", "spill");
    static SpillDir spill;

    /// As `gateway`, with engine chunks of 4,096 rows (~600 KB of answer each, over two slices)
    /// held in memory: each goes out as one chunk written in slices (`ChunkFramingTest`).
    @RegisterExtension
    static final GatewayExtension largePieces = GatewayExtension.withSchemas()
            .setting("fanout.limits.max-concurrent-validations", "1")
            .setting("fanout.engine.chunk-rows", "4096")
            .setting("fanout.response.memory-buffer-bytes", "8388608")
            .setting("fanout.response.write-timeout", WRITE_TIMEOUT_MS + "ms")
            .setting("server.connection-options.socket-send-buffer-size", "8192");

    @BeforeAll
    static void spill() {
        spill = new SpillDir(gateway.dir().resolve("spill"));
    }

    @Test
    @Timeout(60)
    void aClientThatStopsReadingIsCutOffAndLeavesNoThreadSpillFileOrPlaceBehind() throws Exception {
        int baseline = gateway.server().liveWorkThreads();
        spill.assertUnused();

        // About 4 MB of CSV: over 10 MB of NDJSON, far more than the socket buffers hold.
        var upload = new People.Stream(4_000_000);
        var connection = RawConnection.open(gateway.port(), RECEIVE_BUFFER_BYTES).readTimeout(Duration.ofSeconds(15));
        try (var spillWatch = spill.watch()) {
            connection.postChunked("/v1/validate?schema=people", "text/csv");
            try {
                byte[] buffer = new byte[1 << 16];
                for (int n; (n = upload.read(buffer, 0, buffer.length)) > 0; ) {
                    connection.sendChunk(Arrays.copyOf(buffer, n));
                }
                connection.endChunks();
            } catch (IOException e) {
                // The server may give up while the upload is still going: its close breaks the send.
            }
            // Never read: the answer piles up in a spill file until the gateway gives up, three
            // seconds after its writes stopped moving, and lets everything go.
            Await.until(Duration.ofSeconds(15), () -> spillWatch.most() > 0);
            assertTrue(spillWatch.most() > 0, "the unread answer spilled to a file");
            gateway.assertRequestsLetGo(baseline, Duration.ofSeconds(15));
        }
        spill.assertUnused();
        assertTrue(connection.closedByServer(), "the server closed the connection");
        connection.close();
        // The one place is free again.
        gateway.assertStillServes();
    }

    /// 1000 rows are one chunk, validated inline and answered from memory with a `Content-Length`
    /// (about 150 KB, in one write of about a second at this pace); 6000 rows are streamed,
    /// chunked, through the spill file (about 900 KB, read back and written 64 KiB at a time),
    /// which takes the reader over the time-out: it is served because each write moves.
    @ParameterizedTest(name = "{0} rows")
    @ValueSource(ints = {1000, 6000})
    @Timeout(60)
    void aClientThatReadsSlowlyButSteadilyGetsTheWholeAnswer(int rows) throws Exception {
        int baseline = gateway.server().liveWorkThreads();
        var file = People.file(1, rows, People::mixed);
        boolean fromMemory = file.ndjsonAll().length() < 256 * 1024;
        if (!fromMemory) {
            assertTrue(file.ndjsonAll().length() / READ_BYTES * READ_PAUSE_MS > WRITE_TIMEOUT_MS,
                    "the answer takes over the time-out to read");
        }
        try (var connection = RawConnection.open(gateway.port(), RECEIVE_BUFFER_BYTES)) {
            connection.postHead("/v1/validate?schema=people", "Content-Type: text/csv",
                    "Content-Length: " + file.bytes().length).send(file.bytes());
            var head = connection.readHead();
            assertEquals(200, head.status());
            assertEquals(fromMemory, head.header("content-length") != null, head.headers().toString());
            assertEquals(file.ndjsonAll(), readSlowly(connection.body(head)));
        }
        gateway.assertRequestsLetGo(baseline, Duration.ofSeconds(5));
        spill.assertUnused();
    }

    /// A piece of ~600 KB written in one call would block for ~3.7 s at this pace, over the
    /// time-out; it is written a slice at a time, each of which moves within it.
    @Test
    @Timeout(60)
    void aSlowButSteadyReaderGetsPiecesLargerThanASliceWhole() throws Exception {
        int baseline = largePieces.server().liveWorkThreads();
        var file = People.file(1, 6000, People::mixed);
        byte[] csv = file.bytes();
        assertTrue(file.ndjsonAll().length() / READ_BYTES * READ_PAUSE_MS > WRITE_TIMEOUT_MS,
                "the answer takes over the time-out to read");
        try (var connection = RawConnection.open(largePieces.port(), RECEIVE_BUFFER_BYTES)) {
            // The header and a chunk's rows first, so that the answer is streamed.
            int firstPart = 0;
            for (int lines = 0; lines < 1 + 4096 + 100; firstPart++) {
                if (csv[firstPart] == '\n') {
                    lines++;
                }
            }
            var head = connection.postStreamed("/v1/validate?schema=people", csv, firstPart);
            assertEquals(200, head.status());
            assertEquals("chunked", head.header("transfer-encoding"));
            assertEquals(file.ndjsonAll(), readSlowly(connection.body(head)));
        }
        largePieces.assertRequestsLetGo(baseline, Duration.ofSeconds(5));
    }

    /// The slow but steady reader: [#READ_BYTES], then a pause of [#READ_PAUSE_MS], to the end.
    private static String readSlowly(InputStream body) throws IOException, InterruptedException {
        var received = new ByteArrayOutputStream();
        byte[] buffer = new byte[READ_BYTES];
        for (int n; (n = body.readNBytes(buffer, 0, buffer.length)) > 0; ) {
            received.write(buffer, 0, n);
            Thread.sleep(READ_PAUSE_MS);
        }
        return received.toString(StandardCharsets.UTF_8);
    }
}
