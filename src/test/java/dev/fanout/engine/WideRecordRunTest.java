package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.memory.WideRecordGate;
import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.Lookup;
import dev.fanout.schema.Schema;
import dev.fanout.schema.Violation;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/// Runs whose records outgrow a batch take turns at the engine's gate for wide records: with one
/// turn, a run of many wide records and two such runs at once all end whole (a wide chunk's turn
/// comes back when its line is written, so a run's next one waits for no more), every turn comes back, and a
/// run that stops while its reader waits for a turn ends at once.
class WideRecordRunTest {
    private static final Schema SCHEMA = Schema.parse("""
            {"fields": [{"name": "id", "type": "integer"}, {"name": "text", "type": "string"}]}""".getBytes(StandardCharsets.UTF_8));
    /// Over a batch (256 KiB): a turn for each.
    private static final String WIDE = "w".repeat(600 * 1024);
    private static final int ROWS = 8;
    private static final String CSV;
    private static final String NDJSON;

    static {
        var csv = new StringBuilder("id,text\n");
        var ndjson = new StringBuilder();
        for (int row = 1; row <= ROWS; row++) {
            String text = row % 2 == 1 ? WIDE : "narrow";
            csv.append(row).append(',').append(text).append('\n');
            ndjson.append("{\"row\":").append(row).append(",\"line\":").append(row + 1)
                    .append(",\"valid\":true,\"data\":{\"id\":").append(row).append(",\"text\":\"").append(text).append("\"}}\n");
        }
        CSV = csv.toString();
        NDJSON = ndjson.toString();
    }

    private static final EngineOptions OPTIONS = EngineOptions.defaults().withSummary(false).withChunkRows(1).withChunksInFlight(3);

    @Test
    @Timeout(30)
    void aRunOfManyWideRecordsPassesOneTurnOnAndGivesItBack() {
        var gate = WideRecordGate.of(1, Duration.ofSeconds(20));
        var engine = engine(gate);
        assertWhole(run(engine, CSV, OPTIONS));
        assertEquals(0, gate.held());
    }

    @Test
    @Timeout(30)
    void twoRunsAtOnceTakeTurnsAndBothEndWhole() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofSeconds(20));
        var engine = engine(gate);
        var first = CompletableFuture.supplyAsync(() -> run(engine, CSV, OPTIONS));
        var second = CompletableFuture.supplyAsync(() -> run(engine, CSV, OPTIONS));
        assertWhole(first.get(25, TimeUnit.SECONDS));
        assertWhole(second.get(25, TimeUnit.SECONDS));
        assertEquals(0, gate.held());
    }

    /// The error limit stops the run at row 1 while its reader waits for the turn another holds
    /// (row 1's lookup answers only once the reader waits): the reader gives up within a slice of
    /// its wait, not at the end of its 20 s.
    @Test
    @Timeout(15)
    void aRunStoppedWhileItsReaderWaitsForATurnEndsAtOnce() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofSeconds(20));
        assertTrue(gate.enter(() -> false), "another run holds the only turn");
        Lookups answeredOnceTheReaderWaits = new Lookups() {
            @Override
            public LookupAnswer lookup(Lookup lookup, String value) throws InterruptedException {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                while (gate.waiting() == 0 && System.nanoTime() - deadline < 0) {
                    Thread.sleep(5);
                }
                return new LookupAnswer(Optional.of(new Violation(ErrorCode.LOOKUP_NOT_FOUND, "no such customer")), List.of());
            }
        };
        var schema = Schema.parse("""
                {"fields": [{"name": "id", "type": "integer", "x-lookup": {"upstream": "crm", "path": "/c/{value}"}},
                            {"name": "text", "type": "string"}]}""".getBytes(StandardCharsets.UTF_8));
        String csv = "id,text\n1,x\n2," + WIDE + "\n";
        long start = System.nanoTime();
        var out = new ByteArrayOutputStream();
        try (var run = engine(gate).open(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), schema,
                OPTIONS.withMaxErrors(1), answeredOnceTheReaderWaits)) {
            run.writeTo(out);
        }
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "ended at once");
        String ndjson = out.toString(StandardCharsets.UTF_8);
        assertTrue(ndjson.startsWith("{\"row\":1,\"line\":2,\"valid\":false,"), () -> shown(ndjson));
        assertTrue(ndjson.contains("{\"error\":{\"code\":\"max_errors\""), () -> shown(ndjson));
        assertEquals(1, gate.held(), "the stopped run took no turn");
        assertEquals(0, gate.waiting());
    }

    /// Every row's line, in order (the output, shown shortened when it is not: its lines are 600 KiB).
    private static void assertWhole(String out) {
        assertTrue(NDJSON.equals(out), () -> shown(out));
    }

    private static String shown(String out) {
        return out.length() + " chars: " + out.replaceAll("w{40,}", "w…");
    }

    private static ValidationEngine engine(WideRecordGate gate) {
        return ValidationEngine.sharingWorkers(Thread.ofVirtual().factory(), EngineMetrics.NONE, 1, 1, gate);
    }

    private static String run(ValidationEngine engine, String csv, EngineOptions options) {
        var out = new ByteArrayOutputStream();
        try (var run = engine.open(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), SCHEMA, options)) {
            run.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
