package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.csv.CsvSource;
import dev.fanout.csv.RecordBatch;
import dev.fanout.memory.BufferPool;
import dev.fanout.output.NdjsonRenderer;
import dev.fanout.schema.Schema;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/// Rows checked by the quick path (each field's `QuickCheck`, rendered straight from their cells)
/// come out as the same bytes as by the full path, row for row, in every mode: valid rows, rows
/// with invalid cells (whose other cells the quick checks decide, and whose lines are written
/// straight too when they have no made value), cells the quick check leaves undecided
/// (non-canonical integers, non-ASCII lengths), missing values, made values (numbers with group
/// characters), columns in another order than the schema's, ignored extra columns, huge cells and
/// rows with the wrong cell count.
class QuickRowsEquivalenceTest {
    private static final Schema SCHEMA = Schema.parse("""
            {"fields":[
              {"name":"id","type":"integer","constraints":{"required":true,"minimum":1}},
              {"name":"name","type":"string","constraints":{"required":true,"minLength":2,"maxLength":6}},
              {"name":"email","type":"string","format":"email"},
              {"name":"age","type":"integer","constraints":{"minimum":0,"exclusiveMaximum":150}},
              {"name":"active","type":"boolean"},
              {"name":"born","type":"date"},
              {"name":"score","type":"number","groupChar":","}],
             "missingValues":["","NA"]}""".getBytes(StandardCharsets.UTF_8));
    /// The same fields with keys: a primary key, a unique field and a unique pair, whose rows the
    /// quick path checks too (the writer then finds the duplicates).
    private static final Schema KEYED = Schema.parse("""
            {"fields":[
              {"name":"id","type":"integer","constraints":{"required":true,"minimum":1}},
              {"name":"name","type":"string","constraints":{"required":true,"minLength":2,"maxLength":6}},
              {"name":"email","type":"string","format":"email","constraints":{"unique":true}},
              {"name":"age","type":"integer","constraints":{"minimum":0,"exclusiveMaximum":150}},
              {"name":"active","type":"boolean"},
              {"name":"born","type":"date"},
              {"name":"score","type":"number","groupChar":","}],
             "primaryKey":"id","uniqueKeys":[["name","score"]],
             "missingValues":["","NA"]}""".getBytes(StandardCharsets.UTF_8));
    private static final List<String> COLUMNS = List.of("id", "name", "email", "age", "active", "born", "score");

    @Property(tries = 80)
    void quickAndFullPathsWriteTheSameBytes(@ForAll long seed, @ForAll @IntRange(min = 0, max = 300) int rows,
            @ForAll @IntRange(min = 1, max = 64) int chunkRows) {
        var random = new Random(seed);
        List<String> header = new ArrayList<>(COLUMNS);
        if (random.nextBoolean()) {
            Collections.shuffle(header, random);
        }
        if (random.nextInt(3) == 0) {
            header.add(random.nextInt(header.size()), "note");
        }
        byte[] csv = randomCsv(random, header, rows);
        ExtraColumns extra = header.contains("note") ? ExtraColumns.IGNORE : ExtraColumns.ERROR;
        for (Mode mode : Mode.values()) {
            assertSameChunks(SCHEMA, csv, extra, mode, chunkRows);
        }
        assertSameChunks(KEYED, csv, extra, Mode.ALL, chunkRows);
    }

