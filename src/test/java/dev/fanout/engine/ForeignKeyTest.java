package dev.fanout.engine;

import static dev.fanout.engine.EngineFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForeignKeyTest {
    private static final EngineOptions ONE_CHUNK = EngineOptions.defaults();
    private static final EngineOptions TINY_CHUNKS = EngineOptions.defaults().withChunkRows(2).withChunksInFlight(2);
    private static final EngineOptions[] SPLITS = {ONE_CHUNK, TINY_CHUNKS, TINY_CHUNKS.withChunkRows(1).withWorkers(2)};
    private static final Schema TREE = schema("""
            {"fields":[{"name":"id","type":"integer"},{"name":"parent","type":"integer"}],
             "foreignKeys":[{"fields":"parent","reference":{"resource":"","fields":"id"}}]}""");
    private static final Schema COUNTRIES = schema("""
            {"fields":[{"name":"name"},{"name":"country"},{"name":"population","type":"integer"}],
             "foreignKeys":[{"fields":"country","reference":{"resource":"countries","fields":"code"}},
                            {"fields":"population","reference":{"resource":"sizes","fields":"n"}}]}""");

    @TempDir
    Path dir;

    private static Schema schema(String json) {
        return Schema.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static List<String> lines(String csv, Schema schema, EngineOptions options, References references) throws IOException {
        var out = new ByteArrayOutputStream();
        try (InputStream in = new java.io.ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8));
                var run = new ValidationEngine().open(in, schema, options, Lookups.NONE, references)) {
            run.writeTo(out);
        }
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    private static List<String> lines(String csv, Schema schema, EngineOptions options) throws IOException {
        return lines(csv, schema, options, References.NONE);
    }

    @Test
    void theIssuesExampleIsCaught() throws IOException {
        for (var options : SPLITS) {
            List<String> lines = lines("id,parent\n1,\n2,1\n3,9\n", TREE, options);
            assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"id\":1,\"parent\":null}}", lines.get(0));
            assertEquals("{\"row\":2,\"line\":3,\"valid\":true,\"data\":{\"id\":2,\"parent\":1}}", lines.get(1));
            assertEquals("{\"row\":3,\"line\":4,\"valid\":false,\"data\":{\"id\":3,\"parent\":9},\"errors\":[{\"field\":\"parent\","
                    + "\"code\":\"foreign_key\",\"message\":\"parent \\\"9\\\" is not a key of this table (id)\"}]}", lines.get(2));
        }
    }

    @Test
    void aRowMayReferToItselfButNotToALaterRow() throws IOException {
        for (var options : SPLITS) {
            List<String> lines = lines("id,parent\n1,1\n2,3\n3,2\n4,3\n", TREE, options);
            assertTrue(lines.get(0).contains("\"valid\":true"), lines.get(0));
            // Row 2 refers to row 3, which comes later: single pass, row order.
            assertTrue(lines.get(1).contains("parent \\\"3\\\" is not a key of this table (id)"), lines.get(1));
            assertTrue(lines.get(2).contains("\"valid\":true"), lines.get(2));
            assertTrue(lines.get(3).contains("\"valid\":true"), lines.get(3));
        }
    }

    @Test
    void selfReferencesAreDecidedInRowOrderAcrossManyChunks() throws IOException {
        // 5,000 rows over chunks of 7 rows and 3 workers: each row refers to the row before it,
        // and every 1,000th to a row that only comes 10 rows later (5,010: never).
        var csv = new StringBuilder("id,parent\n");
        for (int id = 1; id <= 5000; id++) {
            csv.append(id).append(',').append(id % 1000 == 0 ? id + 10 : id - 1 == 0 ? 1 : id - 1).append('\n');
        }
        var options = EngineOptions.defaults().withChunkRows(7).withChunksInFlight(6).withWorkers(3);
        List<String> lines = lines(csv.toString(), TREE, options);
        List<Integer> invalid = new ArrayList<>();
        for (int r = 0; r < lines.size(); r++) {
            if (lines.get(r).contains("\"valid\":false")) {
                invalid.add(r + 1);
            }
        }
        assertEquals(List.of(1000, 2000, 3000, 4000, 5000), invalid);
    }

    @Test
    void aKeyWithAMissingOrUncastPartIsNotChecked() throws IOException {
        Schema pairs = schema("""
                {"fields":[{"name":"a","type":"integer"},{"name":"b"},{"name":"pa","type":"integer"},{"name":"pb"}],
                 "foreignKeys":[{"fields":["pa","pb"],"reference":{"resource":"","fields":["a","b"]}}]}""");
        for (var options : SPLITS) {
            List<String> lines = lines("a,b,pa,pb\n1,x,1,x\n2,y,1,y\n3,z,,q\n4,w,x7,q\n5,v,1,\n", pairs, options);
            assertTrue(lines.get(0).contains("\"valid\":true"), lines.get(0));
            assertTrue(lines.get(1).contains("\"errors\":[{\"field\":\"pa,pb\",\"code\":\"foreign_key\",\"message\":"
                    + "\"pa,pb (\\\"1\\\", \\\"y\\\") is not a key of this table (a, b)\"}]"), lines.get(1));
            assertTrue(lines.get(2).contains("\"valid\":true"), lines.get(2));
            // Only the type error: the key is not checked with a value that did not cast.
            assertTrue(lines.get(3).contains("\"errors\":[{\"field\":\"pa\",\"code\":\"type\""), lines.get(3));
            assertFalse(lines.get(3).contains("foreign_key"), lines.get(3));
            assertTrue(lines.get(4).contains("\"valid\":true"), lines.get(4));
        }
    }

    @Test
    void keysCompareByCastValue() throws IOException {
        Schema decimals = schema("""
                {"fields":[{"name":"id","type":"number"},{"name":"parent","type":"number"}],
                 "foreignKeys":[{"fields":"parent","reference":{"resource":"","fields":"id"}}]}""");
        List<String> lines = lines("id,parent\n1.50,\n2,1.5\n3,2.000\n4,0.3\n", decimals, ONE_CHUNK);
        assertEquals(List.of(true, true, true, false), lines.stream().map(l -> l.contains("\"valid\":true")).toList());
    }

    @Test
    void anInvalidRowStillOffersItsKeyAndTheErrorFollowsItsField() throws IOException {
        Schema tree = schema("""
                {"fields":[{"name":"id","type":"integer"},{"name":"parent","type":"integer","constraints":{"maximum":5}},
                           {"name":"note","constraints":{"required":true}}],
                 "foreignKeys":[{"fields":"parent","reference":{"resource":"","fields":"id"}}]}""");
        List<String> lines = lines("id,parent,note\n1,,\n2,7,\n3,1,x\n", tree, ONE_CHUNK);
        assertTrue(lines.get(0).contains("\"valid\":false"), lines.get(0));
        // Row 1 is invalid (no note), and still a key row 3 may refer to.
        assertEquals("{\"row\":3,\"line\":4,\"valid\":true,\"data\":{\"id\":3,\"parent\":1,\"note\":\"x\"}}", lines.get(2));
        assertEquals("{\"row\":2,\"line\":3,\"valid\":false,\"data\":{\"id\":2,\"parent\":7,\"note\":null},\"errors\":["
                + "{\"field\":\"parent\",\"code\":\"maximum\",\"message\":\"\\\"7\\\" is above the maximum 5\"},"
                + "{\"field\":\"parent\",\"code\":\"foreign_key\",\"message\":\"parent \\\"7\\\" is not a key of this table (id)\"},"
                + "{\"field\":\"note\",\"code\":\"required\",\"message\":\"note is required\"}]}",
                lines.get(1));
    }

    /// The clock the reference tables of [#countries] check their files by.
    private final AtomicLong nanos = new AtomicLong();

    private References countries(String countries) {
        write(dir, "countries.csv", countries);
        write(dir, "sizes.csv", "n\n100\n");
        return References.load(COUNTRIES, dir, 10, nanos::get);
    }

    @Test
    void aReferenceTableIsCastByTheLocalFieldAndCheckedInEveryChunk() throws IOException {
        References references = countries("code,name\nDE,Germany\nFR,France\n");
        for (var options : SPLITS) {
            List<String> lines = lines("name,country,population\na,DE,100\nb,XX,0100\nc,,7\nd,FR,\n", COUNTRIES, options, references);
            assertTrue(lines.get(0).contains("\"valid\":true"), lines.get(0));
            assertEquals("{\"row\":2,\"line\":3,\"valid\":false,\"data\":{\"name\":\"b\",\"country\":\"XX\",\"population\":100},"
                    + "\"errors\":[{\"field\":\"country\",\"code\":\"foreign_key\",\"message\":\"country \\\"XX\\\" is not a key of "
                    + "countries (code)\"}]}", lines.get(1));
            assertTrue(lines.get(2).contains("population \\\"7\\\" is not a key of sizes (n)"), lines.get(2));
            assertFalse(lines.get(2).contains("\"field\":\"country\""), lines.get(2));
            assertTrue(lines.get(3).contains("\"valid\":true"), lines.get(3));
        }
    }

    /// A table's cells are read as the local field reads an upload's: with its own
    /// `missingValues`, not the schema's.
    @Test
    void aTablesMissingValuesAreTheLocalFieldsOwn() throws IOException {
        Schema namibia = schema("""
                {"missingValues":["","NA"],
                 "fields":[{"name":"country","missingValues":[""]}],
                 "foreignKeys":[{"fields":"country","reference":{"resource":"countries","fields":"code"}}]}""");
        write(dir, "countries.csv", "code\nDE\nNA\n");
        References references = References.load(namibia, dir, 10, nanos::get);
        for (var options : SPLITS) {
            List<String> lines = lines("country\nNA\nDE\n", namibia, options, references);
            assertTrue(lines.get(0).contains("\"valid\":true"), lines.get(0));
            assertTrue(lines.get(1).contains("\"valid\":true"), lines.get(1));
        }
    }

    /// Within a field, `unique` comes before `foreign_key` (http-api.md), whichever check found
    /// its error first.
    @Test
    void aFieldsUniqueErrorComesBeforeItsForeignKeyError() throws IOException {
        Schema parents = schema("""
                {"fields":[{"name":"id","type":"integer"},{"name":"parent","type":"integer","constraints":{"unique":true}}],
                 "foreignKeys":[{"fields":"parent","reference":{"resource":"","fields":"id"}}]}""");
        for (var options : SPLITS) {
            List<String> lines = lines("id,parent\n1,9\n2,9\n", parents, options);
            assertTrue(lines.get(1).contains("\"errors\":[{\"field\":\"parent\",\"code\":\"unique\","), lines.get(1));
            assertTrue(lines.get(1).indexOf("\"unique\"") < lines.get(1).indexOf("\"foreign_key\""), lines.get(1));
        }
    }

    /// A key of the same fields in another order is the same key, checked once.
    @Test
    void aUniqueKeyThatReordersThePrimaryKeyIsCheckedOnce() throws IOException {
        Schema pairs = schema("""
                {"fields":[{"name":"a"},{"name":"b"}],"primaryKey":["a","b"],"uniqueKeys":[["b","a"]]}""");
        for (var options : SPLITS) {
            List<String> lines = lines("a,b\n1,x\n1,x\n", pairs, options);
            assertEquals(1, lines.get(1).split("\"code\":\"unique\"", -1).length - 1, lines.get(1));
        }
    }

    @Test
    void aTableOverTheBoundWithoutItsColumnOrMissingIsRefused() {
        write(dir, "sizes.csv", "n\n1\n");
        write(dir, "countries.csv", "code\n" + "AA\n".repeat(11));
        var over = assertThrows(InvalidSchemaException.class, () -> References.load(COUNTRIES, dir, 10));
        assertEquals("foreignKeys #1: reference table 'countries': countries.csv has more than 10 rows, the limit "
                + "(fanout.schemas.max-reference-rows)", over.getMessage());
        write(dir, "countries.csv", "iso\nDE\n");
        var column = assertThrows(InvalidSchemaException.class, () -> References.load(COUNTRIES, dir, 10));
        assertEquals("foreignKeys #1: reference table 'countries': countries.csv has no column 'code'", column.getMessage());
        write(dir, "countries.csv", "code,name\nDE\n");
        var cells = assertThrows(InvalidSchemaException.class, () -> References.load(COUNTRIES, dir, 10));
        assertEquals("foreignKeys #1: reference table 'countries': countries.csv line 2 has 1 cells, and its header 2",
                cells.getMessage());
        write(dir, "countries.csv", "code\nDE\n");
        assertTrue(new java.io.File(dir.toFile(), "sizes.csv").delete());
        var missing = assertThrows(InvalidSchemaException.class, () -> References.load(COUNTRIES, dir, 10));
        assertEquals("foreignKeys #2: reference table 'sizes': there is no file sizes.csv beside the schemas", missing.getMessage());
    }

    @Test
    void aChangedTableIsReadAgainAtMostOnceASecond() throws Exception {
        References references = countries("code\nDE\n");
        String csv = "name,country,population\na,FR,100\n";
        assertTrue(lines(csv, COUNTRIES, ONE_CHUNK, references).getFirst().contains("\"valid\":false"));
        Files.writeString(dir.resolve("countries.csv"), "code\nDE\nFR\n");
        Files.setLastModifiedTime(dir.resolve("countries.csv"), FileTime.from(Instant.now().plusSeconds(5)));
        nanos.addAndGet(999_999_999);
        assertTrue(lines(csv, COUNTRIES, ONE_CHUNK, references).getFirst().contains("\"valid\":false"),
                "not checked again within the second");
        nanos.addAndGet(1);
        assertTrue(lines(csv, COUNTRIES, ONE_CHUNK, references).getFirst().contains("\"valid\":true"));
        // A change to a table that cannot be used makes the schema unusable, not stale.
        Files.writeString(dir.resolve("countries.csv"), "iso\nFR\n");
        nanos.addAndGet(1_000_000_000);
        var e = assertThrows(InvalidSchemaException.class, () -> lines(csv, COUNTRIES, ONE_CHUNK, references));
        assertEquals("foreignKeys #1: reference table 'countries': countries.csv has no column 'code'", e.getMessage());
    }

    @Test
    void aSchemaNamingATableNeedsTheTables() {
        var e = assertThrows(IllegalArgumentException.class, () -> lines("name,country,population\n", COUNTRIES, ONE_CHUNK));
        assertEquals("a foreign key of country refers to table 'countries', and no reference tables are given here", e.getMessage());
    }

    @Test
    void theKeySetFindsExactlyWhatWasAdded() {
        var keys = new KeySet();
        for (int i = 0; i < 100_000; i++) {
            assertTrue(keys.add(KeySet.encode("k" + i)));
        }
        assertFalse(keys.add(KeySet.encode("k7")));
        assertEquals(100_000, keys.size());
        for (int i = 0; i < 100_000; i++) {
            assertTrue(keys.contains(KeySet.encode("k" + i)));
        }
        assertFalse(keys.contains(KeySet.encode("k100000")));
        // Parts are length-prefixed: ("ab", "c") is not ("a", "bc").
        keys.add(KeySet.encode("ab", "c"));
        assertFalse(keys.contains(KeySet.encode("a", "bc")));
        keys.add(KeySet.encode(new BigDecimal("1.5")));
        assertTrue(keys.contains(KeySet.encode(new BigDecimal("1.50").stripTrailingZeros())));
        // A 128-byte part needs a two-byte length.
        keys.add(KeySet.encode("x".repeat(200)));
        assertTrue(keys.contains(KeySet.encode("x".repeat(200))));
        assertFalse(keys.contains(KeySet.encode("x".repeat(199))));
    }
}
