package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.fanout.output.ByteSink;
import dev.fanout.output.FieldError;
import dev.fanout.output.NdjsonRenderer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/// Coverage-guided fuzzing of the casting rules: a field's type, `format` (strptime patterns
/// among them), type options and bounds, and cells to cast. Its contract: the field is built or
/// refused with an [InvalidSchemaException], nothing else (a strptime pattern compiles for every
/// temporal kind or is refused the same way); a cell casts to a value or to exactly one `type` or
/// `format` [Violation] (then its value is its own text and no constraint runs), never an
/// exception; a value has a unique key and orders equal to itself; a strptime date, time or
/// datetime is canonical ISO-8601 (the `default` format reads it back as itself); and the row
/// line the NDJSON renderer writes for the cell is JSON that Jackson reads back as that value.
///
/// The input is lines of text: the type (a name, or any line, which then picks one by its hash),
/// the format (empty for `default`), the options (`groupChar`, `decimalChar` and `n` for
/// `bareNumber: false`, by position, a space for none; for booleans, `true,values/false,values`),
/// for lists, the item type and after a space the delimiter), the minimum and the maximum
/// (empty for none), then one cell per line. A [JsonText] value (array, object, geojson,
/// geopoint, list) is JSON that Jackson reads as the rendered value, with as many items or keys
/// as its size says.
///
/// Regression inputs: `src/test/resources/dev/fanout/schema/CasterFuzzTestInputs/cast/`;
/// `scripts/fuzz casting` searches for new ones.
class CasterFuzzTest {
    private static final JsonMapper JACKSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .build();
    private static final String NAME = "f";
    private static final Set<FieldType> ORDERED = Set.of(FieldType.INTEGER, FieldType.NUMBER, FieldType.DATE,
            FieldType.TIME, FieldType.DATETIME, FieldType.YEAR, FieldType.YEARMONTH, FieldType.DURATION);

    @FuzzTest
    void cast(byte[] input) {
        String[] lines = new String(input, StandardCharsets.UTF_8).split("\n", -1);
        String format = line(lines, 1);
        for (TemporalKind kind : TemporalKind.values()) {
            try {
                strptimeIsCanonical(StrptimeFormat.compile(NAME, kind, format), kind, lines);
            } catch (InvalidSchemaException refused) {
                assertEquals(Optional.of(NAME), refused.field());
            }
        }
        FieldType type = type(line(lines, 0));
        Field field;
        try {
            field = Schema.parse(schema(type, lines)).fields().getFirst();
        } catch (InvalidSchemaException refused) {
            return;
        }
        for (int i = 5; i < lines.length; i++) {
            castAndRender(field, lines[i]);
        }
    }

    private static void strptimeIsCanonical(StrptimeFormat format, TemporalKind kind, String[] cells) {
        var iso = new IsoTemporalFormat(kind);
        for (int i = 5; i < cells.length; i++) {
            List<Violation> violations = new ArrayList<>();
            String parsed = format.parse(cells[i], violations);
            if (violations.isEmpty()) {
                List<Violation> isoViolations = new ArrayList<>();
                assertSame(parsed, iso.parse(parsed, isoViolations), () -> "not canonical: " + parsed);
                assertEquals(List.of(), isoViolations, () -> "not ISO-8601: " + parsed);
            } else {
                assertEquals(1, violations.size());
                assertSame(cells[i], parsed, "a failed parse returns the cell");
            }
        }
    }

    private static void castAndRender(Field field, String raw) {
        Cell cell = Cell.of(raw);
        List<Violation> violations = new ArrayList<>();
        field.check(cell, violations);
        boolean castFailed = !violations.isEmpty()
                && (violations.getFirst().code() == ErrorCode.TYPE || violations.getFirst().code() == ErrorCode.FORMAT);
        Object typed = cell.typed();
        if (castFailed) {
            assertEquals(1, violations.size(), () -> "a failed cast and more: " + violations);
            assertEquals(Cell.Form.TEXT, cell.form(), "a failed cast leaves the cell its own text");
        } else {
            for (Violation violation : violations) {
                assertTrue(violation.code() != ErrorCode.TYPE && violation.code() != ErrorCode.FORMAT,
                        () -> "a cast violation after the cast: " + violations);
            }
            Object key = field.uniqueKey(typed);
            assertEquals(key, field.uniqueKey(cell.typed()), "the unique key of the same value");
        }
        JsonNode data = rendered(field, cell, violations);
        if (castFailed) {
            assertEquals(raw, data.textValue(), "a failed cast shows the raw cell");
        } else {
            switch (typed) {
                case String text -> assertEquals(text, data.textValue());
                case Boolean bool -> assertEquals(bool, data.isBoolean() ? data.booleanValue() : null);
                case JsonNumber number -> {
                    assertTrue(data.isNumber(), () -> number + " rendered as " + data);
                    assertEquals(0, new BigDecimal(number.text()).compareTo(data.decimalValue()),
                            () -> number + " rendered as " + data);
                }
                case JsonText json -> {
                    JsonNode parsed;
                    try {
                        parsed = JACKSON.readTree(json.json());
                    } catch (JacksonException e) {
                        throw new AssertionError("not JSON: " + json, e);
                    }
                    assertEquals(parsed, data, () -> json + " rendered as " + data);
                    if (parsed.isContainerNode() && field.type() != FieldType.GEOPOINT && field.type() != FieldType.GEOJSON) {
                        assertEquals(parsed.size(), json.size(), () -> "the size of " + json);
                    }
                }
                default -> throw new AssertionError("an unexpected typed value " + typed.getClass());
            }
        }
    }

