package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// Large uploads stream through: the whole file is validated with bounded memory, the first
/// lines come back while the upload is still going, and a client that sends everything before it
/// reads a byte is neither deadlocked nor left with a temporary file on the server.
class StreamingTest {
    /// 200 MB takes about 20 s on 2 cores; each row is checked byte for byte on the way.
    static final long LARGE_UPLOAD_BYTES = 200_000_000;
    static final long HEAP_GROWTH_LIMIT_BYTES = 300L << 20;
    static final int MEMORY_BUFFER_BYTES = 65_536;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.response.memory-buffer-bytes", Integer.toString(MEMORY_BUFFER_BYTES))
            .folderSetting("fanout.response.spill-dir", "spill");
    static SpillDir spill;

    @BeforeAll
    static void spill() {
        spill = new SpillDir(gateway.dir().resolve("spill"));
    }

    @Test
    @Timeout(120)
    void a200MegabyteUploadIsValidatedWholeWhileTheHeapStaysBounded() throws Exception {
        var upload = new People.Stream(LARGE_UPLOAD_BYTES);
        var heap = new HeapSampler();
        long baseline = heap.usedAfterGc();
        heap.start();
        NdjsonCheck.Result result;
        try {
            var request = HttpRequest.newBuilder(gateway.uri("/v1/validate?schema=people&summary=true"))
                    .header("Content-Type", "text/csv")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> upload)).build();
            HttpResponse<InputStream> response = gateway.client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertEquals("application/x-ndjson", response.headers().firstValue("content-type").orElse(""));
            try (InputStream body = response.body()) {
                result = NdjsonCheck.rowsThenSummary(body);
            }
        } finally {
            heap.stop();
        }
        assertTrue(upload.bytes() >= LARGE_UPLOAD_BYTES, "sent " + upload.bytes());
        assertEquals(upload.rows(), result.rowLines());
        assertEquals(People.summary(upload.rows(), upload.rows() - upload.invalid(), upload.invalid()), result.summary());
        assertTrue(heap.samples() >= 5, "heap sampled " + heap.samples() + " times");
        assertTrue(heap.maxUsed() - baseline < HEAP_GROWTH_LIMIT_BYTES,
                "heap grew by " + ((heap.maxUsed() - baseline) >> 20) + " MB over a baseline of " + (baseline >> 20) + " MB");
        spill.assertUnused();
    }

    @Test
    @Timeout(60)
    void theFirstLinesArriveWhileTheUploadIsStillBeingSent() throws Exception {
        People.File first = People.file(1, 3000, People::mixed);
        try (var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(10))) {
            connection.postChunked("/v1/validate?schema=people&summary=true", "text/csv")
                    .sendChunk(first.csv());
            // The upload is not finished: nothing tells the server it has seen the whole file.
            var head = connection.readHead();
            assertEquals(200, head.status());
            assertEquals("application/x-ndjson", head.header("content-type"));
            InputStream body = connection.body(head);
            assertEquals(first.ndjsonAll().lines().findFirst().orElseThrow(), RawConnection.readLine(body));

            var rest = new StringBuilder();
            for (long id = 3001; id <= 5000; id++) {
                rest.append(People.csvRow(id, People.mixed(id)));
            }
            connection.sendChunk(rest.toString()).endChunks();
            var remaining = new StringBuilder();
            for (String line = RawConnection.readLine(body); line != null; line = RawConnection.readLine(body)) {
                remaining.append(line).append('\n');
            }
            People.File all = People.file(1, 5000, People::mixed);
            String expected = all.ndjsonAll() + People.summary(5000, all.valid(), all.invalid());
            assertEquals(expected.substring(expected.indexOf('\n') + 1), TestGateway.masked(remaining.toString()));
        }
    }

    @Test
    @Timeout(60)
    void aClientThatSendsEverythingBeforeReadingGetsTheWholeAnswerAndNoSpillFileIsLeft() throws Exception {
        long length = new People.Stream(50_000_000).transferTo(OutputStream.nullOutputStream());
        var upload = new People.Stream(50_000_000);
        var watch = spill.watch();
        try (watch; var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(30))) {
            connection.postHead("/v1/validate?schema=people&summary=true",
                    "Content-Type: text/csv", "Content-Length: " + length);
            // Everything goes out before a single byte is read.
            byte[] buffer = new byte[1 << 16];
            for (int n = upload.read(buffer, 0, buffer.length); n > 0; n = upload.read(buffer, 0, buffer.length)) {
                connection.send(java.util.Arrays.copyOf(buffer, n));
            }
            var head = connection.readHead();
            assertEquals(200, head.status());
            var result = NdjsonCheck.rowsThenSummary(new BufferedInputStream(connection.body(head), 1 << 16));
            assertEquals(upload.rows(), result.rowLines());
            assertEquals(People.summary(upload.rows(), upload.rows() - upload.invalid(), upload.invalid()), result.summary());
        }
        assertTrue(watch.most() > 0, "the response spilled to a file while the client was not reading");
        spill.assertUnused();
    }

    @Test
    @Timeout(60)
    void aClientThatReadsSlowlyGetsEveryByteInOrder() throws Exception {
        var upload = new People.Stream(10_000_000);
        try (var connection = RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(30))) {
            connection.postChunked("/v1/validate?schema=people&summary=true", "text/csv");
            var sender = Thread.ofVirtual().start(() -> {
                try {
                    byte[] buffer = new byte[1 << 16];
                    for (int n = upload.read(buffer, 0, buffer.length); n > 0; n = upload.read(buffer, 0, buffer.length)) {
                        connection.sendChunk(java.util.Arrays.copyOf(buffer, n));
                    }
                    connection.endChunks();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            var head = connection.readHead();
            assertEquals(200, head.status());
            var result = NdjsonCheck.rowsThenSummary(new SlowReader(connection.body(head)));
            sender.join(Duration.ofSeconds(30));
            assertEquals(upload.rows(), result.rowLines());
            assertEquals(People.summary(upload.rows(), upload.rows() - upload.invalid(), upload.invalid()), result.summary());
        }
        spill.assertUnused();
    }

    /// Reads at most 4 KB at a time and pauses every 16 reads, as a client on a slow link would.
    private static final class SlowReader extends InputStream {
        private final InputStream in;
        private int reads;

        SlowReader(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (++reads % 16 == 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
            return in.read(b, off, Math.min(len, 4096));
        }
    }

    /// Samples this JVM's used heap (the server runs in it) after a full collection, so that only
    /// live objects count, every 250 ms until stopped.
    private static final class HeapSampler {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong maxUsed = new AtomicLong();
        private final AtomicInteger samples = new AtomicInteger();
        private Thread thread;

        long usedAfterGc() {
            System.gc();
            Runtime runtime = Runtime.getRuntime();
            return runtime.totalMemory() - runtime.freeMemory();
        }

        void start() {
            thread = Thread.ofPlatform().daemon().name("test-heap-sampler").start(() -> {
                while (running.get()) {
                    maxUsed.accumulateAndGet(usedAfterGc(), Math::max);
                    samples.incrementAndGet();
                    try {
                        Thread.sleep(250);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        void stop() throws InterruptedException {
            running.set(false);
            thread.interrupt();
            thread.join(5_000);
        }

        long maxUsed() {
            return maxUsed.get();
        }

        int samples() {
            return samples.get();
        }
    }
}
