package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fanout.output.ByteSink;
import dev.fanout.output.NdjsonRenderer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/// The promise of the types whose values are JSON, and of the other new types: a cell that casts
/// is rendered in `data` as JSON that Jackson reads back, as the value the cast made — for JSON
/// cells, the same data as the cell (compacting changes no value); a failed cast shows the raw
/// cell as a string. Cells are drawn from random JSON (with random spacing and escapes), random
/// lists, geopoints, durations and year-months, and from near misses of each.
class JsonValuesPropertyTest {
    private static final JsonMapper JACKSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final List<String> FIELDS = List.of(
            "{\"name\":\"f\",\"type\":\"array\"}",
            "{\"name\":\"f\",\"type\":\"object\"}",
            "{\"name\":\"f\",\"type\":\"geojson\"}",
            "{\"name\":\"f\",\"type\":\"geojson\",\"format\":\"topojson\"}",
            "{\"name\":\"f\",\"type\":\"geopoint\"}",
            "{\"name\":\"f\",\"type\":\"geopoint\",\"format\":\"array\"}",
            "{\"name\":\"f\",\"type\":\"geopoint\",\"format\":\"object\"}",
            "{\"name\":\"f\",\"type\":\"list\"}",
            "{\"name\":\"f\",\"type\":\"list\",\"itemType\":\"number\",\"delimiter\":\";\"}",
            "{\"name\":\"f\",\"type\":\"list\",\"itemType\":\"integer\"}",
            "{\"name\":\"f\",\"type\":\"duration\"}",
            "{\"name\":\"f\",\"type\":\"yearmonth\"}",
            "{\"name\":\"f\",\"type\":\"any\"}",
            "{\"name\":\"f\",\"type\":\"string\",\"format\":\"binary\"}");

    @Property(tries = 400)
    void everyCastValueRendersAsJsonThatParses(@ForAll("cells") String raw) throws Exception {
        for (String fieldJson : FIELDS) {
            Field field = FieldFixture.field(fieldJson);
            Cell cell = Cell.of(raw);
            List<Violation> violations = new ArrayList<>();
            field.check(cell, violations);
            JsonNode data = rendered(cell);
            if (!violations.isEmpty()) {
                assertEquals(raw, data.textValue(), () -> fieldJson + ": a failed cast shows the raw cell");
                continue;
            }
            switch (cell.typed()) {
                case JsonText json -> {
                    assertEquals(JACKSON.readTree(json.json()), data, () -> fieldJson + ": " + raw);
                    if (field.type() == FieldType.ARRAY || field.type() == FieldType.OBJECT) {
                        // Compacting keeps the data: the cell read by Jackson is what data shows.
                        assertEquals(JACKSON.readTree(raw), data, () -> fieldJson + ": " + raw);
                        assertEquals(data.size(), json.size());
                    }
                    if (field.type() == FieldType.LIST) {
                        assertTrue(data.isArray(), () -> raw + " as a list: " + data);
                        assertEquals(data.size(), json.size());
                    }
                }
                case String text -> assertEquals(text, data.textValue(), () -> fieldJson + ": " + raw);
                default -> throw new AssertionError("unexpected value " + cell.typed());
            }
        }
    }

    @Provide
    Arbitrary<String> cells() {
        Arbitrary<String> number = Arbitraries.oneOf(
                Arbitraries.integers().between(-200, 200).map(String::valueOf),
                Arbitraries.bigDecimals().between(java.math.BigDecimal.valueOf(-200), java.math.BigDecimal.valueOf(200))
                        .ofScale(3).map(java.math.BigDecimal::toPlainString),
                Arbitraries.of("1e3", "-0", "0.5E-2", "1E+2", "10000000000000000000000", ".5", "+5", "1e99999999999"));
        Arbitrary<String> text = Arbitraries.strings().withChars("ab\"\\/\n\tü,;: \u0001\u2028").ofMaxLength(6);
        Arbitrary<String> json = json(3, number, text);
        return Arbitraries.oneOf(
                json,
                json.map(j -> " " + j + "\n"),
                Arbitraries.of("{\"type\":\"Point\",\"coordinates\":[1,2]}",
                        "{\"type\":\"Feature\",\"geometry\":{\"type\":\"LineString\",\"coordinates\":[[1,2],[3,4]]},\"properties\":{}}",
                        "{\"type\":\"Topology\",\"objects\":{\"x\":{\"type\":\"Point\"}},\"arcs\":[]}"),
                Arbitraries.of("[", "{\"a\":1,\"a\":2}", "[1,]", "[\"\\ud800\"]", "[NaN]", "{'a':1}",
                        "[\"😀\", \"\\ud83d\\ude00\"]", "😀,x"),
                Arbitraries.oneOf(number, Arbitraries.of("x")).list().ofMinSize(1).ofMaxSize(4)
                        .map(items -> String.join(Arbitraries.of(",", ";").sample(), items)),
                number.list().ofSize(2).map(p -> p.get(0) + ", " + p.get(1)),
                number.list().ofSize(2).map(p -> "{\"lon\":" + p.get(0) + ",\"lat\":" + p.get(1) + "}"),
                text.list().ofMinSize(1).ofMaxSize(4).map(items -> String.join(",", items)),
                Arbitraries.of("P1Y2M3DT4H5M6.5S", "PT1,5S", "-P1D", "P", "P1.5Y", "2024-03", "2024-13", "aGk=", "aGk"));
    }

    /// Random JSON text up to `depth` levels of arrays and objects, with random spacing.
    private static Arbitrary<String> json(int depth, Arbitrary<String> number, Arbitrary<String> text) {
        Arbitrary<String> scalar = Arbitraries.oneOf(number, Arbitraries.of("true", "false", "null"),
                text.map(JsonValuesPropertyTest::quoted));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> inner = json(depth - 1, number, text);
        Arbitrary<String> space = Arbitraries.of("", " ", "\n", "\t ");
        Arbitrary<String> array = inner.list().ofMaxSize(3)
                .map(items -> "[" + String.join("," + space.sample(), items) + "]");
        Arbitrary<String> object = Arbitraries.maps(text, inner).ofMaxSize(3).map(JsonValuesPropertyTest::object);
        return Arbitraries.oneOf(scalar, array, object);
    }

    private static String object(Map<String, String> members) {
        var out = new StringBuilder("{ ");
        members.forEach((k, v) -> out.append(out.length() > 2 ? ", " : "").append(quoted(k)).append(" : ").append(v));
        return out.append('}').toString();
    }

    /// A JSON string of `text`, with every non-ASCII character written as a `\\u` escape.
    private static String quoted(String text) {
        var out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '/' -> out.append("\\/");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static JsonNode rendered(Cell cell) throws Exception {
        var sink = new ByteSink(64);
        NdjsonRenderer.of(List.of("f")).open(sink).row(1, 2, new OneCellRow(cell), List.of());
        String line = new String(sink.toByteArray(), StandardCharsets.UTF_8);
        assertTrue(line.endsWith("}\n"), line);
        return JACKSON.readTree(line).path("data").path("f");
    }
}
