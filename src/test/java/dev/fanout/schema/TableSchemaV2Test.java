package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static dev.fanout.schema.FieldFixture.rejected;
import static dev.fanout.schema.FieldFixture.rejectedField;
import static dev.fanout.schema.FieldFixture.schema;
import static dev.fanout.schema.FieldFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/// The Table Schema v2 additions Fanout checks: per-field and labelled `missingValues`,
/// `exclusiveMinimum`/`exclusiveMaximum`, `categories`, `uniqueKeys` and `fieldsMatch` as parsed;
/// the engine's use of them is tested through the gateway (`TableSchemaV2GatewayTest`).
class TableSchemaV2Test {

    @Test
    void aFieldsOwnMissingValuesReplaceTheSchemas() {
        Schema schema = schema("{\"missingValues\":[\"NA\"],\"fields\":[{\"name\":\"a\"},"
                + "{\"name\":\"b\",\"missingValues\":[\"-\",\"\"]}]}");
        MissingValues a = schema.fields().get(0).missingValues();
        MissingValues b = schema.fields().get(1).missingValues();
        assertTrue(a.contains("NA"));
        assertFalse(a.contains("-"));
        assertTrue(b.contains("-"));
        assertTrue(b.contains(""));
        assertFalse(b.contains("NA"), "a field's own list replaces the schema's, it does not add to it");
    }

    @Test
    void missingValuesMayCarryLabels() {
        Schema schema = schema("{\"missingValues\":[{\"value\":\"NA\",\"label\":\"not asked\"},{\"value\":\"-\"}],"
                + "\"fields\":[{\"name\":\"a\",\"missingValues\":[{\"value\":\"?\",\"label\":\"unknown\"}]}]}");
        assertEquals(List.of("NA", "-"), List.of(schema.isMissing("NA") ? "NA" : "", schema.isMissing("-") ? "-" : ""));
        assertEquals(List.of("?"), schema.fields().getFirst().missingValues().values());
    }

    @Test
    void aFieldsMissingValuesMustBeStringsOrValueObjects() {
        assertEquals("field 'a': missingValues must be an array of strings or of {\"value\": string, \"label\": string} "
                + "objects, but has {\"label\":\"x\"}",
                rejectedField("{\"name\":\"a\",\"missingValues\":[{\"label\":\"x\"}]}").getMessage());
        assertEquals("field 'a': missingValues must be an array of strings or of {\"value\": …} objects",
                rejectedField("{\"name\":\"a\",\"missingValues\":\"NA\"}").getMessage());
    }

    @ParameterizedTest
    @CsvSource({
            "integer, 10, 20, 11, 10, 19, 20",
            "number, 1.5, 2.5, 1.6, 1.50, 2.4, 2.5",
            "date, 2024-01-01, 2024-12-31, 2024-01-02, 2024-01-01, 2024-12-30, 2024-12-31",
            "year, 2000, 2010, 2001, 2000, 2009, 2010",
    })
    void exclusiveBoundsLetNeitherBoundThrough(String type, String low, String high, String justAbove, String atLow,
            String justBelow, String atHigh) {
        boolean quoted = type.equals("date");
        String q = quoted ? "\"" : "";
        Field field = field("{\"name\":\"f\",\"type\":\"" + type + "\",\"constraints\":{\"exclusiveMinimum\":" + q + low + q
                + ",\"exclusiveMaximum\":" + q + high + q + "}}");
        valid(field, justAbove);
        valid(field, justBelow);
        assertEquals("\"" + atLow + "\" is not above the exclusive minimum " + low,
                invalid(field, atLow, ErrorCode.EXCLUSIVE_MINIMUM));
        assertEquals("\"" + atHigh + "\" is not below the exclusive maximum " + high,
                invalid(field, atHigh, ErrorCode.EXCLUSIVE_MAXIMUM));
    }

    @Test
    void anIntegerExclusiveBoundBeyondALongStillCompares() {
        Field field = field("{\"name\":\"f\",\"type\":\"integer\",\"constraints\":{\"exclusiveMinimum\":99999999999999999999}}");
        valid(field, "100000000000000000000");
        invalid(field, "99999999999999999999", ErrorCode.EXCLUSIVE_MINIMUM);
        invalid(field, "5", ErrorCode.EXCLUSIVE_MINIMUM);
    }

