package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.csv.CsvFailure;
import dev.fanout.csv.StreamErrorCode;
import dev.fanout.engine.EngineOptions;
import dev.fanout.engine.RunOutcome;
import dev.fanout.engine.ValidationEngine;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class SchemaInferenceTest {

    private static Schema infer(String csv) {
        return Schema.parse(SchemaInference.infer(stream(csv), ',').getBytes(StandardCharsets.UTF_8));
    }

    private static InputStream stream(String csv) {
        return new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8));
    }

    private static FieldType type(Schema schema, String column) {
        return schema.field(column).orElseThrow().type();
    }

    @Test
    void zeroOneColumnIsIntegerNotBoolean() {
        assertEquals(FieldType.INTEGER, type(infer("f\n0\n1\n1\n"), "f"));
    }

    @Test
    void yearMonthsDurationsObjectsAndArraysAreInferredFromTheirShape() {
        Schema schema = infer("""
                ym,d,o,a,mixed,json
                2024-03,P1D,{},[],[1],[1]
                1999-12,PT1H30M,"{""k"": [1]}","[1, ""a""]",{},1
                """);

        assertEquals(FieldType.YEARMONTH, type(schema, "ym"));
        assertEquals(FieldType.DURATION, type(schema, "d"));
        assertEquals(FieldType.OBJECT, type(schema, "o"));
        assertEquals(FieldType.ARRAY, type(schema, "a"));
        // Objects and arrays mixed, or JSON that is neither: text.
        assertEquals(FieldType.STRING, type(schema, "mixed"));
        assertEquals(FieldType.STRING, type(schema, "json"));
    }

    /// Geopoints, lists, GeoJSON and `any` are never inferred: `1, 2` and `a;b` are as likely
    /// text, a GeoJSON object is an object, and a string column is what `any` would be.
    @Test
    void geopointsListsAndGeoJsonAreNotInferred() {
        Schema schema = infer("""
                pt,l,g
                "90, 45",1;2,"{""type"":""Point"",""coordinates"":[1,2]}"
                "0, 0",3;4,"{""type"":""Point"",""coordinates"":[3,4]}"
                """);

        assertEquals(FieldType.STRING, type(schema, "pt"));
        assertEquals(FieldType.STRING, type(schema, "l"));
        assertEquals(FieldType.OBJECT, type(schema, "g"));
    }

    /// A year-month is not a date and an ISO date is not a year-month: each column keeps its own.
    @Test
    void yearMonthsAndDatesDoNotMix() {
        Schema schema = infer("ym,both\n2024-03,2024-03\n2024-04,2024-04-01\n");

        assertEquals(FieldType.YEARMONTH, type(schema, "ym"));
        assertEquals(FieldType.STRING, type(schema, "both"));
    }

    @Test
    void integersThatLookLikeYearsStayIntegers() {
        assertEquals(FieldType.INTEGER, type(infer("y\n1999\n2024\n"), "y"));
    }

    @Test
    void leadingZerosKeepACodeColumnAString() {
        Schema schema = infer("zip,n,x\n01234,0,0.5\n90210,10,-0.25\n");

        assertEquals(FieldType.STRING, type(schema, "zip"));
        assertEquals(FieldType.INTEGER, type(schema, "n"));
        assertEquals(FieldType.NUMBER, type(schema, "x"));
    }

    @Test
    void missingAndShortRowsMakeAColumnOptional() {
        Schema schema = infer("a,b,c\n1,2,3\n4,,6\n7,8\n");

        assertTrue(schema.field("a").orElseThrow().required());
        assertFalse(schema.field("b").orElseThrow().required(), "empty cell");
        assertFalse(schema.field("c").orElseThrow().required(), "short row");
        assertEquals(FieldType.INTEGER, type(schema, "c"));
    }

    /// A short row's absent cells are missing, whatever the row after it holds.
    @Test
    void aShortRowBeforeALongerOneLeavesItsAbsentCellsMissing() {
        Schema schema = infer("a,b,c\n1,2,3\n7,8\nx,9,10\n");
        assertFalse(schema.field("c").orElseThrow().required(), "short row");
        assertEquals(FieldType.INTEGER, type(schema, "c"));
        assertEquals(FieldType.STRING, type(schema, "a"));
    }

    /// A zero before a digit, after an optional sign, marks a code; a lone zero and `0.5` do not.
    @Test
    void leadingZerosAfterASignKeepAColumnAString() {
        Schema schema = infer("plus,minus,zero,minusZero,half,negativeHalf,zeroOne\n+01,-007,0,-0,0.5,-0.5,01\n");
        assertEquals(FieldType.STRING, type(schema, "plus"));
        assertEquals(FieldType.STRING, type(schema, "minus"));
        assertEquals(FieldType.INTEGER, type(schema, "zero"));
        assertEquals(FieldType.INTEGER, type(schema, "minusZero"));
        assertEquals(FieldType.NUMBER, type(schema, "half"));
        assertEquals(FieldType.NUMBER, type(schema, "negativeHalf"));
        assertEquals(FieldType.STRING, type(schema, "zeroOne"));
    }

    /// A sample of the first rows: the rows after it do not widen a type.
    @Test
    void aSampleReadsOnlyItsRows() {
        String csv = "n\n1\n2\nthree\n";
        assertEquals(FieldType.INTEGER, type(Schema.parse(SchemaInference.infer(stream(csv), ',', 2)
                .getBytes(StandardCharsets.UTF_8)), "n"));
        assertEquals(FieldType.INTEGER, type(Schema.parse(SchemaInference.infer(stream(csv), ',', 1)
                .getBytes(StandardCharsets.UTF_8)), "n"));
        assertEquals(FieldType.STRING, type(Schema.parse(SchemaInference.infer(stream(csv), ',', 3)
                .getBytes(StandardCharsets.UTF_8)), "n"));
        var e = assertThrows(IllegalArgumentException.class, () -> SchemaInference.infer(stream(csv), ',', 0));
        assertEquals("maxRows must be at least 1, not 0", e.getMessage());
    }

    @Test
    void columnWithoutValuesIsAnOptionalString() {
        Schema schema = infer("a,b\n1,\n2,\n");

        assertEquals(FieldType.STRING, type(schema, "b"));
        assertFalse(schema.field("b").orElseThrow().required());
    }

    @Test
    void headerOnlyGivesOptionalStrings() {
        Schema schema = infer("a,b\n");

        assertEquals(List.of("a", "b"), schema.fields().stream().map(Field::name).toList());
        assertTrue(schema.fields().stream().allMatch(f -> f.type() == FieldType.STRING && !f.required()));
    }

    @Test
    void outputIsPrettyJsonEndingInANewline() {
        String json = SchemaInference.infer(stream("a\n1\n"), ',');

        assertTrue(json.startsWith("{\n  \"fields\": [\n"), json);
        assertTrue(json.endsWith("}\n"), json);
    }

    @Test
    void emptyInputAndRepeatedNamesAreRejected() {
        assertThrows(InvalidSchemaException.class, () -> SchemaInference.infer(stream(""), ','));
        var repeated = assertThrows(InvalidSchemaException.class, () -> SchemaInference.infer(stream("a,a\n1,2\n"), ','));
        assertEquals("a", repeated.field().orElseThrow());
    }

    @Test
    void malformedCsvFailsWithItsCode() {
        var failure = assertThrows(CsvFailure.class, () -> SchemaInference.infer(stream("a\n\"open\n"), ','));
        assertEquals(StreamErrorCode.MALFORMED_CSV, failure.code());
    }

    @Test
    void readsAStreamOfAnySizeRowByRow() {
        // 200,000 rows produced on the fly: nothing is kept but per-column flags.
        long rows = 200_000;
        // Three megabytes through the default multi-byte read, which loops over read(): tens of
        // milliseconds, and the simplest stream that never holds the file.
        @SuppressWarnings("InputStreamSlowMultibyteRead")
        InputStream generated = new InputStream() {
            private long row = -1;
            private byte[] line = new byte[0];
            private int pos;

            @Override
            public int read() {
                if (pos == line.length) {
                    if (row == rows) {
                        return -1;
                    }
                    line = (row < 0 ? "n,x\n" : row + "," + row + ".5\n").getBytes(StandardCharsets.US_ASCII);
                    row++;
                    pos = 0;
                }
                return line[pos++];
            }
        };

        Schema schema = Schema.parse(SchemaInference.infer(generated, ',').getBytes(StandardCharsets.UTF_8));

        assertEquals(FieldType.INTEGER, type(schema, "n"));
        assertEquals(FieldType.NUMBER, type(schema, "x"));
    }

    /// The promise of `infer`: its schema accepts every row of the file it was inferred from,
    /// whatever mix of values the columns hold.
    @Property(tries = 60)
    void inferredSchemaValidatesItsOwnFile(@ForAll("tables") List<List<String>> columns) throws IOException {
        String csv = csv(columns);
        Schema schema = Schema.parse(SchemaInference.infer(stream(csv), ',').getBytes(StandardCharsets.UTF_8));

        RunOutcome outcome;
        try (var run = new ValidationEngine().open(stream(csv), schema, EngineOptions.defaults())) {
            outcome = run.writeTo(new ByteArrayOutputStream());
        }

        assertFalse(outcome.failed(), csv);
        assertEquals(0, outcome.summary().invalid(), () -> csv + "\n" + SchemaInference.infer(stream(csv), ','));
    }

    @Provide
    Arbitrary<List<List<String>>> tables() {
        Arbitrary<String> cell = Arbitraries.oneOf(
                Arbitraries.integers().between(-100_000, 100_000).map(String::valueOf),
                Arbitraries.of("0", "1", "007", "-0", "1.5", "-0.25", "1e3", "NaN", "INF", "-INF"),
                Arbitraries.of("true", "false", "TRUE", "False"),
                Arbitraries.of("2024-02-29", "1970-01-01", "2024-13-01", "2024-05-01T10:15:00Z",
                        "2024-05-01T10:15:00", "08:30:00", "24:00:00", "1999"),
                Arbitraries.of("", "", " ", "a,b", "say \"hi\"", "two\nlines", "ünï", "x"),
                Arbitraries.of("2024-03", "2024-13", "P1D", "PT1.5S", "P", "{}", "{\"a\": [1]}", "[1, 2]", "[", "[]"));
        // A column is drawn from a smaller mix so that typed columns (not only strings) occur.
        Arbitrary<List<String>> column = Arbitraries.integers().between(0, 5).flatMap(kind -> switch (kind) {
            case 0 -> Arbitraries.integers().between(-50, 50).map(String::valueOf).list().ofSize(8);
            case 1 -> Arbitraries.of("1.5", "2", "-3.25", "", "1e3").list().ofSize(8);
            case 2 -> Arbitraries.of("true", "false", "True", "0", "").list().ofSize(8);
            case 3 -> Arbitraries.of("2024-02-29", "1970-01-01", "", "2000-06-15").list().ofSize(8);
            case 4 -> Arbitraries.of("2024-03", "P1D", "{}", "[1]", "{\"k\": null}", "").list().ofSize(8);
            default -> cell.list().ofSize(8);
        });
        return column.list().ofMinSize(1).ofMaxSize(5);
    }

    private static String csv(List<List<String>> columns) {
        var out = new StringBuilder();
        for (int c = 0; c < columns.size(); c++) {
            out.append(c == 0 ? "" : ",").append("c").append(c);
        }
        out.append('\n');
        for (int r = 0; r < columns.getFirst().size(); r++) {
            for (int c = 0; c < columns.size(); c++) {
                String cell = columns.get(c).get(r);
                boolean quote = cell.contains(",") || cell.contains("\"") || cell.contains("\n");
                out.append(c == 0 ? "" : ",")
                        .append(quote ? "\"" + cell.replace("\"", "\"\"") + "\"" : cell);
            }
            out.append('\n');
        }
        return out.toString();
    }
}
