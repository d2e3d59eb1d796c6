package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.check;
import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static dev.fanout.schema.FieldFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IntegerFieldTest {
    private final Field plain = field("{\"name\":\"n\",\"type\":\"integer\"}");
    private final Field grouped = field("{\"name\":\"n\",\"type\":\"integer\",\"groupChar\":\",\"}");
    private final Field notBare = field("{\"name\":\"n\",\"type\":\"integer\",\"bareNumber\":false}");
    private static final ObjectMapper JSON = new ObjectMapper();

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("0", "0"),
                Arguments.of("42", "42"),
                Arguments.of("-17", "-17"),
                Arguments.of("+5", "5"),
                Arguments.of("007", "7"),
                Arguments.of("-007", "-7"),
                Arguments.of("-0", "0"),
                Arguments.of("+0", "0"),
                Arguments.of("000", "0"),
                Arguments.of("9223372036854775808", "9223372036854775808"),
                Arguments.of("-123456789012345678901234567890", "-123456789012345678901234567890"));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @MethodSource("accepted")
    void castsToCanonicalDigits(String raw, String canonical) throws Exception {
        assertEquals(canonical, valid(plain, raw));
        assertTrue(JSON.readTree(canonical).isIntegralNumber(), "valid JSON integer");
    }

    static Stream<String> rejected() {
        return Stream.of(" 12 ", "12 ", " 12", "1_000", "1,000", "1.0", "1e3", "abc", "-", "+", "", "0x1F",
                "١٢", "12a", "--1", "+-1", "NaN", "INF");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("rejected")
    void rejectsAnythingElseAsATypeError(String raw) {
        assertEquals("\"" + raw + "\" is not an integer", invalid(plain, raw, ErrorCode.TYPE));
        assertSame(raw, check(plain, raw).value(), "the raw cell is returned on failure");
    }

    static Stream<Arguments> grouped() {
        return Stream.of(
                Arguments.of("1,000", "1000"),
                Arguments.of("-1,234,567", "-1234567"),
                Arguments.of("1,00,000", "100000"),
                Arguments.of("1000", "1000"));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @MethodSource("grouped")
    void honoursGroupChar(String raw, String canonical) {
        assertEquals(canonical, valid(grouped, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource
    void groupCharOnlyBetweenDigits(String raw) {
        invalid(grouped, raw, ErrorCode.TYPE);
    }

    static Stream<String> groupCharOnlyBetweenDigits() {
        return Stream.of(",100", "100,", "1,,000", "-,1", "1.000");
    }

    static Stream<Arguments> stripped() {
        return Stream.of(
                Arguments.of("$5", "5"),
                Arguments.of("5%", "5"),
                Arguments.of("EUR 12", "12"),
                Arguments.of(" 12 ", "12"),
                Arguments.of("-3 pcs", "-3"));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @MethodSource("stripped")
    void bareNumberFalseStripsSurroundingText(String raw, String canonical) {
        assertEquals(canonical, valid(notBare, raw));
    }

    @Test
    void bareNumberFalseStillNeedsDigits() {
        invalid(notBare, "EUR", ErrorCode.TYPE);
        invalid(notBare, "1.5", ErrorCode.TYPE);
    }

    @Test
    void canonicalCellIsReusedAsTheJsonText() {
        String raw = "12345";
        assertSame(raw, ((JsonNumber) check(plain, raw).value()).text());
    }

    @Test
    void uniqueKeysOfEqualIntegersAreEqual() {
        assertEquals(plain.uniqueKey(check(plain, "007").value()), plain.uniqueKey(check(plain, "+7").value()));
        assertEquals(plain.uniqueKey(check(plain, "-0").value()), plain.uniqueKey(check(plain, "0").value()));
    }

    @Property(tries = 300)
    void anyIntegerWithSignAndLeadingZerosCastsToItsValue(@ForAll BigInteger value,
            @ForAll @IntRange(max = 3) int zeros, @ForAll boolean plus) {
        String digits = "0".repeat(zeros) + value.abs();
        String raw = (value.signum() < 0 ? "-" : plus ? "+" : "") + digits;
        assertEquals(value.toString(), valid(plain, raw));
    }

    @Property(tries = 200)
    void integerOrderMatchesBigIntegerOrder(@ForAll BigInteger a, @ForAll BigInteger b) {
        assertEquals(Integer.signum(a.compareTo(b)),
                Integer.signum(IntegerCaster.compareCanonical(a.toString(), b.toString())));
    }
}