    @Test
    void inclusiveAndExclusiveBoundsCombine() {
        Field field = field("{\"name\":\"f\",\"type\":\"integer\",\"constraints\":{\"minimum\":0,\"exclusiveMaximum\":10}}");
        valid(field, "0");
        valid(field, "9");
        invalid(field, "10", ErrorCode.EXCLUSIVE_MAXIMUM);
        invalid(field, "-1", ErrorCode.MINIMUM);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"exclusiveMinimum\":5,\"exclusiveMaximum\":5} | field 'f': exclusiveMinimum 5 equals exclusiveMaximum 5",
            "{\"minimum\":5,\"exclusiveMaximum\":5}          | field 'f': minimum 5 equals exclusiveMaximum 5",
            "{\"exclusiveMinimum\":6,\"maximum\":5}          | field 'f': exclusiveMinimum 6 is greater than maximum 5",
            "{\"exclusiveMinimum\":\"x\"}                    | field 'f': exclusiveMinimum must be an integer, but \"x\" is not an integer",
    })
    void boundsThatLetNothingThroughAreRefused(String constraints, String message) {
        assertEquals(message, rejectedField("{\"name\":\"f\",\"type\":\"integer\",\"constraints\":" + constraints + "}")
                .getMessage());
    }

    @Test
    void exclusiveBoundsApplyOnlyToOrderedTypes() {
        assertEquals("field 'f': exclusiveMaximum applies only to integer, number, date, time, datetime, year, yearmonth and duration fields, "
                + "not string", rejectedField("{\"name\":\"f\",\"constraints\":{\"exclusiveMaximum\":\"b\"}}").getMessage());
    }

    @Test
    void categoriesLimitAStringField() {
        Field field = field("{\"name\":\"f\",\"categories\":[\"red\",{\"value\":\"green\",\"label\":\"Green\"}],"
                + "\"categoriesOrdered\":false}");
        assertEquals("red", valid(field, "red"));
        assertEquals("green", valid(field, "green"));
        assertEquals("\"blue\" is not one of the categories [red, green]", invalid(field, "blue", ErrorCode.CATEGORIES));
    }

    @Test
    void categoriesOfAnIntegerFieldCompareByValue() {
        Field field = field("{\"name\":\"f\",\"type\":\"integer\",\"categories\":[1,{\"value\":2,\"label\":\"two\"}]}");
        assertEquals("2", valid(field, "+2"));
        assertEquals("\"3\" is not one of the categories [1, 2]", invalid(field, "3", ErrorCode.CATEGORIES));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"name\":\"f\",\"type\":\"number\",\"categories\":[1]} | field 'f': categories applies only to string and integer fields, not number",
            "{\"name\":\"f\",\"categories\":[1]} | field 'f': categories of string fields must be strings (or objects with such a value), but has 1",
            "{\"name\":\"f\",\"type\":\"integer\",\"categories\":[\"a\"]} | field 'f': categories of integer fields must be integers (or objects with such a value), but has \"a\"",
            "{\"name\":\"f\",\"categories\":[]} | field 'f': categories must be a non-empty array of values or of {\"value\": …} objects",
            "{\"name\":\"f\",\"categoriesOrdered\":true} | field 'f': categoriesOrdered needs categories",
            "{\"name\":\"f\",\"categories\":[\"a\"],\"categoriesOrdered\":\"yes\"} | field 'f': categoriesOrdered must be true or false",
            "{\"name\":\"f\",\"categories\":[{\"value\":\"a\",\"label\":3}]} | field 'f': a category's label must be a string, but has 3",
    })
    void badCategoriesAreRefused(String fieldJson, String message) {
        assertEquals(message, rejectedField(fieldJson).getMessage());
    }

    @Test
    void uniqueKeysNameFields() {
        Schema schema = schema("{\"fields\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"uniqueKeys\":[[\"a\",\"b\"],[\"b\"]]}");
        assertEquals(List.of(List.of("a", "b"), List.of("b")), schema.uniqueKeys());
        assertFalse(schema.fields().getFirst().required(), "unlike primaryKey, uniqueKeys make nothing required");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "[\"a\"] | uniqueKeys must be a non-empty array of arrays of field names, but has \"a\"",
            "[] | uniqueKeys must be a non-empty array of arrays of field names",
            "[[\"c\"]] | uniqueKeys names field 'c', which is not in the schema",
            "[[\"a\",\"a\"]] | uniqueKeys names field 'a' twice",
            "[[\"a\",1]] | uniqueKeys must be a field name or an array of field names, but has 1",
    })
    void badUniqueKeysAreRefused(String uniqueKeys, String message) {
        assertEquals(message, rejected("{\"fields\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"uniqueKeys\":" + uniqueKeys + "}")
                .getMessage());
    }

    /// Each key holds every row's key of a chunk outside the key budget: a schema cannot ask for
    /// thousands of them.
    @Test
    void atMostSixtyFourKeysAreChecked() {
        assertEquals(63, schema(pairsAsUniqueKeys(63)).uniqueKeys().size(), "64 keys with the primaryKey: accepted");
        assertEquals("the schema declares 65 keys (unique fields, primaryKey, uniqueKeys and foreignKeys); at most 64 are checked",
                rejected(pairsAsUniqueKeys(64)).getMessage());
    }

    /// Twelve fields, `f0` the primary key, and the first `count` pairs of fields as `uniqueKeys`.
    private static String pairsAsUniqueKeys(int count) {
        var fields = new StringBuilder();
        var pairs = new StringBuilder();
        int made = 0;
        for (int i = 0; i < 12; i++) {
            fields.append(i == 0 ? "" : ",").append("{\"name\":\"f").append(i).append("\"}");
            for (int j = i + 1; j < 12 && made < count; j++, made++) {
                pairs.append(made == 0 ? "" : ",").append("[\"f").append(i).append("\",\"f").append(j).append("\"]");
            }
        }
        return "{\"fields\":[" + fields + "],\"primaryKey\":\"f0\",\"uniqueKeys\":[" + pairs + "]}";
    }

    @Test
    void fieldsMatchIsOneOfFiveModes() {
        for (FieldsMatch mode : FieldsMatch.values()) {
            assertEquals(Optional.of(mode), schema("{\"fields\":[{\"name\":\"a\"}],\"fieldsMatch\":\"" + mode.schemaName()
                    + "\"}").fieldsMatch());
        }
        assertEquals(Optional.empty(), schema("{\"fields\":[{\"name\":\"a\"}]}").fieldsMatch());
        assertEquals("fieldsMatch must be one of exact, equal, subset, superset, partial, not \"Exact\"",
                rejected("{\"fields\":[{\"name\":\"a\"}],\"fieldsMatch\":\"Exact\"}").getMessage());
    }
}
