package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.check;
import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static dev.fanout.schema.FieldFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class NumberFieldTest {
    private final Field plain = field("{\"name\":\"x\",\"type\":\"number\"}");
    private final Field european = field(
            "{\"name\":\"x\",\"type\":\"number\",\"decimalChar\":\",\",\"groupChar\":\".\"}");
    private final Field grouped = field("{\"name\":\"x\",\"type\":\"number\",\"groupChar\":\",\"}");
    private static final String CURRENCY = "{\"name\":\"x\",\"type\":\"number\",\"bareNumber\":false,\"groupChar\":\",\"}";
    private static final String EUROPEAN_CURRENCY = "{\"name\":\"x\",\"type\":\"number\",\"bareNumber\":false,"
            + "\"decimalChar\":\",\",\"groupChar\":\".\"}";
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("1.50", "1.50"),
                Arguments.of("0", "0"),
                Arguments.of("-3.14", "-3.14"),
                Arguments.of("+1.5", "1.5"),
                Arguments.of(".5", "0.5"),
                Arguments.of("-.5", "-0.5"),
                Arguments.of("5.", "5"),
                Arguments.of("007.50", "7.50"),
                Arguments.of("00.5", "0.5"),
                Arguments.of("-0", "0"),
                Arguments.of("-0.0", "0.0"),
                Arguments.of("1e3", "1e3"),
                Arguments.of("1E+03", "1E+03"),
                Arguments.of("2.5e-7", "2.5e-7"),
                Arguments.of("+.5e1", "0.5e1"),
                Arguments.of("123456789012345678901234567890.000000000000000000001",
                        "123456789012345678901234567890.000000000000000000001"));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @MethodSource("accepted")
    void castsToJsonTextKeepingDigits(String raw, String canonical) throws Exception {
        assertEquals(canonical, valid(plain, raw));
        JsonNode parsed = JSON.readTree(canonical);
        assertTrue(parsed.isNumber(), "valid JSON number: " + canonical);
        assertEquals(0, new BigDecimal(raw.replace("+.", "0.").replace("-.", "-0.").replaceFirst("^\\.", "0."))
                .compareTo(new BigDecimal(canonical)), "same value");
    }

    static Stream<Arguments> specials() {
        return Stream.of(
                Arguments.of("NaN", "NaN"),
                Arguments.of("nan", "NaN"),
                Arguments.of("INF", "INF"),
                Arguments.of("inf", "INF"),
                Arguments.of("+INF", "INF"),
                Arguments.of("-INF", "-INF"),
                Arguments.of("-Inf", "-INF"));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @MethodSource("specials")
    void notANumberAndInfinitiesBecomeTheirStrings(String raw, String expected) {
        assertEquals(expected, check(plain, raw).value());
        assertEquals(expected, valid(plain, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource
    void rejectsAnythingElseAsATypeError(String raw) {
        assertEquals("\"" + raw + "\" is not a number", invalid(plain, raw, ErrorCode.TYPE));
    }

    static Stream<String> rejectsAnythingElseAsATypeError() {
        return Stream.of(".", "-", "e5", "1e", "1e+", "1.2.3", " 1.5", "1.5 ", "1,5", "1_000.5", "$1.5", "1.5%",
                "0x10", "Infinity", "1..2", "--1", "1e5.5");
    }

    @Test
    void hugeExponentsAreOutOfRange() {
        assertEquals("\"1e1234567890\" is not a number in range (the exponent has more than nine digits)",
                invalid(plain, "1e1234567890", ErrorCode.TYPE));
        assertEquals("1e000000000999999999", valid(plain, "1e000000000999999999"));
    }

    static Stream<Arguments> european() {
        return Stream.of(
                Arguments.of("1.234,5", "1234.5"),
                Arguments.of("3,14", "3.14"),
                Arguments.of("-1.000.000,00", "-1000000.00"),
                Arguments.of("42", "42"));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @MethodSource("european")
    void honoursDecimalCharAndGroupChar(String raw, String canonical) {
        assertEquals(canonical, valid(european, raw));
    }

    @Test
    void groupCharIsNotAllowedInTheFraction() {
        invalid(grouped, "1.000,5", ErrorCode.TYPE);
        assertEquals("1000.5", valid(grouped, "1,000.5"));
        invalid(european, "1,5.5", ErrorCode.TYPE);
        // Group characters are not checked for groups of three, so "1.5" is fifteen here.
        assertEquals("15", valid(european, "1.5"));
    }

    static Stream<Arguments> stripped() {
        return Stream.of(
                Arguments.of(CURRENCY, "$1,000.00", "1000.00"),
                Arguments.of(CURRENCY, "95%", "95"),
                Arguments.of(CURRENCY, "EUR 3", "3"),
                Arguments.of(CURRENCY, "-7.5 kg", "-7.5"),
                Arguments.of(CURRENCY, "USD .5", "0.5"),
                Arguments.of(EUROPEAN_CURRENCY, "€ 1.000,00", "1000.00"),
                Arguments.of(EUROPEAN_CURRENCY, "1.000,00 €", "1000.00"));
    }

    @ParameterizedTest(name = "\"{1}\" → {2}")
    @MethodSource("stripped")
    void bareNumberFalseStripsSurroundingText(String fieldJson, String raw, String canonical) {
        assertEquals(canonical, valid(field(fieldJson), raw));
    }

    @Test
    void uniqueKeyTreatsEqualValuesAsEqual() {
        Object one = plain.uniqueKey(check(plain, "1.0").value());
        assertEquals(one, plain.uniqueKey(check(plain, "1.00").value()));
        assertEquals(one, plain.uniqueKey(check(plain, "1").value()));
        assertEquals(one, plain.uniqueKey(check(plain, "0.1e1").value()));
        assertEquals(plain.uniqueKey(check(plain, "1e3").value()), plain.uniqueKey(check(plain, "1000").value()));
        assertEquals(plain.uniqueKey(check(plain, "0.00").value()), plain.uniqueKey(check(plain, "-0").value()));
        assertNotEquals(one, plain.uniqueKey(check(plain, "1.01").value()));
        assertEquals(plain.uniqueKey(check(plain, "nan").value()), plain.uniqueKey(check(plain, "NaN").value()));
        assertNotEquals(plain.uniqueKey(check(plain, "INF").value()), plain.uniqueKey(check(plain, "-INF").value()));
    }

    @Property(tries = 300)
    void everyBigDecimalRoundTripsToAnEqualValue(@ForAll BigDecimal value) {
        String canonical = (String) valid(plain, value.toString());
        assertEquals(0, value.compareTo(new BigDecimal(canonical)));
        assertEquals(value.stripTrailingZeros(), plain.uniqueKey(new JsonNumber(canonical)));
    }
}