    /// The `data` value of the row line rendered as the engine renders a checked cell.
    private static JsonNode rendered(Field field, Cell cell, List<Violation> violations) {
        var sink = new ByteSink(64);
        List<FieldError> errors = violations.stream()
                .map(v -> new FieldError(field.name(), v.code(), v.message(), 0)).toList();
        NdjsonRenderer.of(List.of(field.name())).open(sink).row(1, 2, new OneCellRow(cell), errors);
        String line = new String(sink.toByteArray(), StandardCharsets.UTF_8);
        assertTrue(line.endsWith("}\n") || line.endsWith("]}\n"), () -> "not one line: " + line);
        JsonNode row;
        try {
            row = JACKSON.readTree(line);
        } catch (JacksonException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
        assertEquals(errors.isEmpty(), row.path("valid").booleanValue(), line);
        ArrayNode codes = row.has("errors") ? (ArrayNode) row.get("errors") : JACKSON.createArrayNode();
        assertEquals(violations.stream().map(v -> v.code().wireName()).toList(),
                codes.valueStream().map(e -> e.path("code").textValue()).toList(), line);
        return row.path("data").path(field.name());
    }

    /// The schema document of one field named `f` of `type`, with the input's format, options
    /// and bounds.
    private static byte[] schema(FieldType type, String[] lines) {
        ObjectNode field = JACKSON.createObjectNode().put("name", NAME).put("type", type.schemaName());
        String format = line(lines, 1);
        if (!format.isEmpty()) {
            field.put("format", format);
        }
        String options = line(lines, 2);
        switch (type) {
            case INTEGER, NUMBER -> {
                if (options.length() > 0 && options.charAt(0) != ' ') {
                    field.put("groupChar", options.substring(0, 1));
                }
                if (type == FieldType.NUMBER && options.length() > 1 && options.charAt(1) != ' ') {
                    field.put("decimalChar", options.substring(1, 2));
                }
                if (options.length() > 2 && options.charAt(2) == 'n') {
                    field.put("bareNumber", false);
                }
            }
            case LIST -> {
                // The options line: the item type, then after a space the delimiter.
                int space = options.indexOf(' ');
                if (!options.isEmpty()) {
                    field.put("itemType", space < 0 ? options : options.substring(0, space));
                }
                if (space >= 0) {
                    field.put("delimiter", options.substring(space + 1));
                }
            }
            case BOOLEAN -> {
                int slash = options.indexOf('/');
                if (slash >= 0) {
                    ArrayNode trueValues = field.putArray("trueValues");
                    Arrays.stream(options.substring(0, slash).split(",", -1)).forEach(trueValues::add);
                    ArrayNode falseValues = field.putArray("falseValues");
                    Arrays.stream(options.substring(slash + 1).split(",", -1)).forEach(falseValues::add);
                }
            }
            default -> { }
        }
        if (ORDERED.contains(type)) {
            ObjectNode constraints = JACKSON.createObjectNode();
            if (!line(lines, 3).isEmpty()) {
                constraints.put("minimum", line(lines, 3));
            }
            if (!line(lines, 4).isEmpty()) {
                constraints.put("maximum", line(lines, 4));
            }
            if (!constraints.isEmpty()) {
                field.set("constraints", constraints);
            }
        }
        ObjectNode schema = JACKSON.createObjectNode();
        schema.putArray("fields").add(field);
        try {
            return JACKSON.writeValueAsBytes(schema);
        } catch (JacksonException e) {
            throw new AssertionError(e);
        }
    }

    /// The type named by `line`, or else one picked by the line's hash.
    @SuppressWarnings("EnumOrdinal") // any constant will do; the index is only a way to pick one
    private static FieldType type(String line) {
        for (FieldType type : FieldType.values()) {
            if (type.schemaName().equals(line)) {
                return type;
            }
        }
        return FieldType.values()[Math.floorMod(line.hashCode(), FieldType.values().length)];
    }

    private static String line(String[] lines, int index) {
        return index < lines.length ? lines[index] : "";
    }
}
