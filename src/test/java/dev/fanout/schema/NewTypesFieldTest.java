package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.check;
import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static dev.fanout.schema.FieldFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/// Casting tables for the types beyond the original subset: `any`, `yearmonth`, `duration` and
/// string `format: binary`. The JSON types have [JsonFieldTest] and `list` [ListFieldTest].
class NewTypesFieldTest {
    private final Field any = field("{\"name\":\"a\",\"type\":\"any\"}");
    private final Field yearmonth = field("{\"name\":\"ym\",\"type\":\"yearmonth\"}");
    private final Field duration = field("{\"name\":\"d\",\"type\":\"duration\"}");
    private final Field binary = field("{\"name\":\"b\",\"type\":\"string\",\"format\":\"binary\"}");

    private static Field bounded(String type, String constraints) {
        return field("{\"name\":\"f\",\"type\":\"" + type + "\",\"constraints\":" + constraints + "}");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"anything", "1", "true", "2024-03-15", "[1, 2]", "{\"a\":1}", " spaced ", "ünï 🎉"})
    void anyAcceptsEveryCellAsItsOwnText(String raw) {
        assertSame(raw, check(any, raw).value());
        assertEquals(FieldType.ANY, any.type());
    }

    @Test
    void anyTakesEnumComparedAsText() {
        Field f = bounded("any", "{\"enum\":[\"1\",\"x\"]}");
        assertEquals("1", valid(f, "1"));
        assertEquals("\"1.0\" is not one of [1, x]", invalid(f, "1.0", ErrorCode.ENUM));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2024-03", "0001-01", "9999-12", "2000-10"})
    void yearMonthsAreKeptAsWritten(String raw) {
        assertSame(raw, check(yearmonth, raw).value());
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource(delimiter = '|', value = {
        "2024-3 | is not a year and month (YYYY-MM)",
        "2024-03-01 | is not a year and month (YYYY-MM)",
        "202403 | is not a year and month (YYYY-MM)",
        "24-03 | is not a year and month (YYYY-MM)",
        "2024/03 | is not a year and month (YYYY-MM)",
        "2024-13 | is not a valid year and month: month 13 is out of range",
        "2024-00 | is not a valid year and month: month 0 is out of range"})
    void malformedYearMonthsAreTypeErrors(String raw, String problem) {
        assertEquals("\"" + raw + "\" " + problem, invalid(yearmonth, raw, ErrorCode.TYPE));
    }

    @Test
    void yearMonthsHaveMinimumMaximumAndEnum() {
        Field f = bounded("yearmonth", "{\"minimum\":\"2024-02\",\"maximum\":\"2024-11\"}");
        assertEquals("2024-02", valid(f, "2024-02"));
        assertEquals("2024-11", valid(f, "2024-11"));
        assertEquals("\"2024-01\" is below the minimum 2024-02", invalid(f, "2024-01", ErrorCode.MINIMUM));
        assertEquals("\"2024-12\" is above the maximum 2024-11", invalid(f, "2024-12", ErrorCode.MAXIMUM));
        Field e = bounded("yearmonth", "{\"enum\":[\"2024-01\"]}");
        invalid(e, "2024-02", ErrorCode.ENUM);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"P1Y2M3DT4H5M6.5S", "P1Y", "P2M", "P3W", "P4D", "PT5H", "PT6M", "PT7S", "PT0.5H",
        "PT1,5S", "-P1D", "+P1D", "P1W2D", "P0D", "PT36H", "P999999999Y", "P1DT0.000000001S"})
    void isoDurationsAreKeptAsWritten(String raw) {
        assertSame(raw, check(duration, raw).value());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"P", "PT", "P1DT", "1D", "P1", "P1H", "PT1D", "P1M1Y", "PT1S1M", "P1.5Y", "P1.5M",
        "P1.5DT1H", "PT0.5M1S", "P.5D", "P1.D", "p1d", "P1d", "P 1D", " P1D", "P1D ", "--P1D", "P-1D",
        "P1234567890D", "P1Y1Y", "PT1H1H", "P1DT1HT1M"})
    void otherDurationsAreTypeErrors(String raw) {
        assertEquals("\"" + raw + "\" is not an ISO-8601 duration (like P1Y2M3DT4H5M6.5S)",
                invalid(duration, raw, ErrorCode.TYPE));
    }

    /// Durations are equal when their months and their seconds are: a day is 86,400 seconds,
    /// a year 12 months; a month is not a number of days.
    @Test
    void durationEqualityIsMonthsAndSeconds() {
        assertEquals(duration.uniqueKey("P1D"), duration.uniqueKey("PT24H"));
        assertEquals(duration.uniqueKey("P1Y"), duration.uniqueKey("P12M"));
        assertEquals(duration.uniqueKey("PT1.50S"), duration.uniqueKey("PT1,5S"));
        assertEquals(duration.uniqueKey("P1W"), duration.uniqueKey("P7D"));
        assertEquals(duration.uniqueKey("P0D"), duration.uniqueKey("-PT0S"));
        assertNotEquals(duration.uniqueKey("P1M"), duration.uniqueKey("P30D"));
        Field e = bounded("duration", "{\"enum\":[\"PT24H\"]}");
        assertEquals("P1D", valid(e, "P1D"));
        assertEquals("\"P2D\" is not one of [PT24H]", invalid(e, "P2D", ErrorCode.ENUM));
    }

    /// The order of XML Schema: against each of four start dates, a month is 28 to 31 days.
    @ParameterizedTest(name = "{0} vs {1} → {2}")
    @CsvSource({"P1M, P27D, 1", "P1M, P28D, 1", "P1M, P32D, -1", "P1M, P31D, -1", "P1M, P30D, U", "P1M, P29D, U",
        "P1Y, P365D, 1", "P1Y, P366D, -1", "P1Y, P367D, -1", "P1D, PT24H, 0", "PT1H, PT59M, 1", "-P1D, P0D, -1",
        "P2M, P59D, 1", "P2M, P62D, -1", "P2M, P61D, U", "P1Y1M, P1Y, 1", "PT0.5S, PT0.4S, 1"})
    void durationOrderIsXmlSchemas(String left, String right, String expected) {
        int order = new DurationCaster().compare(left, right);
        assertEquals(expected, order == Caster.UNORDERED ? "U" : String.valueOf(Integer.signum(order)));
        int reverse = new DurationCaster().compare(right, left);
        assertEquals(order == Caster.UNORDERED ? Caster.UNORDERED : -Integer.signum(order),
                reverse == Caster.UNORDERED ? reverse : Integer.signum(reverse));
    }

    @Test
    void durationBoundsFailValuesWithoutAnOrderAgainstThem() {
        Field f = bounded("duration", "{\"minimum\":\"P1M\",\"maximum\":\"P1Y\"}");
        assertEquals("P31D", valid(f, "P31D"));
        assertEquals("P365D", valid(f, "P365D"));
        assertEquals("P12M", valid(f, "P12M"));
        assertEquals("\"P27D\" is below the minimum P1M", invalid(f, "P27D", ErrorCode.MINIMUM));
        assertEquals("\"P30D\" cannot be ordered against the minimum P1M: it is longer than it in some months "
                + "and shorter in others", invalid(f, "P30D", ErrorCode.MINIMUM));
        assertEquals("\"P366D\" is above the maximum P1Y", invalid(f, "P366D", ErrorCode.MAXIMUM));
        Field days = bounded("duration", "{\"maximum\":\"P30D\"}");
        assertEquals("\"P1M\" cannot be ordered against the maximum P30D: it is longer than it in some months "
                + "and shorter in others", invalid(days, "P1M", ErrorCode.MAXIMUM));
        // A minimum without an order against the maximum is allowed: some values lie between.
        bounded("duration", "{\"minimum\":\"P30D\",\"maximum\":\"P1M\"}");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"aGVsbG8=", "aGVsbG8h", "aGk=", "YQ==", "+/+/", "AAAA"})
    void base64IsKeptAsText(String raw) {
        assertSame(raw, check(binary, raw).value());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"aGVsbG8", "a", "YQ=", "Y===", "=AAA", "AA=A", "aGk-", "aGk_", "aGVs bG8=", "aGVsbG8=\n",
        "éééé"})
    void otherTextIsAFormatError(String raw) {
        assertEquals("\"" + raw + "\" is not valid base64 (RFC 4648: A-Z, a-z, 0-9, + and /, padded with = to a "
                + "multiple of 4)", invalid(binary, raw, ErrorCode.FORMAT));
    }

    @Test
    void newTypesCastTheirBoundsWithTheirOwnCaster() {
        List<Violation> violations = new ArrayList<>();
        assertEquals("2024-03", yearmonth.check("2024-03", violations));
        assertEquals(List.of(), violations);
    }
}
