package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /// One column per inferred type, plus the cases that must not be over-fitted: quoted newlines
    /// and commas, empty cells, a 0/1 column, codes with leading zeros, a column that only becomes
    /// a string on its last row.
    private static final String MIXED = """
            id,price,active,born,seen_at,opens,note,score,flag,zip,late
            1,9.99,true,1990-01-31,2024-05-01T10:15:00Z,08:30:00,"plain",,0,01234,5
            2,10,false,2001-12-01,2024-05-02T23:59:59Z,17:00:00,"two
            lines",3.5,1,90210,6
            -3,1e3,TRUE,1970-01-01,2024-05-03T00:00:00Z,00:00:00,"with, comma",-2,1,00501,7
            4,-0.5,False,2024-02-29,2024-05-04T12:00:00Z,23:59:59,"",4,0,10001,seven
            """;

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void infersTheMostSpecificTypeOfEachColumnInHeaderOrder() throws IOException {
        CliRun run = CliRun.of("infer", file("mixed.csv", MIXED).toString());

        assertEquals(0, run.status(), run.stderr());
        JsonNode fields = JSON.readTree(run.stdout()).get("fields");
        List<String> names = new ArrayList<>();
        fields.forEach(f -> names.add(f.get("name").asText()));
        assertEquals(List.of("id", "price", "active", "born", "seen_at", "opens", "note", "score", "flag", "zip", "late"), names);
        assertEquals(Map.ofEntries(
                Map.entry("id", "integer"), Map.entry("price", "number"), Map.entry("active", "boolean"),
                Map.entry("born", "date"), Map.entry("seen_at", "datetime"), Map.entry("opens", "time"),
                Map.entry("note", "string"), Map.entry("score", "number"), Map.entry("flag", "integer"),
                Map.entry("zip", "string"), Map.entry("late", "string")), types(fields));
    }

    @Test
    void requiredOnlyWhereNoCellIsMissing() throws IOException {
        CliRun run = CliRun.of("infer", file("mixed.csv", MIXED).toString());

        JsonNode fields = JSON.readTree(run.stdout()).get("fields");
        assertTrue(field(fields, "id").at("/constraints/required").asBoolean());
        assertFalse(field(fields, "score").has("constraints"), "score has an empty cell");
        assertFalse(field(fields, "note").has("constraints"), "note has an empty quoted cell");
    }

    @Test
    void inferredSchemaValidatesEveryRowOfItsFile() throws IOException {
        Path csv = file("mixed.csv", MIXED);
        CliRun infer = CliRun.of("infer", csv.toString());
        Path schema = file("mixed.schema.json", infer.stdout());

        CliRun validate = CliRun.of("validate", csv.toString(), "--schema", schema.toString(), "--summary");

        assertEquals(0, validate.status(), validate.stderr() + validate.stdout());
        JsonNode summary = JSON.readTree(validate.lines().getLast()).get("summary");
        assertEquals(4, summary.get("valid").asInt());
        assertEquals(0, summary.get("invalid").asInt());
    }

    @Test
    void readsStandardInputWithADelimiter() throws IOException {
        CliRun run = CliRun.withStdin("a;b\n1;x\n2;\n", "infer", "-", "--delimiter", ";");

        assertEquals(0, run.status(), run.stderr());
        JsonNode fields = JSON.readTree(run.stdout()).get("fields");
        assertEquals(Map.of("a", "integer", "b", "string"), types(fields));
        assertTrue(field(fields, "a").at("/constraints/required").asBoolean());
        assertFalse(field(fields, "b").has("constraints"));
    }

    @Test
    void sampleRowsLimitsTheRowsLookedAt() throws IOException {
        Path csv = file("late.csv", "n\n1\n2\nthree\n");

        CliRun sampled = CliRun.of("infer", csv.toString(), "--sample-rows", "2");
        CliRun whole = CliRun.of("infer", csv.toString());

        assertEquals("integer", JSON.readTree(sampled.stdout()).at("/fields/0/type").asText());
        assertEquals("string", JSON.readTree(whole.stdout()).at("/fields/0/type").asText());
    }

    @Test
    void emptyInputIsAnError() throws IOException {
        CliRun run = CliRun.of("infer", file("empty.csv", "").toString());

        assertEquals(2, run.status());
        assertTrue(run.stderr().startsWith("fanout: cannot infer a schema"), run.stderr());
        assertEquals("", run.stdout());
    }

    @Test
    void repeatedColumnIsAnError() throws IOException {
        CliRun run = CliRun.of("infer", file("dup.csv", "a,b,a\n1,2,3\n").toString());

        assertEquals(2, run.status());
        assertTrue(run.stderr().contains("'a'"), run.stderr());
    }

    /// pandas' index column has no name: said so, not as a schema field without a name.
    @Test
    void aColumnWithoutANameIsAnErrorThatSaysWhich() throws IOException {
        CliRun run = CliRun.of("infer", file("pandas.csv", ",name,age\n0,Ada,36\n").toString());

        assertEquals(2, run.status());
        assertEquals(1, run.errorLines().size(), run.stderr());
        assertTrue(run.stderr().startsWith("fanout: cannot infer a schema from ") && run.stderr().contains(
                ": the CSV header's column 1 has no name: a schema field needs one (name it in the file's header)"),
                run.stderr());
        assertEquals("", run.stdout());
    }

    @Test
    void malformedCsvIsAnError() throws IOException {
        CliRun run = CliRun.of("infer", file("bad.csv", "a,b\n1,\"open\n").toString());

        assertEquals(2, run.status());
        assertTrue(run.stderr().startsWith("fanout: malformed_csv"), run.stderr());
        assertEquals("", run.stdout());
    }

    @Test
    void badSampleRowsIsAUsageError() {
        CliRun run = CliRun.of("infer", "x.csv", "--sample-rows", "0");

        assertEquals(2, run.status());
        assertTrue(run.stderr().contains("--sample-rows"), run.stderr());
    }

    private static Map<String, String> types(JsonNode fields) {
        var types = new java.util.HashMap<String, String>();
        fields.forEach(f -> types.put(f.get("name").asText(), f.get("type").asText()));
        return types;
    }

    private static JsonNode field(JsonNode fields, String name) {
        for (JsonNode f : fields) {
            if (f.get("name").asText().equals(name)) {
                return f;
            }
        }
        throw new AssertionError("no field " + name);
    }
}
