package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.schema.Schema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// The engine's API around a run: the options it accepts, what a run reports during and after
/// its output (rows and bytes read, the keys of `data`, its outcome, its stage timings), when it
/// flushes, and that a rejected header closes the input.
class ValidationRunTest {
    private static final String CSV = "id,name,email\n1,Ada,a@b.org\n2,Bob,b@b.org\n0,Cy,c@b.org\n"
            + "4,Di,d@b.org\n5,Ed,e@b.org\n6,Flo,f@b.org\n7,Gus,g@b.org\n";

    @Test
    void optionsBelowOneAreRejectedByName() {
        var defaults = EngineOptions.defaults();
        assertEquals("workers must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> defaults.withWorkers(0)).getMessage());
        assertEquals("chunkRows must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> defaults.withChunkRows(0)).getMessage());
        assertEquals("chunksInFlight must be at least 1, not -1",
                assertThrows(IllegalArgumentException.class, () -> defaults.withChunksInFlight(-1)).getMessage());
        assertEquals("maxFieldBytes must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> defaults.withLimits(0, 10)).getMessage());
        assertEquals("maxColumns must be at least 1, not 0",
                assertThrows(IllegalArgumentException.class, () -> defaults.withLimits(10, 0)).getMessage());
        assertEquals("the delimiter cannot be a quote or a line break",
                assertThrows(IllegalArgumentException.class, () -> defaults.withDelimiter('"')).getMessage());
        var smallest = defaults.withWorkers(1).withChunkRows(1).withChunksInFlight(1).withLimits(1, 1);
        assertEquals(List.of(1, 1, 1, 1, 1), List.of(smallest.workers(), smallest.chunkRows(), smallest.chunksInFlight(),
                smallest.maxFieldBytes(), smallest.maxColumns()));
    }

    @Test
    void theDefaultsAreTheSpecsWithOneWorkerPerCoreAndFourChunksInFlightEach() {
        int cores = Runtime.getRuntime().availableProcessors();
        var defaults = EngineOptions.defaults();
        assertEquals(Mode.ALL, defaults.mode());
        assertFalse(defaults.summary());
        assertEquals(',', defaults.delimiter());
        assertEquals(ExtraColumns.ERROR, defaults.extra());
        assertEquals(cores, defaults.workers());
        assertEquals(1024, defaults.chunkRows());
        assertEquals(Math.max(4, 4 * cores), defaults.chunksInFlight());
        assertEquals(1 << 20, defaults.maxFieldBytes());
        assertEquals(1024, defaults.maxColumns());
    }

    @Test
    void modeAndExtraAreParsedFromTheirWireNamesInAnyCase() {
        assertEquals(List.of(Mode.ALL, Mode.INVALID, Mode.VALID),
                List.of(Mode.parse("all"), Mode.parse("INVALID"), Mode.parse("Valid")));
        assertEquals("mode must be all, invalid or valid, not 'some'",
                assertThrows(IllegalArgumentException.class, () -> Mode.parse("some")).getMessage());
        assertEquals(List.of(ExtraColumns.ERROR, ExtraColumns.IGNORE, ExtraColumns.KEEP),
                List.of(ExtraColumns.parse("error"), ExtraColumns.parse("Ignore"), ExtraColumns.parse("KEEP")));
        assertEquals("extra must be error, ignore or keep, not 'drop'",
                assertThrows(IllegalArgumentException.class, () -> ExtraColumns.parse("drop")).getMessage());
    }

    /// One chunk (validated inline) and many (validated in subtasks) report the same.
    @ParameterizedTest(name = "chunkRows {0}")
    @ValueSource(ints = {1024, 2})
    void aRunReportsWhatItReadAndWhatItSaw(int chunkRows) throws IOException {
        byte[] csv = CSV.replace("id,name,email", "id,name,email,shoe").replace(".org\n", ".org,42\n")
                .getBytes(StandardCharsets.UTF_8);
        var options = EngineOptions.defaults().withChunkRows(chunkRows).withExtra(ExtraColumns.KEEP);
        long before = System.nanoTime();
        try (var run = new ValidationEngine().open(new ByteArrayInputStream(csv), Schema.people(), options)) {
            assertEquals(List.of("id", "name", "email", "age", "city", "shoe"), run.dataNames());
            assertEquals(0, run.rowsRead(), "only the header is read by open");
            RunOutcome outcome = run.writeTo(new ByteArrayOutputStream());
            double wallMs = (System.nanoTime() - before) / 1e6;
            assertEquals(7, run.rowsRead());
            assertEquals(csv.length, run.bytesRead());
            assertFalse(outcome.failed());
            assertEquals(7, outcome.summary().rows());
            assertEquals(6, outcome.summary().valid());
            assertEquals(1, outcome.summary().invalid());
            double elapsedMs = outcome.summary().elapsedMs();
            assertTrue(elapsedMs > 0 && elapsedMs <= wallMs, elapsedMs + " ms of " + wallMs);
            assertEquals("a run is written once",
                    assertThrows(IllegalStateException.class, () -> run.writeTo(new ByteArrayOutputStream())).getMessage());
        }
    }

    /// Every chunk reports how long it waited for a worker and how long it took, once each.
    @ParameterizedTest(name = "chunkRows {0}")
    @ValueSource(ints = {1024, 2})
    void everyChunkReportsItsTimings(int chunkRows) throws IOException {
        List<Long> waited = new CopyOnWriteArrayList<>();
        List<Long> validated = new CopyOnWriteArrayList<>();
        var metrics = new EngineMetrics() {
            @Override
            public void chunkValidated(long elapsedNanos) {
                validated.add(elapsedNanos);
            }

            @Override
            public void queueWaited(long elapsedNanos) {
                waited.add(elapsedNanos);
            }
        };
        var engine = new ValidationEngine(Thread.ofVirtual().factory(), metrics);
        long before = System.nanoTime();
        try (var run = engine.open(new ByteArrayInputStream(CSV.getBytes(StandardCharsets.UTF_8)), Schema.people(),
                EngineOptions.defaults().withChunkRows(chunkRows))) {
            run.writeTo(new ByteArrayOutputStream());
        }
        long wallNanos = System.nanoTime() - before;
        int chunks = (7 + chunkRows - 1) / chunkRows;
        assertEquals(chunks, validated.size(), "chunkValidated calls");
        assertEquals(chunks, waited.size(), "queueWaited calls");
        for (long nanos : validated) {
            assertTrue(nanos > 0 && nanos <= wallNanos, nanos + " ns of " + wallNanos);
        }
        for (long nanos : waited) {
            assertTrue(nanos >= 0 && nanos <= wallNanos, nanos + " ns of " + wallNanos);
        }
    }

    /// A small upload's chunks keep fewer rows when its rows' lines are wide: 480 failing integer
    /// fields make a ~36 KB line of each 960-byte row, ~60 rows a chunk within the 8 MB every run
    /// has, 15 within the 2 MiB a bounded one has. People rows keep 1,024 a chunk either way.
    @Test
    void boundedChunkLinesCutWideRowsIntoSmallerChunks() throws IOException {
        String schema = IntStream.range(0, 480).mapToObj(i -> "{\"name\":\"c" + i + "\",\"type\":\"integer\"}")
                .collect(Collectors.joining(",", "{\"fields\":[", "]}"));
        String header = IntStream.range(0, 480).mapToObj(i -> "c" + i).collect(Collectors.joining(",", "", "\n"));
        byte[] csv = (header + (String.join(",", Collections.nCopies(480, "x")) + "\n").repeat(200)).getBytes(StandardCharsets.UTF_8);
        Schema wide = Schema.parse(schema.getBytes(StandardCharsets.UTF_8));
        assertEquals(4, chunksOf(wide, csv, false), "within 8 MB");
        assertEquals(14, chunksOf(wide, csv, true), "within 2 MiB");
        byte[] people = ("id,name,email,age,city\n" + "1,Ann,ann@example.org,30,Oslo\n".repeat(2_000)).getBytes(StandardCharsets.UTF_8);
        assertEquals(2, chunksOf(Schema.people(), people, true), "people rows: 1,024 a chunk");
    }

    /// The chunks of a run of `csv`, with [ValidationRun#boundChunkLines] or not.
    private static int chunksOf(Schema schema, byte[] csv, boolean bounded) throws IOException {
        var chunks = new AtomicInteger();
        var metrics = new EngineMetrics() {
            @Override
            public void chunkValidated(long elapsedNanos) {
                chunks.incrementAndGet();
            }

            @Override
            public void queueWaited(long elapsedNanos) {
            }
        };
        var out = new ByteArrayOutputStream();
        try (var run = new ValidationEngine(Thread.ofVirtual().factory(), metrics).open(new ByteArrayInputStream(csv), schema,
                EngineOptions.defaults().withSummary(true))) {
            if (bounded) {
                run.boundChunkLines();
            }
            run.writeTo(out);
        }
        String answer = out.toString(StandardCharsets.UTF_8);
        long rows = csv.length == 0 ? 0 : new String(csv, StandardCharsets.UTF_8).lines().count() - 1;
        assertTrue(answer.contains("{\"summary\":{\"rows\":" + rows + ","), () -> answer.substring(answer.length() - 200));
        return chunks.get();
    }

    /// While the writer waits for the next chunk, it flushes what it wrote, so that a streamed
    /// response's first lines go out before the input has been read to its end. The input stops
    /// after its third row (the first chunk of two rows is complete, the second is not) until
    /// something written is flushed, or for at most 10 s: without a flush while the writer waits,
    /// the lines come out only at the end.
    @Test
    void theWriterFlushesWhileItWaitsForInput() throws IOException {
        var flushedAt = new CopyOnWriteArrayList<Integer>();
        var out = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                flushedAt.add(size());
            }
        };
        var slow = new FilterInputStream(new ByteArrayInputStream(CSV.getBytes(StandardCharsets.UTF_8))) {
            private int newlines;
            private boolean waited;

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (newlines == 4 && !waited) {
                    waited = true;
                    long deadline = System.nanoTime() + 10_000_000_000L;
                    while (flushedAt.stream().noneMatch(size -> size > 0) && System.nanoTime() < deadline) {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
                int n = super.read(b, off, Math.min(len, 1));
                if (n == 1 && b[off] == '\n') {
                    newlines++;
                }
                return n;
            }
        };
        try (var run = new ValidationEngine().open(slow, Schema.people(), EngineOptions.defaults().withChunkRows(2))) {
            run.writeTo(out);
        }
        assertTrue(flushedAt.stream().anyMatch(size -> size > 0 && size < out.size()),
                "flushed at " + flushedAt + " of " + out.size() + " bytes");
    }

    @Test
    void aRejectedHeaderClosesTheInput() {
        var in = new ClosingCounted("id,name,email,id\n1,Ada,a@b.org,1\n".getBytes(StandardCharsets.UTF_8), false);
        var e = assertThrows(HeaderException.class, () -> new ValidationEngine().open(in, Schema.people(), EngineOptions.defaults()));
        assertEquals("duplicate_column", e.code());
        assertEquals(1, in.closed.get());
    }

    @Test
    void anUnreadableHeaderIsAHeaderProblemAndClosesTheInput() {
        byte[] csv = {'i', 'd', (byte) 0xFF, '\n'};
        var in = new ClosingCounted(csv, false);
        var e = assertThrows(HeaderException.class, () -> new ValidationEngine().open(in, Schema.people(), EngineOptions.defaults()));
        assertEquals("invalid_utf8", e.code());
        assertEquals("the header could not be read: the record starting on line 1 contains bytes that are not valid UTF-8",
                e.getMessage());
        assertEquals(1, in.closed.get());
    }

    /// The header's problem is what the caller hears of; an input that then fails to close is
    /// attached to it, not thrown instead.
    @Test
    void anInputThatFailsToCloseIsAttachedToTheHeaderProblem() {
        for (byte[] csv : new byte[][] {"id,id\n".getBytes(StandardCharsets.UTF_8), {(byte) 0xFF, '\n'}}) {
            var in = new ClosingCounted(csv, true);
            var e = assertThrows(HeaderException.class, () -> new ValidationEngine().open(in, Schema.people(), EngineOptions.defaults()));
            assertEquals(1, in.closed.get());
            assertEquals(1, e.getSuppressed().length);
            assertInstanceOf(UncheckedIOException.class, e.getSuppressed()[0]);
        }
    }

    /// An input that counts its closes, and may fail to close.
    private static final class ClosingCounted extends FilterInputStream {
        final AtomicInteger closed = new AtomicInteger();
        private final boolean failToClose;

        ClosingCounted(byte[] bytes, boolean failToClose) {
            super(new ByteArrayInputStream(bytes));
            this.failToClose = failToClose;
        }

        @Override
        public void close() throws IOException {
            closed.incrementAndGet();
            if (failToClose) {
                throw new IOException("connection reset");
            }
        }
    }

    @Test
    void aRunThatWasNeverWrittenStillClosesItsInput() {
        var in = new ClosingCounted(CSV.getBytes(StandardCharsets.UTF_8), false);
        new ValidationEngine().open(in, Schema.people(), EngineOptions.defaults()).close();
        assertEquals(1, in.closed.get());
    }
}
