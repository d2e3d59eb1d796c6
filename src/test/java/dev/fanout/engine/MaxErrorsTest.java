package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.schema.Lookup;
import dev.fanout.schema.Schema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/// `maxErrors`: the run stops at the invalid row that makes N, in input order however the work was
/// split (duplicates decided by the writer count too), writes nothing after it, ends with the
/// summary (when asked, saying it stopped) and a `max_errors` error line, and reads and validates
/// no further: chunks in flight are cancelled, their lookups interrupted.
class MaxErrorsTest {
    private static final Pattern ROW = Pattern.compile("^\\{\"row\":(\\d+),\"line\":\\d+,\"valid\":(true|false)");

    @Property(tries = 80)
    void stopsAtTheNthInvalidRowInInputOrderForAnySplit(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int rows,
            @ForAll @IntRange(min = 1, max = 40) int maxErrors, @ForAll @IntRange(min = 1, max = 50) int chunkRows,
            @ForAll @IntRange(min = 1, max = 4) int workers, @ForAll @IntRange(min = 1, max = 6) int chunksInFlight,
            @ForAll boolean summary) {
        byte[] csv = EngineEquivalenceTest.randomCsv(new Random(seed), rows);
        var unlimited = EngineOptions.defaults().withWorkers(1).withChunkRows(100_000).withSummary(true);
        String all = EngineEquivalenceTest.run(csv, unlimited, false);
        var split = EngineOptions.defaults().withWorkers(workers).withChunkRows(chunkRows).withChunksInFlight(chunksInFlight)
                .withSummary(summary).withMaxErrors(maxErrors);
        for (Mode mode : Mode.values()) {
            String expected = expected(all, mode, maxErrors, summary);
            assertEquals(expected, EngineEquivalenceTest.run(csv, split.withMode(mode), false), "mode " + mode);
        }
        assertEquals(expected(all, Mode.ALL, maxErrors, summary),
                EngineEquivalenceTest.run(csv, split, true), "input a byte at a time");
    }

    /// What a run with the limit writes, worked out from the unlimited run's lines.
    private static String expected(String all, Mode mode, int maxErrors, boolean summary) {
        var out = new StringBuilder();
        long valid = 0;
        long invalid = 0;
        for (String line : all.split("\n")) {
            Matcher row = ROW.matcher(line);
            if (!row.find()) {
                // The summary line: the limit was not reached.
                if (summary) {
                    out.append(line).append('\n');
                }
                return out.toString();
            }
            boolean rowValid = row.group(2).equals("true");
            if (mode.writes(rowValid)) {
                out.append(line).append('\n');
            }
            if (rowValid) {
                valid++;
            } else if (++invalid == maxErrors) {
                long cut = Long.parseLong(row.group(1));
                if (summary) {
                    out.append("{\"summary\":{\"rows\":%d,\"valid\":%d,\"invalid\":%d,\"elapsedMs\":0,\"stopped\":\"max_errors\"}}\n"
                            .formatted(cut, valid, invalid));
                }
                out.append("{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after %d invalid row%s (max-errors=%d)\",\"row\":%d}}\n"
                        .formatted(maxErrors, maxErrors == 1 ? "" : "s", maxErrors, cut));
                return out.toString();
            }
        }
        throw new AssertionError("no summary line in " + all);
    }

