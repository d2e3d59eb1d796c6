package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.schema.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// Closing the output mid-stream ends the run promptly and leaves none of its threads alive.
class CancellationTest {
    @TempDir
    Path dir;

    @Test
    void closedOutputEndsTheRunWithin100msAndLeavesNoThread() throws IOException {
        Path csv = dir.resolve("big.csv");
        Files.write(csv, EngineEquivalenceTest.randomCsv(new Random(7), 200_000));
        List<Thread> started = new CopyOnWriteArrayList<>();
        var engine = new ValidationEngine(EngineFixture.recordingThreads(started));
        var out = new OutputClosedAfter(256 * 1024);
        var options = EngineOptions.defaults().withWorkers(2).withChunkRows(500).withChunksInFlight(8);
        long returnedNanos;
        try (InputStream in = Files.newInputStream(csv); var run = engine.open(in, schema(), options)) {
            assertThrows(IOException.class, () -> run.writeTo(out));
            returnedNanos = System.nanoTime();
            assertTrue(run.rowsRead() < 200_000, "the run stopped reading early, at row " + run.rowsRead());
        }
        double elapsedMs = (returnedNanos - out.closedNanos) / 1e6;
        assertTrue(elapsedMs < 100, "the run ended " + elapsedMs + " ms after the output closed");
        assertFalse(started.isEmpty(), "the run forked subtasks");
        for (Thread thread : started) {
            assertFalse(thread.isAlive(), thread + " is still alive");
        }
    }

    /// A client that goes while the run waits for more of its upload: `cancel()` ends the run,
    /// the worker blocked in the read included, and no thread is left.
    @Test
    void aCancelledRunWaitingForInputEndsAndLeavesNoThread() throws Exception {
        var csv = new StringBuilder("id,name,email,age,code\n");
        for (int r = 1; r <= 2_500; r++) {
            csv.append(r).append(",Ada,a@b.org,3,c").append(r).append('\n');
        }
        var upload = new StalledUpload(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        List<Thread> started = new CopyOnWriteArrayList<>();
        var engine = new ValidationEngine(EngineFixture.recordingThreads(started));
        var options = EngineOptions.defaults().withWorkers(2).withChunkRows(500).withChunksInFlight(4);
        try (var run = engine.open(upload, schema(), options)) {
            var ended = new java.util.concurrent.CompletableFuture<Throwable>();
            Thread writing = Thread.ofVirtual().start(() -> {
                try {
                    run.writeTo(OutputStream.nullOutputStream());
                    ended.complete(null);
                } catch (IOException | RuntimeException e) {
                    ended.complete(e);
                }
            });
            assertTrue(upload.awaitWaiting(java.time.Duration.ofSeconds(10)), "the rows sent were read");
            run.cancel();
            Throwable thrown = ended.get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(thrown instanceof java.io.InterruptedIOException, "the run ended with " + thrown);
            writing.join(java.time.Duration.ofSeconds(10));
        }
        assertTrue(upload.interrupted(), "the read under way was interrupted");
        assertFalse(started.isEmpty(), "the run forked workers");
        for (Thread thread : started) {
            thread.join(java.time.Duration.ofSeconds(5));
            assertFalse(thread.isAlive(), thread + " is still alive");
        }
    }

    @Test
    void nextRunAfterACancelledOneWorks() throws IOException {
        Path csv = dir.resolve("small.csv");
        Files.writeString(csv, "id,name,email,age,code\n1,Ada,a@b.org,3,x\n");
        var output = EngineFixture.run(csv, schema(), EngineOptions.defaults());
        assertEquals(1, output.outcome().summary().valid(), output.ndjson());
    }

    private static Schema schema() {
        return Schema.parse("""
                {"fields":[{"name":"id","type":"integer"},{"name":"name","type":"string"},
                {"name":"email","type":"string"},{"name":"age","type":"integer"},
                {"name":"code","type":"string","constraints":{"unique":true}}]}""".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /// An output whose reader goes away after `limit` bytes, like a client that disconnects.
    static final class OutputClosedAfter extends OutputStream {
        private final long limit;
        private long written;
        volatile long closedNanos;

        OutputClosedAfter(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (written + len > limit) {
                if (closedNanos == 0) {
                    closedNanos = System.nanoTime();
                }
                throw new IOException("Broken pipe");
            }
            written += len;
        }
    }
}
