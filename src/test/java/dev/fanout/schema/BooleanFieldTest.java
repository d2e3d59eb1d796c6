package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static dev.fanout.schema.FieldFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class BooleanFieldTest {
    private final Field defaults = field("{\"name\":\"b\",\"type\":\"boolean\"}");
    private final Field custom = field(
            "{\"name\":\"b\",\"type\":\"boolean\",\"trueValues\":[\"yes\",\"Y\"],\"falseValues\":[\"no\",\"N\"]}");

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource({"true, true", "True, true", "TRUE, true", "1, true",
        "false, false", "False, false", "FALSE, false", "0, false"})
    void defaultValues(String raw, boolean expected) {
        assertEquals(expected, valid(defaults, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"yes", "tRUE", "t", "2", " true", "01"})
    void defaultValuesAreExact(String raw) {
        assertEquals("\"" + raw + "\" is not a boolean (true values: true, True, TRUE, 1; false values: false, "
                + "False, FALSE, 0)", invalid(defaults, raw, ErrorCode.TYPE));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource({"yes, true", "Y, true", "no, false", "N, false"})
    void customValues(String raw, boolean expected) {
        assertEquals(expected, valid(custom, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"true", "1", "false", "0", "YES", "y"})
    void customValuesReplaceTheDefaults(String raw) {
        invalid(custom, raw, ErrorCode.TYPE);
    }

    @Test
    void enumComparesCastValues() {
        Field onlyTrue = field("{\"name\":\"b\",\"type\":\"boolean\",\"constraints\":{\"enum\":[true]}}");
        assertEquals(true, valid(onlyTrue, "TRUE"));
        assertEquals("\"0\" is not one of [true]", invalid(onlyTrue, "0", ErrorCode.ENUM));
    }
}
