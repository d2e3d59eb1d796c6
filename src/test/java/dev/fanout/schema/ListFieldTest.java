package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.check;
import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/// Casting table for `list` (Table Schema v2): the cell split at `delimiter`, each item cast as
/// `itemType`, the value a JSON array of the cast items.
class ListFieldTest {

    private static Field list(String options) {
        return field("{\"name\":\"l\",\"type\":\"list\"" + options + "}");
    }

    private static String json(Field field, String raw) {
        FieldFixture.Checked checked = check(field, raw);
        assertEquals(List.of(), checked.violations(), () -> "violations for " + raw);
        return ((JsonText) checked.value()).json();
    }

    @ParameterizedTest(name = "{0} {1} → {2}")
    @CsvSource(delimiter = '|', value = {
        " | a,b,c | [\"a\",\"b\",\"c\"]",
        " | a | [\"a\"]",
        " | a,,b | [\"a\",\"\",\"b\"]",
        " | a, b | [\"a\",\" b\"]",
        " | \"q\",\\ | [\"\\\"q\\\"\",\"\\\\\"]",
        ",\"itemType\":\"integer\" | 1,-2,007 | [1,-2,7]",
        ",\"itemType\":\"number\" | 1.50,2e3,NaN | [1.50,2e3,\"NaN\"]",
        ",\"itemType\":\"boolean\" | true,False,1 | [true,false,true]",
        ",\"itemType\":\"date\" | 2024-01-02,2024-02-29 | [\"2024-01-02\",\"2024-02-29\"]",
        ",\"itemType\":\"time\" | 10:00:00 | [\"10:00:00\"]",
        ",\"itemType\":\"datetime\" | 2024-01-02T03:04:05Z | [\"2024-01-02T03:04:05Z\"]",
        ",\"itemType\":\"year\" | 2024,1999 | [\"2024\",\"1999\"]",
        ",\"itemType\":\"yearmonth\" | 2024-01,1999-12 | [\"2024-01\",\"1999-12\"]",
        ",\"itemType\":\"duration\" | P1D,PT1H | [\"P1D\",\"PT1H\"]",
        ",\"delimiter\":\";\",\"itemType\":\"integer\" | 1;2 | [1,2]",
        ",\"delimiter\":\"; \" | a; b;c | [\"a\",\"b;c\"]",
        ",\"delimiter\":\"::\" | a::b:c | [\"a\",\"b:c\"]"})
    void itemsAreCastAndWrittenAsAJsonArray(String options, String raw, String compact) {
        assertEquals(compact, json(list(options == null ? "" : options), raw));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
        "integer | 1,x,3 | is not a list of integer items: item 2 \"x\" is not an integer",
        "integer | 1, 2 | is not a list of integer items: item 2 \" 2\" is not an integer",
        "integer | 1,,3 | is not a list of integer items: item 2 \"\" is not an integer",
        "date | 2024-01-01,2024-02-30 | is not a list of date items: item 2 \"2024-02-30\" is not a valid date: 2024-02 has no day 30",
        "boolean | true,maybe | is not a list of boolean items: item 2 \"maybe\" is not a boolean (true values: true, True, TRUE, 1; false values: false, False, FALSE, 0)"})
    void theFirstItemThatFailsNamesTheCellsTypeError(String itemType, String raw, String problem) {
        Field f = list(",\"itemType\":\"" + itemType + "\"");
        assertEquals(Violation.quote(raw) + " " + problem, invalid(f, raw, ErrorCode.TYPE));
    }

    @Test
    void lengthsCountItems() {
        Field f = list(",\"itemType\":\"integer\",\"constraints\":{\"minLength\":2,\"maxLength\":3}");
        assertEquals("[1,2]", json(f, "1,2"));
        assertEquals("\"1\" has 1 items, fewer than the minimum length 2", invalid(f, "1", ErrorCode.MIN_LENGTH));
        assertEquals("\"1,2,3,4\" has 4 items, more than the maximum length 3", invalid(f, "1,2,3,4", ErrorCode.MAX_LENGTH));
    }

    @Test
    void listsAreEqualByTheirItems() {
        Field f = list(",\"itemType\":\"number\",\"constraints\":{\"unique\":true}");
        assertEquals(f.uniqueKey(check(f, "1,2.0").value()), f.uniqueKey(check(f, "1.0,2").value()));
    }
}
