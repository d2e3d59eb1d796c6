package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.rejected;
import static dev.fanout.schema.FieldFixture.schema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/// What a schema may ask of every cell or of the heap: patterns are sized before RE2/J compiles
/// them (15 bytes of `(a{1000}){1000}` filled the heap), and the lists every cell is looked up
/// in are short.
class SchemaBoundsTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = ';', value = {
            "abc ; 3",
            "a{3} ; 3",
            "(ab){3} ; 6",
            "(a{1000}){1000} ; 1000000",
            "((a{10}){10}){10} ; 1000",
            "a{2,5} ; 5",
            "a{2,} ; 3",
            "[a-z]{1,64}@x ; 66",
            "(?i)ab ; 2",
            "(?:ab|cd){2} ; 8",
            "(?P<n>a){4} ; 4",
            "\\d{10} ; 10",
            "\\p{L}{3} ; 3",
            "\\Qa{1000}\\E ; 7",
            "a{x} ; 4",
            "[{]{5} ; 5",
            "a* ; 1",
    })
    void aPatternsSizeIsWhatItsRepetitionsExpandTo(String regex, long size) {
        assertEquals(size, PatternBudget.expandedSize(regex));
    }

    @Test
    void hugeCountsDoNotOverflow() {
        assertTrue(PatternBudget.expandedSize("((((a{1000}){1000}){1000}){1000}){1000}") > PatternBudget.MAX);
    }

    @Test
    void aPatternThatWouldFillTheHeapIsAnInvalidSchema() {
        String message = rejected("{\"fields\":[{\"name\":\"f\",\"constraints\":{\"pattern\":\"(a{1000}){1000}\"}}]}").getMessage();
        assertTrue(message.startsWith("field 'f': pattern '(a{1000}){1000}' is too large once its counted repetitions are expanded"),
                message);
    }

    @Test
    void theBudgetIsTheSchemasNotEachPatterns() {
        var fields = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            fields.append(i == 0 ? "" : ",").append("{\"name\":\"f").append(i).append("\",\"constraints\":{\"pattern\":\"a{1000}\"}}");
        }
        String message = rejected("{\"fields\":[" + fields + "]}").getMessage();
        assertTrue(message.startsWith("field 'f50': pattern 'a{1000}' is too large"), message);
        assertEquals(50, schema("{\"fields\":[" + fields.substring(0, fields.indexOf(",{\"name\":\"f50\"")) + "]}").fields().size());
    }

    @Test
    void aJsonSchemasPatternsCountToo() {
        String message = rejected("{\"fields\":[{\"name\":\"o\",\"type\":\"object\",\"constraints\":{\"jsonSchema\":"
                + "{\"patternProperties\":{\"(b{1000}){100}\":{\"pattern\":\"x\"}}}}}]}").getMessage();
        assertTrue(message.startsWith("field 'o': pattern '(b{1000}){100}' is too large"), message);
    }

    /// Every cell is looked for among these lists: a schema cannot make them thousands long.
    @Test
    void valueListsHoldAtMostSixtyFourValues() {
        String sixtyFive = "[" + "\"v\",".repeat(64) + "\"v\"]";
        String sixtyFour = "[" + "\"v\",".repeat(63) + "\"v\"]";
        assertEquals("missingValues has 65 values; at most 64 are read",
                rejected("{\"missingValues\":" + sixtyFive + ",\"fields\":[{\"name\":\"f\"}]}").getMessage());
        assertEquals("field 'f': missingValues has 65 values; at most 64 are read",
                rejected("{\"fields\":[{\"name\":\"f\",\"missingValues\":" + sixtyFive + "}]}").getMessage());
        assertEquals("field 'f': trueValues has 65 values; at most 64 are read",
                rejected("{\"fields\":[{\"name\":\"f\",\"type\":\"boolean\",\"trueValues\":" + sixtyFive + "}]}").getMessage());
        assertEquals(1, schema("{\"missingValues\":" + sixtyFour + ",\"fields\":[{\"name\":\"f\",\"type\":\"boolean\","
                + "\"falseValues\":" + sixtyFour.replace("v", "w") + "}]}").fields().size());
    }

    /// A schema's parse tree takes ~80 bytes a JSON value: a 1 MiB array of zeros took ~41 MB.
    @Test
    void aSchemaHoldsAtMostFiftyThousandJsonValues() {
        // The root, "fields", the field, its name and type, "constraints" and "enum": 7 + the entries.
        String fifty = "{\"fields\":[{\"name\":\"f\",\"type\":\"integer\",\"constraints\":{\"enum\":["
                + "0,".repeat(49_992) + "0]}}]}";
        assertEquals(1, schema(fifty).fields().size());
        String over = fifty.replace("[0,", "[0,0,");
        assertEquals("schema holds more than 50000 JSON values (objects, arrays, strings, numbers); at most 50000 are read",
                rejected(over).getMessage());
    }

    @Test
    void aJsonSchemaJacksonCannotReadIsAnInvalidSchemaNotABug() {
        String name = "x".repeat(50_001);
        String message = rejected("{\"fields\":[{\"name\":\"o\",\"type\":\"object\",\"constraints\":{\"jsonSchema\":"
                + "{\"properties\":{\"" + name + "\":{}}}}}]}").getMessage();
        assertTrue(message.startsWith("field 'o': jsonSchema cannot be read: "), message.substring(0, 80));
    }
}
