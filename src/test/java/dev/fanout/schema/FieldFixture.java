package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/// Builds one-field schemas from a field's JSON and runs cells through them, so that tests read
/// as tables of cell → outcome.
///
/// Tests parse their fields per test (instance fields, not static ones): mutation testing runs
/// all mutants of a class in one JVM, and a field parsed once by a static initialiser would never
/// meet the mutated parser (`scripts/mutation`).
final class FieldFixture {
    private FieldFixture() {
    }

    /// The outcome of [Field#check] on one cell.
    record Checked(Object value, List<Violation> violations) {
        List<String> codes() {
            return violations.stream().map(v -> v.code().wireName()).toList();
        }

        /// The value as the NDJSON writer would see it: JsonNumber text, or the object itself.
        Object plain() {
            return value instanceof JsonNumber number ? number.text() : value;
        }
    }

    static Schema schema(String json) {
        return Schema.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    static Field field(String fieldJson) {
        return schema("{\"fields\":[" + fieldJson + "]}").fields().getFirst();
    }

    static Checked check(Field field, String raw) {
        List<Violation> violations = new ArrayList<>();
        Object value = field.check(raw, violations);
        return new Checked(value, violations);
    }

    /// Asserts the cell casts without violations and returns the plain typed value.
    static Object valid(Field field, String raw) {
        Checked checked = check(field, raw);
        assertEquals(List.of(), checked.violations(), () -> "violations for " + raw);
        return checked.plain();
    }

    /// Asserts the cell fails with exactly one violation of `code` and returns its message. A cell
    /// whose cast failed (`type`, `format`) keeps its own text as its value, for `data`.
    static String invalid(Field field, String raw, ErrorCode code) {
        Checked checked = check(field, raw);
        assertEquals(List.of(code.wireName()), checked.codes(), () -> "codes for " + raw + ": " + checked);
        if (code == ErrorCode.TYPE || code == ErrorCode.FORMAT) {
            assertEquals(raw, checked.value(), () -> "value after the failed cast of " + raw);
        }
        return checked.violations().getFirst().message();
    }

    static InvalidSchemaException rejected(String schemaJson) {
        return assertThrows(InvalidSchemaException.class, () -> schema(schemaJson));
    }

    static InvalidSchemaException rejectedField(String fieldJson) {
        return rejected("{\"fields\":[" + fieldJson + "]}");
    }
}
