package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SUMMARY_LINE =
            Pattern.compile("fanout: (\\d+) rows, (\\d+) valid, (\\d+) invalid in \\d+\\.\\d ms \\(\\d+\\.\\d MB/s\\)");
    private static final String HEADER = "id,name,email,age,city\n";
    private static final String VALID_ROWS = """
            1,Ada,ada@example.org,36,London
            2,Grace,grace@example.org,85,New York
            """;
    private static final String SCHEMA = """
            {"fields":[
              {"name":"id","type":"integer","constraints":{"required":true,"minimum":1}},
              {"name":"name","type":"string","constraints":{"required":true}}
            ]}""";

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static JsonNode json(String line) throws IOException {
        return JSON.readTree(line);
    }

    @Test
    void referenceTablesAreFoundBesideTheSchemaFile() throws IOException {
        Path schemas = Files.createDirectories(dir.resolve("defs"));
        Files.writeString(schemas.resolve("cities.json"), """
                {"fields":[{"name":"city"},{"name":"country"}],
                 "foreignKeys":[{"fields":"country","reference":{"resource":"countries","fields":"code"}}]}""");
        Files.writeString(schemas.resolve("countries.csv"), "code\nDE\n");
        Path csv = file("cities.csv", "city,country\nBerlin,DE\nParis,FR\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema", schemas.resolve("cities.json").toString());
        assertEquals(1, run.status(), run.stderr());
        assertEquals("country \"FR\" is not a key of countries (code)", json(run.lines().get(1)).at("/errors/0/message").asText());
        assertEquals("foreign_key", json(run.lines().get(1)).at("/errors/0/code").asText());

        CliRun byName = CliRun.of("validate", csv.toString(), "--schema-name", "cities", "--schemas", schemas.toString());
        assertEquals(1, byName.status(), byName.stderr());

        Files.delete(schemas.resolve("countries.csv"));
        CliRun missing = CliRun.of("validate", csv.toString(), "--schema", schemas.resolve("cities.json").toString());
        assertEquals(2, missing.status(), missing.stderr());
        assertEquals("fanout: invalid schema: foreignKeys #1: reference table 'countries': there is no file countries.csv beside "
                + "the schemas", missing.stderr().strip());
    }

    @Test
    void everyRowValidExitsZeroAndWritesEveryRow() throws IOException {
        Path csv = file("people.csv", HEADER + VALID_ROWS);

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people");

        assertEquals(0, run.status(), run.stderr());
        assertEquals(2, run.lines().size());
        assertEquals("Ada", json(run.lines().get(0)).at("/data/name").asText());
        assertTrue(json(run.lines().get(1)).get("valid").asBoolean());
    }

    @Test
    void someInvalidRowsExitOne() throws IOException {
        Path csv = file("people.csv", HEADER + VALID_ROWS + "3,,carol@example.org,abc,\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people");

        assertEquals(1, run.status(), run.stderr());
        JsonNode bad = json(run.lines().get(2));
        assertFalse(bad.get("valid").asBoolean());
        assertEquals("required", bad.at("/errors/0/code").asText());
        assertEquals("type", bad.at("/errors/1/code").asText());
    }

    @Test
    void summaryGoesToStderrAsOneHumanLine() throws IOException {
        Path csv = file("people.csv", HEADER + VALID_ROWS + "3,,carol@example.org,40,\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people");

        assertEquals(1, run.errorLines().size(), run.stderr());
        var matcher = SUMMARY_LINE.matcher(run.errorLines().getFirst());
        assertTrue(matcher.matches(), run.stderr());
        assertEquals(List.of("3", "2", "1"), List.of(matcher.group(1), matcher.group(2), matcher.group(3)));
        assertFalse(run.stdout().contains("summary"), "no summary line in the NDJSON without --summary");
    }

    @Test
    void summaryFlagEndsTheOutputWithTheSummaryLine() throws IOException {
        Path csv = file("people.csv", HEADER + VALID_ROWS + "0,Zed,zed@example.org,1,\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--summary");

        assertEquals(1, run.status());
        assertEquals(4, run.lines().size());
        JsonNode summary = json(run.lines().getLast()).get("summary");
        assertAll(
                () -> assertEquals(3, summary.get("rows").asLong()),
                () -> assertEquals(2, summary.get("valid").asLong()),
                () -> assertEquals(1, summary.get("invalid").asLong()),
                () -> assertTrue(summary.get("elapsedMs").isNumber()));
    }

    @Test
    void modeInvalidWritesOnlyInvalidRowsButCountsAll() throws IOException {
        Path csv = file("people.csv", HEADER + VALID_ROWS + "3,,carol@example.org,40,\n4,Dan,dan@example.org,41,\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--mode", "invalid", "--summary");

        assertEquals(1, run.status());
        assertEquals(2, run.lines().size(), run.stdout());
        assertEquals(3, json(run.lines().getFirst()).get("row").asInt());
        assertEquals(4, json(run.lines().getLast()).at("/summary/rows").asInt());
    }

    @Test
    void outputOptionWritesTheNdjsonToTheFileAndNothingToStdout() throws IOException {
        Path csv = file("people.csv", HEADER + VALID_ROWS);
        Path out = dir.resolve("out.ndjson");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people", "-o", out.toString(), "--summary");

        assertEquals(0, run.status(), run.stderr());
        assertEquals("", run.stdout());
        List<String> lines = Files.readAllLines(out);
        assertEquals(3, lines.size());
        assertEquals(2, json(lines.getLast()).at("/summary/valid").asInt());
    }

    @Test
    void dashReadsStandardInput() throws IOException {
        CliRun run = CliRun.withStdin(HEADER + VALID_ROWS + "x,Eve,eve@example.org,,\n",
                "validate", "-", "--schema-name", "people");

        assertEquals(1, run.status(), run.stderr());
        assertEquals(3, run.lines().size());
        assertEquals("x", json(run.lines().getLast()).at("/data/id").asText());
    }

    @Test
    void schemaFileIsUsedAndDelimiterApplies() throws IOException {
        Path schema = file("s.json", SCHEMA);
        Path csv = file("semi.csv", "name;id\nAda;1\nBob;2\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema", schema.toString(), "--delimiter", ";");

        assertEquals(0, run.status(), run.stderr());
        assertEquals(1, json(run.lines().getFirst()).at("/data/id").asInt());
        assertEquals("id", json(run.lines().getFirst()).get("data").fieldNames().next(), "data in schema order");
    }

    @Test
    void tabDelimiterCanBeWrittenAsBackslashT() throws IOException {
        Path schema = file("s.json", SCHEMA);
        Path csv = file("t.tsv", "id\tname\n1\tAda\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema", schema.toString(), "--delimiter", "\\t");

        assertEquals(0, run.status(), run.stderr());
        assertEquals("Ada", json(run.lines().getFirst()).at("/data/name").asText());
    }

    @Test
    void schemaNameIsLookedUpInTheSchemasFolder() throws IOException {
        Path schemas = Files.createDirectory(dir.resolve("schemas"));
        Files.writeString(schemas.resolve("ids.json"), SCHEMA);
        Path csv = file("ids.csv", "id,name\n1,Ada\n-5,Bob\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "ids", "--schemas", schemas.toString());

        assertEquals(1, run.status(), run.stderr());
        assertEquals("minimum", json(run.lines().getLast()).at("/errors/0/code").asText());
    }

    @Test
    void unknownSchemaNameIsAnError() throws IOException {
        Path csv = file("ids.csv", "id,name\n1,Ada\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "nope", "--schemas", dir.toString());

        assertError(run, "unknown schema 'nope'");
    }

    @Test
    void schemaNameCannotEscapeTheSchemasFolder() throws IOException {
        Path csv = file("ids.csv", "id,name\n1,Ada\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "../etc/passwd", "--schemas", dir.toString());

        assertError(run, "invalid schema name");
    }

    @Test
    void missingSchemaFileIsAnError() throws IOException {
        Path csv = file("ids.csv", "id,name\n1,Ada\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema", dir.resolve("absent.json").toString());

        assertError(run, "cannot read the schema file");
        assertTrue(run.stderr().contains("no such file"), run.stderr());
    }

    @Test
    void invalidSchemaJsonIsAnError() throws IOException {
        Path schema = file("bad.json", "{\"fields\": [ {\"name\": ");
        Path csv = file("ids.csv", "id,name\n1,Ada\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema", schema.toString());

        assertError(run, "invalid schema " + schema);
    }

    @Test
    void missingInputFileIsAnError() {
        CliRun run = CliRun.of("validate", dir.resolve("absent.csv").toString(), "--schema-name", "people");

        assertError(run, "cannot read");
    }

    @Test
    void headerErrorExitsTwoAndWritesNoOutputFile() throws IOException {
        Path csv = file("extra.csv", "id,name,email,shoe_size\n1,Ada,ada@example.org,38\n");
        Path out = dir.resolve("out.ndjson");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people", "-o", out.toString());

        assertError(run, "unknown_column");
        assertFalse(Files.exists(out), "a rejected header leaves no output file");
    }

    @Test
    void extraKeepAcceptsTheSameHeader() throws IOException {
        Path csv = file("extra.csv", "id,name,email,shoe_size\n1,Ada,ada@example.org,38\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--extra", "keep");

        assertEquals(0, run.status(), run.stderr());
        assertEquals("38", json(run.stdout()).at("/data/shoe_size").asText());
    }

    @Test
    void emptyCsvIsAHeaderError() throws IOException {
        Path csv = file("empty.csv", "");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people");

        assertError(run, "empty_csv");
    }

    @Test
    void bytesThatAreNotUtf8MidStreamEndTheOutputWithAnErrorLineAndExitTwo() throws IOException {
        // Far enough into the file that the header and many rows are read before the bad bytes
        // (the decoder reads ahead some kilobytes).
        var valid = new StringBuilder(HEADER);
        for (int i = 1; i <= 3000; i++) {
            valid.append(i).append(",N,n@example.org,30,\n");
        }
        byte[] bad = {'3', ',', 'X', (byte) 0xFF, (byte) 0xFE, ',', 'x', '@', 'y', '.', 'z', ',', '1', ',', '\n'};
        Path csv = dir.resolve("broken.csv");
        Files.write(csv, concat(valid.toString().getBytes(StandardCharsets.UTF_8), bad));

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--summary", "--chunk-rows", "100");

        assertEquals(2, run.status(), run.stderr());
        JsonNode last = json(run.lines().getLast());
        assertEquals("invalid_utf8", last.at("/error/code").asText(), run.stdout());
        assertFalse(run.stdout().contains("\"summary\""), "an error line replaces the summary line");
        assertTrue(run.lines().size() > 1000, "the rows before the failure are written");
        assertTrue(run.stderr().contains("fanout: invalid_utf8 at row"), run.stderr());
    }

    @Test
    void unclosedQuoteAtTheEndIsAStreamError() throws IOException {
        Path csv = file("quote.csv", HEADER + VALID_ROWS + "3,\"Carol,carol@example.org,40,\n");

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--summary");

        assertEquals(2, run.status(), run.stderr());
        assertEquals(VALID_ROWS.lines().count() + 1, run.lines().size(), run.stdout());
        JsonNode error = json(run.lines().getLast()).get("error");
        assertEquals("malformed_csv", error.get("code").asText());
        assertEquals(3, error.get("row").asInt(), "the row that could not be produced");
    }

    @Test
    void manyChunksOnManyWorkersKeepInputOrder() throws IOException {
        var csv = new StringBuilder(HEADER);
        for (int i = 1; i <= 5000; i++) {
            csv.append(i).append(",N").append(i).append(",n").append(i).append("@example.org,")
                    .append(i == 4321 ? "-1" : "30").append(",\n");
        }
        Path file = file("big.csv", csv.toString());

        CliRun run = CliRun.of("validate", file.toString(), "--schema-name", "people",
                "--workers", "4", "--chunk-rows", "64", "--mode", "all");

        assertEquals(1, run.status(), run.stderr());
        List<String> lines = run.lines();
        assertEquals(5000, lines.size());
        for (int i = 0; i < lines.size(); i += 997) {
            assertEquals(i + 1, json(lines.get(i)).get("row").asInt());
        }
        assertFalse(json(lines.get(4320)).get("valid").asBoolean());
    }

    @Test
    void headerOnlyIsAllValid() throws IOException {
        Path csv = file("header.csv", HEADER);

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people");

        assertEquals(0, run.status(), run.stderr());
        assertEquals("", run.stdout());
        assertTrue(run.stderr().startsWith("fanout: 0 rows, 0 valid, 0 invalid"), run.stderr());
    }

    @Test
    void noProgressLineWhenStderrIsNotATerminal() throws IOException {
        CliRun run = CliRun.with(slowly(HEADER + VALID_ROWS), false, "validate", "-", "--schema-name", "people");

        assertEquals(0, run.status());
        assertFalse(run.stderr().contains("\r"), run.stderr());
        assertEquals(1, run.errorLines().size());
    }

    @Test
    void progressLineIsDrawnAndErasedOnATerminal() throws IOException {
        CliRun run = CliRun.with(slowly(HEADER + VALID_ROWS), true, "validate", "-", "--schema-name", "people");

        assertEquals(0, run.status());
        assertTrue(run.stderr().contains("\rfanout: "), run.stderr());
        assertTrue(run.stderr().contains(" rows, "), run.stderr());
        assertTrue(run.stderr().contains(" MB/s"), run.stderr());
        // Erased before the summary, which then starts at the beginning of the line.
        assertTrue(SUMMARY_LINE.matcher(run.stderr().substring(run.stderr().lastIndexOf('\r') + 1).strip()).matches(),
                run.stderr());
        assertTrue(Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("fanout-progress")),
                "the progress thread is stopped");
    }

    @Test
    void streamsOtherThanTheProcessStderrAreNeverATerminal() throws IOException {
        Path csv = file("people.csv", HEADER + VALID_ROWS);
        var out = new java.io.ByteArrayOutputStream();
        var err = new java.io.ByteArrayOutputStream();

        int status = Main.run(new String[] {"validate", csv.toString(), "--schema-name", "people"},
                InputStream.nullInputStream(), new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));

        assertEquals(0, status);
        assertEquals(2, out.toString(StandardCharsets.UTF_8).lines().count());
        assertTrue(SUMMARY_LINE.matcher(err.toString(StandardCharsets.UTF_8).strip()).matches(), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void usageErrorsExitTwoWithOneLine() {
        for (String[] args : List.of(
                new String[] {},
                new String[] {"validate"},
                new String[] {"validate", "x.csv"},
                new String[] {"validate", "x.csv", "--schema", "a.json", "--schema-name", "people"},
                new String[] {"validate", "x.csv", "--schema-name", "people", "--mode", "some"},
                new String[] {"validate", "x.csv", "--schema-name", "people", "--extra", "drop"},
                new String[] {"validate", "x.csv", "--schema-name", "people", "--workers", "0"},
                new String[] {"validate", "x.csv", "--schema-name", "people", "--delimiter", "ab"},
                new String[] {"frobnicate"})) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.status(), String.join(" ", args));
            assertEquals(1, run.errorLines().size(), run.stderr());
            assertTrue(run.stderr().startsWith("fanout: "), run.stderr());
            assertEquals("", run.stdout());
        }
    }

    @Test
    void helpAndVersionExitZero() {
        CliRun help = CliRun.of("validate", "--help");
        CliRun version = CliRun.of("--version");

        assertEquals(0, help.status());
        assertTrue(help.stdout().contains("--schema-name"), help.stdout());
        assertEquals(0, version.status());
        assertTrue(version.stdout().startsWith("fanout "), version.stdout());
    }

    private static void assertError(CliRun run, String expected) {
        assertEquals(2, run.status(), run.stderr());
        assertTrue(run.stderr().startsWith("fanout: "), run.stderr());
        assertTrue(run.stderr().contains(expected), run.stderr());
        assertFalse(run.stderr().contains("\tat "), "no stack trace: " + run.stderr());
        assertEquals("", run.stdout());
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] all = new byte[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }

    /// The whole text at once, then a pause before the end, so the run lasts long enough for the
    /// progress thread to draw.
    private static InputStream slowly(String text) {
        var data = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
        return new InputStream() {
            private boolean paused;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                int n = data.read(b, off, len);
                if (n < 0 && !paused) {
                    paused = true;
                    try {
                        Thread.sleep(4 * Progress.INTERVAL_MILLIS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return n;
            }
        };
    }
}