    @Test
    void theNthInvalidRowBeingTheLastStillEndsWithTheErrorLine() {
        String csv = "id,name,email,age,city\n1,Ada,ada@example.org,36,\n2,Bob,bob@example.org,abc,\n";
        var output = EngineFixture.run(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), Schema.people(),
                EngineOptions.defaults().withMaxErrors(1).withSummary(true));
        String[] lines = output.stable().split("\n");
        assertEquals(4, lines.length, output.ndjson());
        assertEquals("{\"summary\":{\"rows\":2,\"valid\":1,\"invalid\":1,\"elapsedMs\":0,\"stopped\":\"max_errors\"}}", lines[2]);
        assertEquals("{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 1 invalid row (max-errors=1)\",\"row\":2}}", lines[3]);
        assertTrue(output.outcome().stoppedAtMaxErrors());
    }

    @Test
    void fewerInvalidRowsThanTheLimitEndNormally() {
        String csv = "id,name,email,age,city\n1,Ada,ada@example.org,36,\n2,Bob,bob@example.org,abc,\n";
        var output = EngineFixture.run(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), Schema.people(),
                EngineOptions.defaults().withMaxErrors(2).withSummary(true));
        assertTrue(output.stable().endsWith("{\"summary\":{\"rows\":2,\"valid\":1,\"invalid\":1,\"elapsedMs\":0}}\n"), output.ndjson());
        assertFalse(output.outcome().failed());
    }

    @Test
    void anInputFailureAfterTheCutIsNotReported() {
        // Row 3 holds an unclosed quote; the run stopped at row 1.
        String csv = "id,name,email,age,city\n1,Ada,ada@example.org,x,\n2,Bob,bob@example.org,3,\n3,\"Eve,e@example.org,4,\n";
        var output = EngineFixture.run(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), Schema.people(),
                EngineOptions.defaults().withMaxErrors(1));
        assertTrue(output.ndjson().endsWith("{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 1 invalid row (max-errors=1)\",\"row\":1}}\n"),
                output.ndjson());
        assertEquals(1, output.ndjson().split("\n").length - 1);
    }

    private static final Schema LOOKED_UP = Schema.parse("""
            {"fields":[
              {"name":"n","type":"integer","constraints":{"minimum":1}},
              {"name":"customer","type":"integer",
               "x-lookup":{"upstream":"crm","path":"/customers/{value}"}}]}""".getBytes(StandardCharsets.UTF_8));

    @Test
    void stopsReadingAndLookingUpOnceTheLimitIsReached() throws Exception {
        int rows = 100_000;
        var csv = new StringBuilder("n,customer\n0,0\n");
        for (int r = 2; r <= rows; r++) {
            csv.append(r).append(',').append(r).append('\n');
        }
        var calls = new AtomicInteger();
        Lookups slowUpstream = new Lookups() {
            @Override
            public LookupAnswer lookup(Lookup lookup, String value) throws InterruptedException {
                calls.incrementAndGet();
                Thread.sleep(2);
                return new LookupAnswer(Optional.empty(), List.of());
            }

            @Override
            public int parallelism(String upstream) {
                return 16;
            }
        };
        List<Thread> started = new CopyOnWriteArrayList<>();
        var engine = new ValidationEngine(EngineFixture.recordingThreads(started));
        int chunkRows = 100;
        int chunksInFlight = 4;
        var options = EngineOptions.defaults().withWorkers(2).withChunkRows(chunkRows).withChunksInFlight(chunksInFlight)
                .withMaxErrors(1);
        var out = new ByteArrayOutputStream();
        RunOutcome outcome;
        long rowsRead;
        try (InputStream in = new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8));
                var run = engine.open(in, LOOKED_UP, options, slowUpstream)) {
            outcome = run.writeTo(out);
            rowsRead = run.rowsRead();
            assertTrue(run.stoppedEarly());
        }
        assertTrue(outcome.stoppedAtMaxErrors());
        assertEquals(1, out.toString(StandardCharsets.UTF_8).split("\n").length - 1, out.toString(StandardCharsets.UTF_8));
        // The reader is at most a pipeline ahead of the writer, and a chunk more while it was reading.
        int bound = (chunksInFlight + 2) * chunkRows;
        assertTrue(rowsRead <= bound, "read " + rowsRead + " rows, more than " + bound);
        int callsAtEnd = calls.get();
        assertTrue(callsAtEnd <= bound, callsAtEnd + " lookups, more than " + bound);
        Thread.sleep(50);
        assertEquals(callsAtEnd, calls.get(), "no lookup after the run ended");
        for (Thread thread : started) {
            assertFalse(thread.isAlive(), thread + " is still alive");
        }
    }

    /// An upload whose client stops sending once it sees the error line: the line comes while a
    /// worker still waits for more input, and that read is left to end by itself — interrupting
    /// it would close an upload's socket under the answer.
    @Test
    void theReadUnderWayWhenTheLimitIsReachedEndsByItselfAfterTheErrorLine() throws Exception {
        var csv = new StringBuilder("id,name,email,age,city\n");
        for (int r = 1; r <= 250; r++) {
            csv.append(r).append(",Ada,ada@example.org,").append(r == 3 ? "abc" : "36").append(",\n");
        }
        var upload = new StalledUpload(csv.toString().getBytes(StandardCharsets.UTF_8));
        String errorLine = "{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 1 invalid row (max-errors=1)\",\"row\":3}}\n";
        var errorLineOut = new CountDownLatch(1);
        // Its methods are synchronized: written by a worker, read by the test.
        var written = new ByteArrayOutputStream() {
            @Override
            public void flush() {
                if (toString(StandardCharsets.UTF_8).endsWith(errorLine)) {
                    errorLineOut.countDown();
                }
            }
        };
        var options = EngineOptions.defaults().withWorkers(2).withChunkRows(100).withChunksInFlight(4).withMaxErrors(1);
        // No chunk is checked before a worker waits in the read: the limit is then reached during it.
        var engine = new ValidationEngine(new EngineMetrics() {
            @Override
            public void queueWaited(long nanos) {
                upload.awaitWaiting();
            }

            @Override
            public void chunkValidated(long nanos) {
                // Not counted here.
            }
        });
        try (var run = engine.open(upload, Schema.people(), options)) {
            var outcome = new CompletableFuture<RunOutcome>();
            Thread.ofVirtual().start(() -> {
                try {
                    outcome.complete(run.writeTo(written));
                } catch (IOException | RuntimeException e) {
                    outcome.completeExceptionally(e);
                }
            });
            assertTrue(upload.awaitWaiting(java.time.Duration.ofSeconds(10)), "the rows sent were read");
            assertTrue(errorLineOut.await(10, TimeUnit.SECONDS), "the error line goes out while the read waits: " + written.toString(StandardCharsets.UTF_8));
            Thread.sleep(100);
            assertFalse(outcome.isDone(), "the run ends when its read does");
            upload.release();
            assertTrue(outcome.get(10, TimeUnit.SECONDS).stoppedAtMaxErrors());
            assertTrue(run.stoppedEarly());
        }
        assertFalse(upload.interrupted(), "the read under way was interrupted");
        assertTrue(written.toString(StandardCharsets.UTF_8).endsWith(errorLine), written.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aDuplicateThatReachesTheLimitIsTheCut() {
        var schema = Schema.parse("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"}],\"primaryKey\":[\"id\"]}"
                .getBytes(StandardCharsets.UTF_8));
        List<String> lines = new ArrayList<>();
        String csv = "id\n1\n2\n1\n3\n2\n4\n";
        var output = EngineFixture.run(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), schema,
                EngineOptions.defaults().withChunkRows(1).withWorkers(2).withMaxErrors(2).withMode(Mode.INVALID).withSummary(true));
        for (String line : output.stable().split("\n")) {
            lines.add(line);
        }
        assertEquals(4, lines.size(), output.ndjson());
        assertTrue(lines.get(0).startsWith("{\"row\":3,") && lines.get(1).startsWith("{\"row\":5,"), output.ndjson());
        assertEquals("{\"summary\":{\"rows\":5,\"valid\":3,\"invalid\":2,\"elapsedMs\":0,\"stopped\":\"max_errors\"}}", lines.get(2));
        assertEquals("{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 2 invalid rows (max-errors=2)\",\"row\":5}}", lines.get(3));
    }

    @Test
    void validModeCountsInvalidRowsItDoesNotWrite() throws IOException {
        String csv = "id,name,email,age,city\n1,Ada,ada@example.org,36,\n2,Bob,bob@example.org,abc,\n3,Cy,cy@example.org,5,\n";
        var output = EngineFixture.run(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), Schema.people(),
                EngineOptions.defaults().withMaxErrors(1).withMode(Mode.VALID));
        String[] lines = output.ndjson().split("\n");
        assertEquals(2, lines.length, output.ndjson());
        assertTrue(lines[0].startsWith("{\"row\":1,"), lines[0]);
        assertTrue(lines[1].contains("\"max_errors\"") && lines[1].endsWith("\"row\":2}}"), lines[1]);
    }
}
