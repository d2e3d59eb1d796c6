package dev.fanout.engine;

import static dev.fanout.engine.EngineFixture.run;
import static dev.fanout.engine.EngineFixture.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.schema.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EngineTest {
    private static final Schema PEOPLE = Schema.people();
    private static final EngineOptions ONE_CHUNK = EngineOptions.defaults();
    private static final EngineOptions TINY_CHUNKS = EngineOptions.defaults().withChunkRows(2).withChunksInFlight(2);

    @TempDir
    Path dir;

    @Test
    void validRowIsWrittenWithTypedDataInSchemaOrder() {
        var csv = write(dir, "a.csv", "name,id,email,age,city\nAda,1,ada@example.org,36,London\n");
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"id\":1,\"name\":\"Ada\",\"email\":\"ada@example.org\",\"age\":36,\"city\":\"London\"}}\n",
                run(csv, PEOPLE, ONE_CHUNK).ndjson());
    }

    /// One engine over runs whose headers, schemas and `extra` change and come back: each run is
    /// mapped by its own header (the engine keeps the last mapping for a header seen again).
    @Test
    void anEngineMapsEachRunByItsOwnHeader() throws Exception {
        var engine = new ValidationEngine();
        Schema other = Schema.parse("{\"fields\":[{\"name\":\"id\",\"type\":\"string\"},{\"name\":\"name\"},{\"name\":\"email\"}]}".getBytes(StandardCharsets.UTF_8));
        Path inOrder = write(dir, "in-order.csv", "id,name,email\n7,Ada,a@b.org\n");
        Path reversed = write(dir, "reversed.csv", "email,name,id\na@b.org,Ada,7\n");
        String typed = "{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"id\":7,\"name\":\"Ada\",\"email\":\"a@b.org\",\"age\":null,\"city\":null}}\n";
        String text = "{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"id\":\"7\",\"name\":\"Ada\",\"email\":\"a@b.org\"}}\n";
        assertEquals(typed, runOn(engine, inOrder, PEOPLE, ONE_CHUNK));
        assertEquals(typed, runOn(engine, inOrder, PEOPLE, ONE_CHUNK));
        assertEquals(typed, runOn(engine, reversed, PEOPLE, ONE_CHUNK));
        assertEquals(text, runOn(engine, reversed, other, ONE_CHUNK));
        assertEquals(typed, runOn(engine, reversed, PEOPLE, ONE_CHUNK));
        Path extra = write(dir, "extra.csv", "id,name,email,shoe\n7,Ada,a@b.org,42\n");
        assertEquals(typed.replace("null}}", "null,\"shoe\":\"42\"}}"),
                runOn(engine, extra, PEOPLE, ONE_CHUNK.withExtra(ExtraColumns.KEEP)));
        assertThrows(HeaderException.class, () -> runOn(engine, extra, PEOPLE, ONE_CHUNK));
        assertEquals(typed, runOn(engine, extra, PEOPLE, ONE_CHUNK.withExtra(ExtraColumns.IGNORE)));
    }

    private static String runOn(ValidationEngine engine, Path csv, Schema schema, EngineOptions options)
            throws java.io.IOException {
        var out = new java.io.ByteArrayOutputStream();
        try (var in = java.nio.file.Files.newInputStream(csv); var run = engine.open(in, schema, options)) {
            run.writeTo(out, KeyBudget.UNLIMITED);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void invalidRowListsEveryFailingCheckInFieldOrder() {
        var csv = write(dir, "a.csv", "id,name,email,age,city\n2,,bob@example.org,abc,\n");
        var out = run(csv, PEOPLE, ONE_CHUNK);
        assertEquals("{\"row\":1,\"line\":2,\"valid\":false,\"data\":{\"id\":2,\"name\":null,\"email\":\"bob@example.org\",\"age\":\"abc\",\"city\":null},"
                + "\"errors\":[{\"field\":\"name\",\"code\":\"required\",\"message\":\"name is required\"},"
                + "{\"field\":\"age\",\"code\":\"type\",\"message\":\"\\\"abc\\\" is not an integer\"}]}\n", out.ndjson());
        assertEquals(new Summary(1, 0, 1, out.outcome().summary().elapsedMs()), out.outcome().summary());
    }

    @Test
    void quotedNewlinesMakeLineDifferFromRow() {
        var csv = write(dir, "a.csv", "id,name,email\n1,\"Ada\nLovelace\",a@b.org\n2,Bob,b@b.org\n");
        String out = run(csv, PEOPLE, ONE_CHUNK).ndjson();
        assertTrue(out.contains("{\"row\":1,\"line\":2,"), out);
        assertTrue(out.contains("\"name\":\"Ada\\nLovelace\""), out);
        assertTrue(out.contains("{\"row\":2,\"line\":4,"), out);
    }

    @Test
    void bomAndCrlfAreHandled() {
        byte[] body = "\uFEFFid,name,email\r\n1,Ada,a@b.org\r\n2,Bob,b@b.org\r\n".getBytes(StandardCharsets.UTF_8);
        var out = run(write(dir, "a.csv", body), PEOPLE, ONE_CHUNK);
        assertEquals(2, out.outcome().summary().valid(), out.ndjson());
        assertTrue(out.ndjson().contains("{\"row\":2,\"line\":3,\"valid\":true,\"data\":{\"id\":2,\"name\":\"Bob\""), out.ndjson());
    }

    @Test
    void utf8TextSurvivesUnescaped() {
        var csv = write(dir, "a.csv", "id,name,email,city\n1,Zoë 李,z@b.org,Zürich\n");
        assertTrue(run(csv, PEOPLE, ONE_CHUNK).ndjson().contains("\"name\":\"Zoë 李\",\"email\":\"z@b.org\",\"age\":null,\"city\":\"Zürich\""));
    }

    @Test
    void recordWithWrongCellCountGetsFieldCountError() {
        var csv = write(dir, "a.csv", "id,name,email\n1,Ada\n2,Bob,b@b.org,extra\n");
        String out = run(csv, PEOPLE, ONE_CHUNK).ndjson();
        assertTrue(out.contains("\"errors\":[{\"field\":null,\"code\":\"field_count\",\"message\":\"expected 3 fields, got 2\"}]"), out);
        assertTrue(out.contains("\"errors\":[{\"field\":null,\"code\":\"field_count\",\"message\":\"expected 3 fields, got 4\"}]"), out);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            empty_csv        | ''
            empty_csv        | '\n\n'
            duplicate_column | 'id,name,email,id\n'
            missing_column   | 'id,name\n'
            unknown_column   | 'id,name,email,shoe\n'
            """)
    void headerProblemsFailBeforeAnyOutput(String code, String content) {
        var csv = write(dir, "a.csv", content.replace("\\n", "\n"));
        var e = assertThrows(HeaderException.class, () -> run(csv, PEOPLE, ONE_CHUNK));
        assertEquals(code, e.code());
    }

    @Test
    void extraColumnsCanBeIgnoredOrKept() {
        var csv = write(dir, "a.csv", "id,shoe,name,email\n1,42,Ada,a@b.org\n");
        assertTrue(run(csv, PEOPLE, ONE_CHUNK.withExtra(ExtraColumns.IGNORE)).ndjson()
                .contains("\"data\":{\"id\":1,\"name\":\"Ada\",\"email\":\"a@b.org\",\"age\":null,\"city\":null}}"));
        assertTrue(run(csv, PEOPLE, ONE_CHUNK.withExtra(ExtraColumns.KEEP)).ndjson()
                .contains("\"data\":{\"id\":1,\"name\":\"Ada\",\"email\":\"a@b.org\",\"age\":null,\"city\":null,\"shoe\":\"42\"}}"));
    }

    @Test
    void modeSelectsRowsButSummaryCountsAll() {
        var csv = write(dir, "a.csv", "id,name,email\n1,Ada,a@b.org\n0,Bob,b@b.org\n3,Cy,c@b.org\n");
        var invalid = run(csv, PEOPLE, TINY_CHUNKS.withMode(Mode.INVALID).withSummary(true));
        String[] lines = invalid.ndjson().split("\n");
        assertEquals(2, lines.length, invalid.ndjson());
        assertTrue(lines[0].startsWith("{\"row\":2,"), lines[0]);
        assertTrue(lines[1].matches("\\{\"summary\":\\{\"rows\":3,\"valid\":2,\"invalid\":1,\"elapsedMs\":[0-9]+\\.[0-9]}}"), lines[1]);
        var valid = run(csv, PEOPLE, TINY_CHUNKS.withMode(Mode.VALID));
        assertEquals(2, valid.ndjson().lines().count());
        assertTrue(valid.ndjson().lines().allMatch(l -> l.contains("\"valid\":true")));
    }

    @Test
    void tabDelimiter() {
        var csv = write(dir, "a.tsv", "id\tname\temail\n1\tAda\ta@b.org\n");
        assertEquals(1, run(csv, PEOPLE, ONE_CHUNK.withDelimiter('\t')).outcome().summary().valid());
    }

    @Test
    void uniqueIsDecidedInRowOrderAcrossChunks() {
        var schema = Schema.parse("""
                {"fields":[{"name":"id","type":"integer"},{"name":"code","type":"string","constraints":{"unique":true}}],
                 "primaryKey":"id"}""".getBytes(StandardCharsets.UTF_8));
        var csv = write(dir, "a.csv", "id,code\n1,a\n2,b\n1,c\n4,a\n5,e\n5,e\n7,\n8,\n");
        for (var options : new EngineOptions[] {ONE_CHUNK, TINY_CHUNKS, TINY_CHUNKS.withChunkRows(1).withWorkers(2)}) {
            var out = run(csv, schema, options.withSummary(true));
            String[] lines = out.ndjson().split("\n");
            assertTrue(lines[0].contains("\"valid\":true"), lines[0]);
            assertTrue(lines[1].contains("\"valid\":true"), lines[1]);
            assertEquals("{\"row\":3,\"line\":4,\"valid\":false,\"data\":{\"id\":1,\"code\":\"c\"},\"errors\":[{\"field\":\"id\",\"code\":\"unique\",\"message\":\"id \\\"1\\\" is a duplicate of row 1\"}]}", lines[2]);
            assertTrue(lines[3].contains("{\"field\":\"code\",\"code\":\"unique\",\"message\":\"code \\\"a\\\" is a duplicate of row 1\"}"), lines[3]);
            assertTrue(lines[5].contains("\"field\":\"id\",\"code\":\"unique\"") && lines[5].contains("\"field\":\"code\",\"code\":\"unique\""), lines[5]);
            assertTrue(lines[6].contains("\"valid\":true") && lines[7].contains("\"valid\":true"), "missing values are never duplicates");
            assertEquals(new Summary(8, 5, 3, out.outcome().summary().elapsedMs()), out.outcome().summary());
        }
    }

    /// A composite key is checked only when all its parts are there: a row missing one is a
    /// `required` error and never a duplicate, whatever the rows before it held.
    @Test
    void aCompositeKeyWithAMissingPartIsNeverADuplicate() {
        var schema = Schema.parse("""
                {"fields":[{"name":"a","type":"integer"},{"name":"b"},{"name":"note"}],"primaryKey":["a","b"]}"""
                .getBytes(StandardCharsets.UTF_8));
        var csv = write(dir, "a.csv", "a,b,note\n1,x,first\n1,x,again\n2,y,\n2,,\n,y,\n1,y,\n");
        for (var options : new EngineOptions[] {ONE_CHUNK, TINY_CHUNKS}) {
            String[] lines = run(csv, schema, options).ndjson().split("\n");
            assertEquals(6, lines.length);
            assertTrue(lines[0].contains("\"valid\":true"), lines[0]);
            assertEquals("{\"row\":2,\"line\":3,\"valid\":false,\"data\":{\"a\":1,\"b\":\"x\",\"note\":\"again\"},"
                    + "\"errors\":[{\"field\":\"a,b\",\"code\":\"unique\",\"message\":\"a,b (\\\"1\\\", \\\"x\\\") is a duplicate of row 1\"}]}",
                    lines[1]);
            assertTrue(lines[2].contains("\"valid\":true"), lines[2]);
            assertEquals("{\"row\":4,\"line\":5,\"valid\":false,\"data\":{\"a\":2,\"b\":null,\"note\":null},"
                    + "\"errors\":[{\"field\":\"b\",\"code\":\"required\",\"message\":\"b is required\"}]}", lines[3]);
            assertEquals("{\"row\":5,\"line\":6,\"valid\":false,\"data\":{\"a\":null,\"b\":\"y\",\"note\":null},"
                    + "\"errors\":[{\"field\":\"a\",\"code\":\"required\",\"message\":\"a is required\"}]}", lines[4]);
            assertTrue(lines[5].contains("\"valid\":true"), lines[5]);
        }
    }

    @Test
    void everyKeptColumnKeepsItsOwnValue() {
        var csv = write(dir, "a.csv", "x1,id,name,x2,email,x3\np,1,Ada,q,a@b.org,r\n");
        assertTrue(run(csv, PEOPLE, ONE_CHUNK.withExtra(ExtraColumns.KEEP)).ndjson()
                .contains("\"data\":{\"id\":1,\"name\":\"Ada\",\"email\":\"a@b.org\",\"age\":null,\"city\":null,"
                        + "\"x1\":\"p\",\"x2\":\"q\",\"x3\":\"r\"}}"));
    }

    @Test
    void duplicatesAreWrittenInInvalidModeAndDroppedInValidMode() {
        var schema = Schema.parse("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"}],\"primaryKey\":[\"id\"]}".getBytes(StandardCharsets.UTF_8));
        var csv = write(dir, "a.csv", "id\n1\n1\n2\n");
        assertEquals(1, run(csv, schema, TINY_CHUNKS.withMode(Mode.INVALID)).ndjson().lines().count());
        assertEquals(2, run(csv, schema, TINY_CHUNKS.withMode(Mode.VALID)).ndjson().lines().count());
    }

    /// A row written as valid by its chunk and found a duplicate by the writer has its line made
    /// invalid from the bytes written (mode=all); in mode=invalid the chunk wrote no line for it
    /// and it is rendered anew. Both ways give the same bytes: every kind of value, kept columns,
    /// two keys broken at once (errors in field order), a row already invalid before its key.
    @Test
    void aDuplicateLineIsTheSameWhetherMadeFromItsValidLineOrRenderedAnew() {
        var schema = Schema.parse("""
                {"fields":[{"name":"id","type":"integer"},{"name":"when","type":"date"},{"name":"ok","type":"boolean"},
                           {"name":"score","type":"number"},{"name":"code","type":"string","constraints":{"unique":true}},
                           {"name":"note","type":"string","constraints":{"maxLength":3}}],
                 "primaryKey":"id"}""".getBytes(StandardCharsets.UTF_8));
        var csv = write(dir, "a.csv", "id,when,ok,score,code,note,extra\n"
                + "1,2024-01-31,true,1.50,a,x,\"q\u0001\\\"\"é\"\n"
                + "2,2024-02-01,false,-0,b,,\n"
                + "1,2024-03-01,true,1e3,c,y,\"z\n\"\n"
                + "3,2024-03-02,true,2,a,toolong,k\n"
                + "2,2024-03-03,false,NaN,b,,\"\"\"\"\n");
        for (var options : new EngineOptions[] {ONE_CHUNK, TINY_CHUNKS.withChunkRows(1).withWorkers(2)}) {
            var keep = options.withExtra(ExtraColumns.KEEP);
            String all = run(csv, schema, keep).ndjson();
            String invalidOnly = run(csv, schema, keep.withMode(Mode.INVALID)).ndjson();
            assertEquals(3, invalidOnly.lines().count(), invalidOnly);
            assertEquals(all.lines().filter(l -> l.contains("\"valid\":false")).map(l -> l + "\n")
                    .collect(java.util.stream.Collectors.joining()), invalidOnly);
            assertTrue(all.contains("\"errors\":[{\"field\":\"id\",\"code\":\"unique\",\"message\":\"id \\\"2\\\" is a"
                    + " duplicate of row 2\"},{\"field\":\"code\",\"code\":\"unique\",\"message\":\"code \\\"b\\\" is a"
                    + " duplicate of row 2\"}]}"), all);
        }
    }

    /// The same without kept columns, where a valid row's line is written straight from its cells
    /// (`Lines.validRow`); and with a self-referencing foreign key on a later field than the
    /// primary key's: the writer finds the key's error first, and lists it after the `unique`
    /// one, in field order.
    @Test
    void aDuplicateLineWrittenFromItsCellsIsTheSameAndItsErrorsInFieldOrder() {
        var schema = Schema.parse("""
                {"fields":[{"name":"id","type":"integer"},{"name":"parent","type":"integer"},{"name":"note","type":"string"}],
                 "primaryKey":"id",
                 "foreignKeys":[{"fields":"parent","reference":{"resource":"","fields":"id"}}]}""".getBytes(StandardCharsets.UTF_8));
        var csv = write(dir, "a.csv", "id,parent,note\n1,1,\"a \"\"b\"\"\"\n2,1,é\n2,9,x\n1,2,\n");
        for (var options : new EngineOptions[] {ONE_CHUNK, TINY_CHUNKS.withChunkRows(1).withWorkers(2)}) {
            String all = run(csv, schema, options).ndjson();
            String invalidOnly = run(csv, schema, options.withMode(Mode.INVALID)).ndjson();
            assertEquals(all.lines().filter(l -> l.contains("\"valid\":false")).map(l -> l + "\n")
                    .collect(java.util.stream.Collectors.joining()), invalidOnly);
            String[] lines = all.split("\n");
            assertEquals(4, lines.length, all);
            assertTrue(lines[2].startsWith("{\"row\":3,\"line\":4,\"valid\":false,\"data\":{\"id\":2,\"parent\":9,\"note\":\"x\"},"
                    + "\"errors\":[{\"field\":\"id\",\"code\":\"unique\",\"message\":\"id \\\"2\\\" is a duplicate of row 2\"},"
                    + "{\"field\":\"parent\",\"code\":\"foreign_key\","), lines[2]);
            assertEquals("{\"row\":4,\"line\":5,\"valid\":false,\"data\":{\"id\":1,\"parent\":2,\"note\":null},\"errors\":["
                    + "{\"field\":\"id\",\"code\":\"unique\",\"message\":\"id \\\"1\\\" is a duplicate of row 1\"}]}", lines[3]);
        }
    }

    @Test
    void malformedCsvMidStreamEndsWithErrorLineAfterEarlierRows() {
        var csv = write(dir, "a.csv", "id,name,email\n1,Ada,a@b.org\n2,Bob,b@b.org\n3,\"Cy\"x,c@b.org\n4,Di,d@b.org\n");
        for (var options : new EngineOptions[] {ONE_CHUNK, TINY_CHUNKS.withChunkRows(1)}) {
            var out = run(csv, PEOPLE, options.withSummary(true));
            String[] lines = out.ndjson().split("\n");
            assertEquals(3, lines.length, out.ndjson());
            assertTrue(lines[2].startsWith("{\"error\":{\"code\":\"malformed_csv\",\"message\":"), lines[2]);
            assertTrue(lines[2].endsWith("\"row\":3}}"), lines[2]);
            assertTrue(out.outcome().failed());
        }
    }

    /// Reading that runs out of memory (a buffer grown for a long record while the heap is full;
    /// here the upload's stream throws it part-way through row 3): the rows before it are checked
    /// and written, and the stream ends with an `internal_error` line at the row being read, as
    /// after a CSV failure, rather than the run failing with its answer cut off.
    @Test
    void runningOutOfMemoryWhileReadingEndsTheStreamWithAnInternalErrorLineAfterEarlierRows() throws IOException {
        String text = "id,name,email\n1,Ada,a@b.org\n2,Bob,b@b.org\n3,Cy,c@b.org\n4,Di,d@b.org\n";
        var csv = write(dir, "a.csv", text);
        int cut = text.indexOf("3,Cy") + 2;
        for (var options : new EngineOptions[] {ONE_CHUNK, TINY_CHUNKS.withChunkRows(1)}) {
            try (InputStream in = new EngineFixture.OutOfMemoryAt(Files.newInputStream(csv), cut)) {
                var out = run(in, PEOPLE, options.withSummary(true));
                String[] lines = out.ndjson().split("\n");
                assertEquals(3, lines.length, out.ndjson());
                assertTrue(lines[0].startsWith("{\"row\":1,"), lines[0]);
                assertTrue(lines[1].startsWith("{\"row\":2,"), lines[1]);
                assertTrue(lines[2].startsWith("{\"error\":{\"code\":\"internal_error\",\"message\":\"the server ran out of memory reading"),
                        lines[2]);
                assertTrue(lines[2].endsWith("\"row\":3}}"), "the last line, at the row being read: " + lines[2]);
                assertTrue(out.outcome().failed());
            }
        }
    }

    @Test
    void unclosedQuoteIsAnErrorNotASwallowedFile() {
        var out = run(write(dir, "a.csv", "id,name,email\n1,\"Ada,a@b.org\n2,Bob,b@b.org\n"), PEOPLE, ONE_CHUNK);
        assertTrue(out.ndjson().startsWith("{\"error\":{\"code\":\"malformed_csv\""), out.ndjson());
    }

    @Test
    void invalidUtf8EndsWithErrorLine() {
        byte[] head = "id,name,email\n1,Ada,a@b.org\n2,".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[head.length + 12];
        System.arraycopy(head, 0, body, 0, head.length);
        System.arraycopy(new byte[] {(byte) 0xC3, (byte) 0x28, ',', 'b', '@', 'b', '.', 'o', 'r', 'g', '\n', '\n'}, 0, body, head.length, 12);
        var out = run(write(dir, "a.csv", body), PEOPLE, ONE_CHUNK);
        assertTrue(out.ndjson().contains("{\"error\":{\"code\":\"invalid_utf8\""), out.ndjson());
    }

    @Test
    void fieldOverTheLimitEndsWithErrorLine() {
        var csv = write(dir, "a.csv", "id,name,email\n1,Ada,a@b.org\n2," + "x".repeat(5000) + ",b@b.org\n");
        var out = run(csv, PEOPLE, ONE_CHUNK.withLimits(1000, 10));
        assertTrue(out.ndjson().contains("{\"error\":{\"code\":\"field_too_large\""), out.ndjson());
        assertTrue(out.ndjson().endsWith("\"row\":2}}\n"), out.ndjson());
    }

    @Test
    void recordOverTheColumnLimitEndsWithErrorLine() {
        var csv = write(dir, "a.csv", "id,name,email\n1,Ada,a@b.org\n" + "1,".repeat(50) + "\n");
        var out = run(csv, PEOPLE, ONE_CHUNK.withLimits(1000, 10));
        assertTrue(out.ndjson().contains("{\"error\":{\"code\":\"too_many_columns\""), out.ndjson());
    }

    @Test
    void headerOnlyFileWritesNothingButTheSummary() {
        var out = run(write(dir, "a.csv", "id,name,email\n"), PEOPLE, ONE_CHUNK.withSummary(true));
        assertTrue(out.ndjson().startsWith("{\"summary\":{\"rows\":0,\"valid\":0,\"invalid\":0,"), out.ndjson());
    }

    @Test
    void hugeCellsFullOfEscapesAreWrittenWhole() throws Exception {
        // Cells far over the size a line reserves room for at once, every byte escaped.
        String quotes = "\"\u0001\\".repeat(100_000);
        String text = "Zoë \n".repeat(60_000);
        var csv = write(dir, "a.csv", "id,name,email,city\n1,\"" + quotes.replace("\"", "\"\"") + "\",a@b.org,\""
                + text + "\"\n2,Bo,b@b.org,Oslo\n");
        var out = run(csv, PEOPLE, ONE_CHUNK.withLimits(1 << 22, 10));
        var lines = out.ndjson().split("\n(?=\\{)");
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        var first = json.readTree(lines[0]);
        assertEquals(quotes, first.path("data").path("name").asText());
        assertEquals(text, first.path("data").path("city").asText());
        assertEquals("Oslo", json.readTree(lines[1]).path("data").path("city").asText());
    }
}
