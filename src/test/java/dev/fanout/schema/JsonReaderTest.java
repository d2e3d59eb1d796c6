package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fanout.schema.JsonReader.MalformedJsonException;
import dev.fanout.schema.JsonValue.Num;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/// [JsonReader] on documents chosen one by one: what it reads, and what it refuses with which
/// message and where. `JsonReaderPropertyTest` holds it to jackson-core on random documents.
class JsonReaderTest {
    private static JsonValue read(String json) throws MalformedJsonException {
        return JsonReader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(String json) {
        return refusal(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String refusal(byte[] json) {
        return assertThrows(MalformedJsonException.class, () -> JsonReader.read(json)).getMessage();
    }

    @Test
    void readsEveryKindOfValue() throws Exception {
        JsonValue value = read(" {\"a\" : [1, -0, 2.50, 1E+3, -1.5e-3, 0.0, true, false, null, \"x\\\"\\u00e9\\n\\/\"],\r\n"
                + "\t\"b\":{}, \"c\":[], \"é李😀\":\"é李😀\"} ");
        assertEquals("{\"a\":[1,0,2.5,1E+3,-0.0015,0,true,false,null,\"x\\\"é\\n/\"],\"b\":{},\"c\":[],"
                + "\"é李😀\":\"é李😀\"}", value.json());
        assertEquals(new Num(BigInteger.ONE), value.get("a").get(0));
        assertEquals(new Num(new BigDecimal("2.5")), value.get("a").get(2));
        assertEquals("é李😀", value.get("é李😀").textValue());
    }

    @Test
    void nothingButWhiteSpaceIsMissing() throws Exception {
        assertSame(JsonValue.MISSING, read(""));
        assertSame(JsonValue.MISSING, read(" \r\n\t"));
    }

    @Test
    void aByteOrderMarkIsSkipped() throws Exception {
        byte[] json = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF, '[', '1', ']'};
        assertEquals("[1]", JsonReader.read(json).json());
    }

    @Test
    void integersAreBigIntegersWhateverTheirSize() throws Exception {
        String big = "123456789012345678901234567890";
        assertEquals(new Num(new BigInteger("-" + big)), read("-" + big));
    }

    @Test
    void nestingAndNumberLengthStopAtJacksonsLimits() throws Exception {
        int limit = JsonReader.MAX_DEPTH;
        assertInstanceOf(JsonValue.Arr.class, read("[".repeat(limit) + "]".repeat(limit)));
        assertEquals("Document nesting depth exceeds the maximum allowed (1000) (line 1, column 1001)",
                refusal("[".repeat(limit + 1) + "]".repeat(limit + 1)));
        assertEquals("Document nesting depth exceeds the maximum allowed (1000) (line 1, column 2601)",
                refusal("{\"a\":".repeat(400) + "[".repeat(601)));
        String digits = "9".repeat(JsonReader.MAX_NUMBER_LENGTH);
        assertEquals(new Num(new BigInteger(digits)), read(digits));
        assertEquals("Number length (1001) exceeds the maximum allowed (1000) (line 1, column 1002)",
                refusal("-" + digits));
    }

    static Stream<Arguments> refusals() {
        return Stream.of(
                Arguments.of("{", "Unexpected end-of-input: expected a field name (line 1, column 2)"),
                Arguments.of("[1,", "Unexpected end-of-input: expected a value (line 1, column 4)"),
                Arguments.of("[1", "Unexpected end-of-input: expected ',' or ']' (line 1, column 3)"),
                Arguments.of("{\"a\"", "Unexpected end-of-input: expected ':' (line 1, column 5)"),
                Arguments.of("\"abc", "Unexpected end-of-input: expected the end of a string (line 1, column 5)"),
                Arguments.of("\"é\\", "Unexpected end-of-input: expected an escape (line 1, column 4)"),
                Arguments.of("[}", "Unexpected close marker '}': expected ']' (line 1, column 2)"),
                Arguments.of("[1}", "Unexpected close marker '}': expected ']' (line 1, column 3)"),
                Arguments.of("{\"a\":1]", "Unexpected close marker ']': expected '}' (line 1, column 7)"),
                Arguments.of("{]", "Unexpected close marker ']': expected '}' (line 1, column 2)"),
                Arguments.of("[1,]", "Unexpected character ']' (code 93): expected a value (line 1, column 4)"),
                Arguments.of("{\"a\":1,}", "Unexpected character '}' (code 125): expected a double-quoted field name "
                        + "(line 1, column 8)"),
                Arguments.of("{'a':1}", "Unexpected character ''' (code 39): expected a double-quoted field name "
                        + "(line 1, column 2)"),
                Arguments.of("{\"a\" 1}", "Unexpected character '1' (code 49): expected ':' after a field name "
                        + "(line 1, column 6)"),
                Arguments.of("[1 2]", "Unexpected character '2' (code 50): expected ',' or ']' (line 1, column 4)"),
                Arguments.of("{} {}", "Unexpected character '{' (code 123): after the document (line 1, column 4)"),
                Arguments.of("tru", "Unexpected end-of-input: expected 'true' (line 1, column 4)"),
                Arguments.of("[nul1]", "Unexpected character '1' (code 49): expected 'null' (line 1, column 5)"),
                Arguments.of("NaN", "Unexpected character 'N' (code 78): expected a value (line 1, column 1)"),
                Arguments.of("[-Infinity]", "Unexpected character 'I' (code 73): expected a digit (line 1, column 3)"),
                Arguments.of("01", "Leading zeros are not allowed in a number (line 1, column 2)"),
                Arguments.of("[1.]", "Unexpected character ']' (code 93): expected a digit after the decimal point "
                        + "(line 1, column 4)"),
                Arguments.of("[.5]", "Unexpected character '.' (code 46): expected a value (line 1, column 2)"),
                Arguments.of("1e", "Unexpected end-of-input: expected a digit in the exponent (line 1, column 3)"),
                Arguments.of("1e+x", "Unexpected character 'x' (code 120): expected a digit in the exponent "
                        + "(line 1, column 4)"),
                Arguments.of("1e9999999999", "A number's exponent is out of range (line 1, column 13)"),
                Arguments.of("{\"a\":1,\"a\":2}", "Duplicate field 'a' (line 1, column 11)"),
                Arguments.of("\"a\tb\"", "Illegal unescaped control character (code 9) in a string: it must be "
                        + "escaped (line 1, column 3)"),
                Arguments.of("\"\\x\"", "Unexpected character 'x' (code 120): not an escape (\\\", \\\\, \\/, \\b, "
                        + "\\f, \\n, \\r, \\t or \\uXXXX) (line 1, column 3)"),
                Arguments.of("\"\\u12g4\"", "Unexpected character 'g' (code 103): expected a hex digit of a \\u escape "
                        + "(line 1, column 6)"),
                Arguments.of("[\"\\uDC00\"]", "A string holds an unpaired surrogate (\\uDC00) (line 1, column 10)"),
                Arguments.of("\"\\uD83D\\u0041\"", "A string holds an unpaired surrogate (\\uD83D) (line 1, column 15)"),
                // Lines end at \n, \r\n or a lone \r; columns count characters, not bytes.
                Arguments.of("{\r\n\"é李😀\":\n1,\r\"b\" x}", "Unexpected character 'x' (code 120): expected ':' after a "
                        + "field name (line 4, column 5)"),
                Arguments.of("[\"é\", “quoted”]", "Unexpected character '“' (U+201C): expected a value "
                        + "(line 1, column 7)"),
                Arguments.of("\u0000", "Unexpected character (code 0): expected a value (line 1, column 1)"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("refusals")
    void refusesWithWhatAndWhere(String json, String message) {
        assertEquals(message, refusal(json));
    }

    static Stream<Arguments> malformedUtf8() {
        return Stream.of(
                Arguments.of(new byte[] {'"', (byte) 0xC3, '"'},
                        "Invalid UTF-8 (a sequence from byte 0xC3) (line 1, column 2)"),
                Arguments.of(new byte[] {'"', (byte) 0xC0, (byte) 0x80, '"'},
                        "Invalid UTF-8 (a sequence from byte 0xC0) (line 1, column 2)"),
                // Overlong, an encoded surrogate, beyond U+10FFFF: what jackson-core decodes anyway.
                Arguments.of(new byte[] {'"', (byte) 0xE0, (byte) 0x80, (byte) 0x80, '"'},
                        "Invalid UTF-8 (a sequence from byte 0xE0) (line 1, column 2)"),
                Arguments.of(new byte[] {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},
                        "Invalid UTF-8 (a sequence from byte 0xED) (line 1, column 2)"),
                Arguments.of(new byte[] {'"', (byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80, '"'},
                        "Invalid UTF-8 (a sequence from byte 0xF4) (line 1, column 2)"),
                Arguments.of(new byte[] {'"', (byte) 0x80, '"'},
                        "Invalid UTF-8 (a sequence from byte 0x80) (line 1, column 2)"),
                Arguments.of(new byte[] {'"', (byte) 0xE2, (byte) 0x82}, "Unexpected end-of-input: expected the rest "
                        + "of a UTF-8 sequence (line 1, column 3)"),
                Arguments.of(new byte[] {'[', (byte) 0xFF, ']'},
                        "Invalid UTF-8 (a sequence from byte 0xFF) (line 1, column 2)"));
    }

    @ParameterizedTest
    @MethodSource("malformedUtf8")
    void stringsMustBeWellFormedUtf8(byte[] json, String message) {
        assertEquals(message, refusal(json));
    }

    @Test
    void aProblemSaysWhatApartFromWhere() {
        MalformedJsonException e = assertThrows(MalformedJsonException.class,
                () -> read("{\n  \"a\": 1,\n  \"a\": 2\n}"));
        assertEquals("Duplicate field 'a'", e.problem());
        assertEquals(3, e.line());
        assertEquals(6, e.column());
    }
}