    private static void assertSameChunks(Schema schema, byte[] csv, ExtraColumns extra, Mode mode, int chunkRows) {
        try (var source = CsvSource.open(new ByteArrayInputStream(csv), ',', 1 << 20, 1024)) {
            String[] header = source.next().orElseThrow().cells();
            var mapping = ColumnMapping.of(header, schema, extra);
            var renderer = NdjsonRenderer.of(mapping.dataNames);
            var quick = validator(schema, mapping, mode, renderer, true);
            var full = validator(schema, mapping, mode, renderer, false);
            long firstRow = 1;
            boolean ended = false;
            while (!ended) {
                var batch = new RecordBatch(1024);
                ended = source.fill(batch, chunkRows);
                var chunk = new Chunk(firstRow, batch, ended, Optional.empty());
                ValidatedChunk expected = full.validate(chunk, WorkerSlot.NONE);
                ValidatedChunk actual = quick.validate(chunk, WorkerSlot.NONE);
                String where = "rows from " + firstRow + ", mode " + mode;
                assertEquals(new String(expected.bytes(), expected.start(), expected.end() - expected.start(), StandardCharsets.UTF_8),
                        new String(actual.bytes(), actual.start(), actual.end() - actual.start(), StandardCharsets.UTF_8), where);
                assertArrayEquals(expected.rowEnds(), actual.rowEnds(), where);
                assertEquals(expected.validCount(), actual.validCount(), where);
                assertArrayEquals(expected.invalidRows(), actual.invalidRows(), where);
                // What the writer reads of a chunk with keys: each row's keys, values and errors.
                assertEquals(expected.keys() == null, actual.keys() == null, where);
                if (expected.keys() != null) {
                    assertEquals(expected.keys().toString(), actual.keys().toString(), where);
                    for (int r = 0; r < batch.size(); r++) {
                        for (int slot = 0; slot < mapping.dataNames.size(); slot++) {
                            assertEquals(expected.rows().typed(r, slot), actual.rows().typed(r, slot), where);
                        }
                        assertEquals(expected.rows().errors(r), actual.rows().errors(r), where);
                    }
                }
                BufferPool.SHARED.give(expected.bytes());
                BufferPool.SHARED.give(actual.bytes());
                firstRow += batch.size();
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    private static RowValidator validator(Schema schema, ColumnMapping mapping, Mode mode, NdjsonRenderer renderer,
            boolean quick) {
        return new RowValidator(schema, mapping, mode, UniqueConstraint.of(schema), List.of(), renderer, Lookups.NONE,
                Thread.ofVirtual().factory(), true, quick);
    }

    /// Rows valid throughout, with a key on every kind of field: a cell the quick path found to
    /// be its own value goes into its key as its bytes, every other as its value's key (`-0.0` and
    /// `1.50` are the numbers 0 and 1.5, a time and a datetime are keyed by their instants), and
    /// the keys are the full path's.
    @Property(tries = 1)
    void keysMadeFromCellsAreTheKeysTheirValuesMake() {
        Schema keyed = Schema.parse("""
                {"fields":[
                  {"name":"id","type":"integer"},
                  {"name":"s","type":"string","constraints":{"unique":true}},
                  {"name":"e","type":"string","format":"email","constraints":{"unique":true}},
                  {"name":"n","type":"number","constraints":{"unique":true}},
                  {"name":"d","type":"date","constraints":{"unique":true}},
                  {"name":"t","type":"time","constraints":{"unique":true}},
                  {"name":"dt","type":"datetime","constraints":{"unique":true}},
                  {"name":"b","type":"boolean","constraints":{"unique":true}},
                  {"name":"y","type":"year","constraints":{"unique":true}}],
                 "primaryKey":"id","uniqueKeys":[["s","n","t"]]}""".getBytes(StandardCharsets.UTF_8));
        String[] numbers = {"-0.0", "1.50", "0", "1.5"};
        String[] times = {"10:00:00", "10:00:00.500", "23:59:59"};
        String[] datetimes = {"2020-01-01T00:00:00Z", "2020-01-01T01:00:00+01:00", "2021-06-01T12:30:00.25Z"};
        var csv = new StringBuilder("id,s,e,n,d,t,dt,b,y\n");
        for (int r = 0; r < 200; r++) {
            csv.append(r % 50 + 1).append(",s").append(r % 7).append(",p").append(r % 5).append("@example.org,")
                    .append(numbers[r % numbers.length]).append(",2001-02-0").append(r % 9 + 1).append(',')
                    .append(times[r % times.length]).append(',').append(datetimes[r % datetimes.length]).append(',')
                    .append(r % 2 == 0 ? "true" : "false").append(',').append(1990 + r % 11).append('\n');
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        var mapping = ColumnMapping.of("id,s,e,n,d,t,dt,b,y".split(","), keyed, ExtraColumns.ERROR);
        assertTrue(validator(keyed, mapping, Mode.ALL, NdjsonRenderer.of(mapping.dataNames), true).quickRows());
        assertSameChunks(keyed, bytes, ExtraColumns.ERROR, Mode.ALL, 64);
        String all = EngineFixture.run(new ByteArrayInputStream(bytes), keyed, EngineOptions.defaults()).stable();
        assertTrue(all.contains("\"dt \\\"2020-01-01T01:00:00+01:00\\\" is a duplicate of row 1\""), all.substring(0, 800));
        assertTrue(all.contains("\"n \\\"0\\\" is a duplicate of row 1\""), all.substring(0, 800));
        assertTrue(all.contains("\"n \\\"1.5\\\" is a duplicate of row 2\""), all.substring(0, 800));
        assertTrue(all.contains("\"id \\\"1\\\" is a duplicate of row 1\""), "row 51 repeats row 1's id");
        assertFalse(all.contains("\"id \\\"51\\\" is a duplicate"), "ids repeat from row 51 on, not before");
    }

    @Property(tries = 1)
    void theQuickPathIsTakenForTheseSchemas() {
        // Otherwise the property above would compare the full path with itself.
        for (Schema schema : List.of(SCHEMA, KEYED)) {
            var mapping = ColumnMapping.of(COLUMNS.toArray(String[]::new), schema, ExtraColumns.IGNORE);
            assertTrue(validator(schema, mapping, Mode.ALL, NdjsonRenderer.of(mapping.dataNames), true).quickRows());
        }
    }

    private static byte[] randomCsv(Random random, List<String> header, int rows) {
        var text = new StringBuilder(String.join(",", header)).append('\n');
        for (int r = 0; r < rows; r++) {
            List<String> cells = new ArrayList<>();
            for (String column : header) {
                cells.add(cell(random, column, r));
            }
            if (random.nextInt(25) == 0) {
                cells.removeLast();
            } else if (random.nextInt(25) == 0) {
                cells.add("extra");
            }
            text.append(String.join(",", cells)).append(random.nextBoolean() ? "\n" : "\r\n");
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static String cell(Random random, String column, int r) {
        int pick = random.nextInt(12);
        String missing = pick == 0 ? "" : pick == 1 ? "NA" : null;
        if (missing != null) {
            return missing;
        }
        return switch (column) {
            case "id" -> pick(random, Integer.toString(r + 1), "0", "-3", "007", "+9", "x", "99999999999999999999");
            case "name" -> pick(random, "Ada", "Bo", "B", "Grace Hopper", "Zoë", "李李李李李李李", "\"a,b\"", "\"q\"\"q\"");
            // A huge address makes a valid row too large to be written in one reservation.
            case "email" -> pick(random, "p" + r + "@example.org", "bad", "a@b", "é@ü.de", "a b@c.d", "x@y.z",
                    "\"" + "q\"\"".repeat(40_000) + "@example.org\"");
            case "age" -> pick(random, Integer.toString(random.nextInt(200)), "-0", "150", "abc", "1,000", "12.0");
            case "active" -> pick(random, "true", "false", "yes", "0", "maybe");
            case "born" -> pick(random, "2001-02-03", "2001-02-30", "yesterday", "1999-12-31");
            case "score" -> pick(random, "1.5", "1,000.25", "007", "-0.0", "NaN", "x");
            default -> pick(random, "n" + r, "\"multi\nline\"", "n".repeat(70_000));
        };
    }

    private static String pick(Random random, String common, String... others) {
        return random.nextInt(3) > 0 ? common : others[random.nextInt(others.length)];
    }
}
