package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.check;
import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static dev.fanout.schema.FieldFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConstraintTest {

    private static Field constrained(String type, String constraints) {
        return field("{\"name\":\"f\",\"type\":\"" + type + "\",\"constraints\":" + constraints + "}");
    }

    /// type, constraints, cell, expected code (empty when valid), expected message.
    static Stream<Arguments> cases() {
        return Stream.of(
                // minLength / maxLength count code points, not UTF-16 chars.
                Arguments.of("string", "{\"minLength\":3}", "abc", "", ""),
                Arguments.of("string", "{\"minLength\":3}", "ab", "minLength", "\"ab\" is shorter than the minimum length 3"),
                Arguments.of("string", "{\"minLength\":3}", "😀😀", "minLength", "\"😀😀\" is shorter than the minimum length 3"),
                Arguments.of("string", "{\"minLength\":2}", "😀😀", "", ""),
                Arguments.of("string", "{\"maxLength\":2}", "😀😀", "", ""),
                Arguments.of("string", "{\"maxLength\":2}", "abc", "maxLength", "\"abc\" is longer than the maximum length 2"),
                Arguments.of("string", "{\"maxLength\":2}", "😀😀😀", "maxLength", "\"😀😀😀\" is longer than the maximum length 2"),
                Arguments.of("string", "{\"minLength\":0,\"maxLength\":0}", "", "", ""),
                Arguments.of("string", "{\"maxLength\":0}", "a", "maxLength", "\"a\" is longer than the maximum length 0"),
                Arguments.of("string", "{\"minLength\":3,\"maxLength\":3}", "abc", "", ""),
                Arguments.of("string", "{\"maxLength\":2147483647}", "abc", "", ""),
                // pattern matches the whole raw cell, on any type.
                Arguments.of("string", "{\"pattern\":\"[a-z]\"}", "z", "", ""),
                Arguments.of("string", "{\"pattern\":\"[a-z]\"}", "zz", "pattern", "\"zz\" does not match the pattern [a-z]"),
                Arguments.of("string", "{\"pattern\":\"b\"}", "abc", "pattern", "\"abc\" does not match the pattern b"),
                Arguments.of("integer", "{\"pattern\":\"0\\\\d+\"}", "007", "", ""),
                Arguments.of("integer", "{\"pattern\":\"0\\\\d+\"}", "7", "pattern", "\"7\" does not match the pattern 0\\d+"),
                Arguments.of("date", "{\"pattern\":\"2024-.*\"}", "2023-01-01", "pattern",
                        "\"2023-01-01\" does not match the pattern 2024-.*"),
                // enum compares cast values.
                Arguments.of("string", "{\"enum\":[\"green\",\"blue\"]}", "blue", "", ""),
                Arguments.of("string", "{\"enum\":[\"green\",\"blue\"]}", "red", "enum", "\"red\" is not one of [green, blue]"),
                Arguments.of("string", "{\"enum\":[\"green\",\"blue\"]}", "Blue", "enum", "\"Blue\" is not one of [green, blue]"),
                Arguments.of("integer", "{\"enum\":[1,2,\"3\"]}", "003", "", ""),
                Arguments.of("integer", "{\"enum\":[1,2,\"3\"]}", "+2", "", ""),
                Arguments.of("integer", "{\"enum\":[1,2,\"3\"]}", "4", "enum", "\"4\" is not one of [1, 2, 3]"),
                Arguments.of("number", "{\"enum\":[1,2.5]}", "1.000", "", ""),
                Arguments.of("number", "{\"enum\":[1,2.5]}", "2.50", "", ""),
                Arguments.of("number", "{\"enum\":[1,2.5]}", "2.51", "enum", "\"2.51\" is not one of [1, 2.5]"),
                Arguments.of("date", "{\"enum\":[\"2024-01-01\"]}", "2024-01-01", "", ""),
                Arguments.of("datetime", "{\"enum\":[\"2024-01-01T00:00:00Z\"]}", "2024-01-01T01:00:00+01:00", "", ""),
                // minimum / maximum in the type's order.
                Arguments.of("integer", "{\"minimum\":0,\"maximum\":150}", "150", "", ""),
                Arguments.of("integer", "{\"minimum\":0,\"maximum\":150}", "200", "maximum", "\"200\" is above the maximum 150"),
                Arguments.of("integer", "{\"minimum\":0,\"maximum\":150}", "-1", "minimum", "\"-1\" is below the minimum 0"),
                Arguments.of("integer", "{\"minimum\":-10}", "-9", "", ""),
                Arguments.of("integer", "{\"minimum\":-10}", "-11", "minimum", "\"-11\" is below the minimum -10"),
                Arguments.of("integer", "{\"maximum\":\"99999999999999999999\"}", "100000000000000000000", "maximum",
                        "\"100000000000000000000\" is above the maximum 99999999999999999999"),
                Arguments.of("integer", "{\"maximum\":150}", "0000150", "", ""),
                Arguments.of("integer", "{\"minimum\":5,\"maximum\":5}", "5", "", ""),
                Arguments.of("integer", "{\"minimum\":10}", "9", "minimum", "\"9\" is below the minimum 10"),
                Arguments.of("integer", "{\"maximum\":10}", "11", "maximum", "\"11\" is above the maximum 10"),
                // Bounds beyond a long are compared as digits, with cells that fit a long and cells that do not.
                Arguments.of("integer", "{\"minimum\":\"100000000000000000000\"}", "5", "minimum",
                        "\"5\" is below the minimum 100000000000000000000"),
                Arguments.of("integer", "{\"maximum\":\"-100000000000000000000\"}", "-5", "maximum",
                        "\"-5\" is above the maximum -100000000000000000000"),
                Arguments.of("integer", "{\"minimum\":10}", "100000000000000000000", "", ""),
                Arguments.of("integer", "{\"maximum\":10}", "-100000000000000000000", "", ""),
                Arguments.of("integer", "{\"minimum\":\"999999999999999999\"}", "999999999999999998", "minimum",
                        "\"999999999999999998\" is below the minimum 999999999999999999"),
                Arguments.of("number", "{\"minimum\":0.5,\"maximum\":\"1e2\"}", "0.50", "", ""),
                Arguments.of("number", "{\"minimum\":0.5}", "0.49", "minimum", "\"0.49\" is below the minimum 0.5"),
                Arguments.of("number", "{\"maximum\":\"1e2\"}", "100.01", "maximum", "\"100.01\" is above the maximum 1e2"),
                Arguments.of("number", "{\"maximum\":100}", "INF", "maximum", "\"INF\" is above the maximum 100"),
                Arguments.of("number", "{\"minimum\":0}", "-INF", "minimum", "\"-INF\" is below the minimum 0"),
                Arguments.of("number", "{\"minimum\":0,\"maximum\":1}", "NaN", "", ""),
                Arguments.of("date", "{\"minimum\":\"2024-01-01\"}", "2023-12-31", "minimum",
                        "\"2023-12-31\" is below the minimum 2024-01-01"),
                Arguments.of("time", "{\"maximum\":\"12:00:00\"}", "12:00:00.000", "", ""),
                Arguments.of("time", "{\"maximum\":\"12:00:00\"}", "12:00:00", "", ""),
                Arguments.of("time", "{\"minimum\":\"09:59:59.9\"}", "09:59:59.89", "minimum",
                        "\"09:59:59.89\" is below the minimum 09:59:59.9"),
                Arguments.of("time", "{\"maximum\":\"19:29:04\"}", "19:29:03.5", "", ""),
                Arguments.of("time", "{\"maximum\":\"19:29:04\"}", "19:29:04.5", "maximum",
                        "\"19:29:04.5\" is above the maximum 19:29:04"),
                Arguments.of("time", "{\"maximum\":\"12:00:00\"}", "12:00:00.001", "maximum",
                        "\"12:00:00.001\" is above the maximum 12:00:00"),
                Arguments.of("datetime", "{\"maximum\":\"2024-01-01T00:00:00Z\"}", "2024-01-01T00:30:00+01:00", "", ""),
                Arguments.of("datetime", "{\"maximum\":\"1999-12-31T19:00:00Z\"}", "1999-12-31T13:59:59-05:00", "", ""),
                Arguments.of("datetime", "{\"maximum\":\"1999-12-31T19:00:00Z\"}", "1999-12-31T14:00:00.5-05:00",
                        "maximum", "\"1999-12-31T14:00:00.5-05:00\" is above the maximum 1999-12-31T19:00:00Z"),
                Arguments.of("datetime", "{\"minimum\":\"2024-06-30T23:59:59+05:30\"}", "2024-06-30T18:29:59Z", "", ""),
                Arguments.of("datetime", "{\"minimum\":\"2024-06-30T23:59:59+05:30\"}", "2024-06-30T18:29:58.999Z",
                        "minimum", "\"2024-06-30T18:29:58.999Z\" is below the minimum 2024-06-30T23:59:59+05:30"),
                Arguments.of("datetime", "{\"maximum\":\"2024-01-01T00:00:00Z\"}", "2024-01-01T00:30:00Z", "maximum",
                        "\"2024-01-01T00:30:00Z\" is above the maximum 2024-01-01T00:00:00Z"),
                Arguments.of("year", "{\"minimum\":2000,\"maximum\":\"2099\"}", "1999", "minimum",
                        "\"1999\" is below the minimum 2000"),
                Arguments.of("year", "{\"minimum\":2000,\"maximum\":\"2099\"}", "2099", "", ""));
    }

    @ParameterizedTest(name = "{0} {1}: \"{2}\" → {3}")
    @MethodSource("cases")
    void constraintsCheckCastValues(String type, String constraints, String raw, String code, String message) {
        FieldFixture.Checked checked = check(constrained(type, constraints), raw);
        if (code.isEmpty()) {
            assertEquals(List.of(), checked.violations());
        } else {
            assertEquals(List.of(code), checked.codes());
            assertEquals(message, checked.violations().getFirst().message());
        }
    }

    @Test
    void minimumAndMaximumUseTheFieldFormat() {
        Field field = field("{\"name\":\"d\",\"type\":\"date\",\"format\":\"%d/%m/%Y\","
                + "\"constraints\":{\"minimum\":\"01/02/2024\"}}");
        assertEquals("2024-02-01", valid(field, "01/02/2024"));
        assertEquals("\"31/01/2024\" is below the minimum 01/02/2024", invalid(field, "31/01/2024", ErrorCode.MINIMUM));
    }

    @Test
    void aJsonNumberIsTheBoundItselfWhateverTheFieldsDecimalAndGroupCharacters() {
        // "0.5" read with the field's characters was 5 (the dot a group separator), and with a
        // decimal comma alone it was no number at all: the schema was refused.
        Field european = field("{\"name\":\"price\",\"type\":\"number\",\"decimalChar\":\",\",\"groupChar\":\".\","
                + "\"constraints\":{\"minimum\":0.5,\"maximum\":1000.25,\"enum\":[1.5,1000.25,0.5]}}");
        assertEquals(List.of(), check(european, "1,5").violations());
        assertEquals(List.of(), check(european, "1.000,25").violations());
        assertEquals(List.of(), check(european, "0,5").violations());
        assertEquals(List.of("enum", "minimum"), check(european, "0,25").codes());
        assertEquals(List.of("enum"), check(european, "15").codes());
        Field comma = field("{\"name\":\"price\",\"type\":\"number\",\"decimalChar\":\",\","
                + "\"constraints\":{\"exclusiveMinimum\":0.5,\"exclusiveMaximum\":2E1}}");
        assertEquals(List.of(), check(comma, "0,75").violations());
        assertEquals(List.of("exclusiveMinimum"), check(comma, "0,5").codes());
        assertEquals(List.of("exclusiveMaximum"), check(comma, "20").codes());
        // A string bound is still written as the field's cells are.
        Field text = field("{\"name\":\"price\",\"type\":\"number\",\"decimalChar\":\",\",\"groupChar\":\".\","
                + "\"constraints\":{\"minimum\":\"1.000,5\"}}");
        assertEquals(List.of("minimum"), check(text, "1.000,25").codes());
        assertEquals(List.of(), check(text, "1.000,5").violations());
    }

    @Test
    void everyFailingCheckIsReportedInFixedOrder() {
        Field field = constrained("string", "{\"minLength\":5,\"pattern\":\"[0-9]+\",\"enum\":[\"12345\"]}");
        assertEquals(List.of("minLength", "pattern", "enum"), check(field, "ab").codes());
        Field number = constrained("integer", "{\"pattern\":\"[0-9]\",\"enum\":[1],\"minimum\":5}");
        assertEquals(List.of("pattern", "enum", "minimum"), check(number, "-3").codes());
    }

    @Test
    void aTypeFailureSkipsTheConstraints() {
        Field field = constrained("integer", "{\"pattern\":\"[0-9]+\",\"minimum\":5}");
        assertEquals(List.of("type"), check(field, "x").codes());
    }

    @Test
    void checkAppendsToExistingViolations() {
        Field field = constrained("integer", "{\"minimum\":5}");
        List<Violation> violations = new java.util.ArrayList<>(List.of(new Violation(ErrorCode.REQUIRED, "earlier")));
        assertEquals("7", ((JsonNumber) field.check("7", violations)).text());
        assertEquals(1, violations.size(), "a passing cell appends nothing, even after earlier violations");
        field.check("3", violations);
        assertEquals(ErrorCode.MINIMUM, violations.get(1).code());
    }

    @Test
    void requiredAndUniqueAreExposedForTheEngine() {
        Field both = constrained("string", "{\"required\":true,\"unique\":true}");
        assertTrue(both.required());
        assertTrue(both.unique());
        Field neither = constrained("string", "{\"required\":false}");
        assertFalse(neither.required());
        assertFalse(neither.unique());
    }

    @Test
    void patternsRunInLinearTimeOnPathologicalInput() {
        // (a+)+$ backtracks exponentially in java.util.regex on this input; RE2 answers at once.
        Field field = constrained("string", "{\"pattern\":\"(a+)+$\"}");
        String raw = "a".repeat(50_000) + "!";
        assertEquals(List.of("pattern"), check(field, raw).codes());
        assertEquals(List.of(), check(field, "a".repeat(50_000)).violations());
    }
}
