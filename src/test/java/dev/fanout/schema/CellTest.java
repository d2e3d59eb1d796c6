package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.field;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/// The engine checks cells where they lie in a record batch's bytes ([Cell#reset]), with other
/// cells' bytes before and after them; that must decide exactly what checking the cell's text
/// alone decides (`Field#check(String, List)`): the same violations and the same typed value.
class CellTest {
    /// Bytes around the cell that would change the outcome if they were read as part of it.
    private static final String[] SURROUNDINGS = {"", "0", "9,", "-", "@x.", "é", "\"", "1.5e3 "};

    static Stream<Arguments> fieldsAndCells() {
        return Stream.of(
                Arguments.of("{\"type\":\"integer\"}", List.of("0", "-0", "007", "+5", "12", "1x", "-", "99999999999999999999")),
                Arguments.of("{\"type\":\"integer\",\"groupChar\":\",\",\"bareNumber\":false}",
                        List.of("1,000", "$5", "5 pcs", "1,,0", "x")),
                Arguments.of("{\"type\":\"integer\",\"constraints\":{\"minimum\":3,\"maximum\":\"100000000000000000000\"}}",
                        List.of("2", "3", "100000000000000000001", "50")),
                Arguments.of("{\"type\":\"number\"}", List.of("1.50", ".5", "-0.0", "1e3", "NaN", "1,5")),
                Arguments.of("{\"type\":\"boolean\"}", List.of("true", "0", "yes")),
                Arguments.of("{\"type\":\"string\",\"format\":\"email\"}", List.of("a@b.c", "jos\u00e9@b.c", "a@b", "@b.c", "a@b.c\u0085")),
                Arguments.of("{\"type\":\"string\",\"format\":\"uuid\"}",
                        List.of("123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-42661417400")),
                Arguments.of("{\"type\":\"string\",\"constraints\":{\"minLength\":2,\"maxLength\":3}}",
                        List.of("a", "ab", "\u00e9\u00e9\u00e9", "abcd", "\ud83d\ude00\ud83d\ude00")),
                Arguments.of("{\"type\":\"date\"}", List.of("2024-02-29", "2023-02-29", "2024-1-1")),
                Arguments.of("{\"type\":\"datetime\"}", List.of("2024-03-15T10:20:30+05:30", "2024-03-15T10:20")),
                Arguments.of("{\"type\":\"year\"}", List.of("2024", "24", "20x4")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fieldsAndCells")
    void aCellInsideARecordIsCheckedAsItsTextAlone(String fieldJson, List<String> cells) {
        Field field = field("{\"name\":\"f\"," + fieldJson.substring(1));
        for (String text : cells) {
            List<Violation> alone = new ArrayList<>();
            Object expected = field.check(text, alone);
            for (String before : SURROUNDINGS) {
                for (String after : SURROUNDINGS) {
                    byte[] head = before.getBytes(StandardCharsets.UTF_8);
                    byte[] body = text.getBytes(StandardCharsets.UTF_8);
                    byte[] record = (before + text + after).getBytes(StandardCharsets.UTF_8);
                    var cell = new Cell().reset(record, head.length, head.length + body.length);
                    assertEquals(body.length, cell.length());
                    List<Violation> inside = new ArrayList<>();
                    field.check(cell, inside);
                    String where = "\"" + text + "\" between \"" + before + "\" and \"" + after + "\"";
                    assertEquals(alone, inside, where);
                    assertEquals(expected, cell.typed(), where);
                    assertEquals(text, cell.text(), where);
                }
            }
        }
    }
}
