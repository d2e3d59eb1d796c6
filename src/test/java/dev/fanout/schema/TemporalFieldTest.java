package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.check;
import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static dev.fanout.schema.FieldFixture.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class TemporalFieldTest {
    private final Field date = field("{\"name\":\"d\",\"type\":\"date\"}");
    private final Field time = field("{\"name\":\"t\",\"type\":\"time\"}");
    private final Field datetime = field("{\"name\":\"dt\",\"type\":\"datetime\"}");
    private final Field year = field("{\"name\":\"y\",\"type\":\"year\"}");

    private static Field typed(String type, String format) {
        return field("{\"name\":\"f\",\"type\":\"" + type + "\",\"format\":\"" + format + "\"}");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2024-03-15", "2024-02-29", "0001-01-01", "9999-12-31", "2000-02-29"})
    void isoDatesAreKeptAsWritten(String raw) {
        assertSame(raw, check(date, raw).value());
        assertEquals(raw, valid(date, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2024-3-15", "15/03/2024", "2024-03-15T00:00:00", "20240315", " 2024-03-15", "24-03-15",
        "2024/03/15", "+2024-03-15"})
    void malformedDatesAreTypeErrors(String raw) {
        assertEquals("\"" + raw + "\" is not a date in the format YYYY-MM-DD", invalid(date, raw, ErrorCode.TYPE));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource(delimiter = '|', value = {
        "2023-02-29 | is not a valid date: 2023-02 has no day 29",
        "1900-02-29 | is not a valid date: 1900-02 has no day 29",
        "2024-04-31 | is not a valid date: 2024-04 has no day 31",
        "2024-13-01 | is not a valid date: month 13 is out of range",
        "2024-00-10 | is not a valid date: month 0 is out of range",
        "2024-01-00 | is not a valid date: 2024-01 has no day 0"})
    void impossibleDatesAreTypeErrors(String raw, String problem) {
        assertEquals("\"" + raw + "\" " + problem, invalid(date, raw, ErrorCode.TYPE));
    }

    @Test
    void anyIsTreatedAsDefault() {
        Field any = typed("date", "any");
        assertEquals("any", any.format());
        assertEquals("2024-03-15", valid(any, "2024-03-15"));
        invalid(any, "15/03/2024", ErrorCode.TYPE);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"00:00:00", "23:59:59", "12:30:00.5", "12:30:00.123456789"})
    void isoTimes(String raw) {
        assertEquals(raw, valid(time, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"24:00:00", "12:60:00", "12:00:60", "12:00", "12:00:00.", "12:00:00.1234567890",
        "12:00:00Z", "1:00:00", "T12:00:00"})
    void rejectedTimes(String raw) {
        invalid(time, raw, ErrorCode.TYPE);
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2024-03-15T10:20:30", "2024-03-15T10:20:30Z", "2024-03-15T10:20:30.25+05:30",
        "2024-03-15T10:20:30-08:00", "2024-12-31T23:59:59.999999999Z"})
    void isoDatetimesWithOptionalFractionAndOffset(String raw) {
        assertEquals(raw, valid(datetime, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2024-03-15 10:20:30", "2024-03-15", "2024-03-15T10:20", "2024-03-15T10:20:30+0530",
        "2024-03-15T10:20:30z", "2024-03-15T10:20:30+05", "2023-02-29T10:00:00", "2024-03-15T25:00:00",
        "2024-03-15T10:20:30+19:00", "2024-03-15t10:20:30"})
    void rejectedDatetimes(String raw) {
        invalid(datetime, raw, ErrorCode.TYPE);
    }

    /// Offsets are accepted up to ±18:00, as `java.time` does.
    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2024-03-15T10:20:30+18:00", "2024-03-15T10:20:30-18:00", "2024-03-15T10:20:30+17:59",
        "2024-03-15T10:20:30+00:00", "2024-03-15T10:20:30-00:59"})
    void offsetsUpToEighteenHours(String raw) {
        assertEquals(raw, valid(datetime, raw));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @CsvSource(delimiter = '|', value = {
        "2024-03-15T10:20:30+18:01 | offset 18:01 is out of range",
        "2024-03-15T10:20:30-19:00 | offset 19:00 is out of range",
        "2024-03-15T10:20:30+05:60 | offset 05:60 is out of range"})
    void offsetsBeyondEighteenHoursAreTypeErrors(String raw, String problem) {
        assertEquals("\"" + raw + "\" is not a valid datetime: " + problem, invalid(datetime, raw, ErrorCode.TYPE));
    }

    /// With no missing values, an empty cell is checked like any other, and is no date or time.
    @Test
    void anEmptyCellIsNoDateTimeOrYear() {
        for (String type : new String[] {"date", "time", "datetime", "year"}) {
            Field field = FieldFixture.schema("{\"fields\":[{\"name\":\"f\",\"type\":\"" + type + "\"}],"
                    + "\"missingValues\":[]}").fields().getFirst();
            invalid(field, "", ErrorCode.TYPE);
        }
    }

    @Test
    void datetimeUniqueKeysCompareInstantsAcrossNegativeOffsets() {
        Object utc = datetime.uniqueKey(check(datetime, "2024-03-15T10:00:00Z").value());
        assertEquals(utc, datetime.uniqueKey(check(datetime, "2024-03-15T05:00:00-05:00").value()));
        assertEquals(utc, datetime.uniqueKey(check(datetime, "2024-03-15T15:30:00+05:30").value()));
        assertEquals(utc, datetime.uniqueKey(check(datetime, "2024-03-14T23:59:00-10:01").value()));
        assertNotEquals(utc, datetime.uniqueKey(check(datetime, "2024-03-15T10:00:00-00:01").value()));
    }

    @Test
    void aZeroOffsetIsWrittenWithAPlus() {
        Field field = typed("datetime", "%Y-%m-%d %H:%M %z");
        assertEquals("2024-03-15T10:20:00+00:00", valid(field, "2024-03-15 10:20 +0000"));
        assertEquals("2024-03-15T10:20:00+00:00", valid(field, "2024-03-15 10:20 -00:00"));
        assertEquals("2024-03-15T10:20:00-00:30", valid(field, "2024-03-15 10:20 -0030"));
    }

    @Test
    void datetimeMessagesAreSpecific() {
        assertEquals("\"2024-03-15 10:20:30\" is not a datetime in the format "
                + "YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]", invalid(datetime, "2024-03-15 10:20:30", ErrorCode.TYPE));
        assertEquals("\"2024-03-15T10:20:30+19:00\" is not a valid datetime: offset 19:00 is out of range",
                invalid(datetime, "2024-03-15T10:20:30+19:00", ErrorCode.TYPE));
        assertEquals("\"2024-03-15T24:00:00\" is not a valid datetime: hour 24 is out of range",
                invalid(datetime, "2024-03-15T24:00:00", ErrorCode.TYPE));
    }

    static Stream<Arguments> strptime() {
        return Stream.of(
                Arguments.of("date", "%d/%m/%Y", "15/03/2024", "2024-03-15"),
                Arguments.of("date", "%d/%m/%Y", "5/3/2024", "2024-03-05"),
                Arguments.of("date", "%m/%d/%y", "03/15/24", "2024-03-15"),
                Arguments.of("date", "%m/%d/%y", "03/15/69", "1969-03-15"),
                Arguments.of("date", "%m/%d/%y", "03/15/68", "2068-03-15"),
                Arguments.of("date", "%Y%m%d", "20240315", "2024-03-15"),
                Arguments.of("date", "%d %b %Y", "15 Mar 2024", "2024-03-15"),
                Arguments.of("date", "%d %b %Y", "15 mar 2024", "2024-03-15"),
                Arguments.of("date", "%B %d, %Y", "September 1, 2024", "2024-09-01"),
                Arguments.of("date", "%Y-%j", "2024-060", "2024-02-29"),
                Arguments.of("date", "%Y-%j", "2023-365", "2023-12-31"),
                Arguments.of("date", "%Y-%j", "2024-1", "2024-01-01"),
                Arguments.of("date", "100%% %Y-%m-%d", "100% 2024-03-15", "2024-03-15"),
                Arguments.of("time", "%H:%M", "9:05", "09:05:00"),
                Arguments.of("time", "%I:%M %p", "12:30 AM", "00:30:00"),
                Arguments.of("time", "%I:%M %p", "12:30 pm", "12:30:00"),
                Arguments.of("time", "%I:%M %p", "1:30 PM", "13:30:00"),
                Arguments.of("time", "%H:%M:%S.%f", "10:20:30.5", "10:20:30.5"),
                Arguments.of("time", "%H:%M:%S.%f", "10:20:30.000123", "10:20:30.000123"),
                Arguments.of("datetime", "%d/%m/%Y %H:%M", "15/03/2024 10:20", "2024-03-15T10:20:00"),
                Arguments.of("datetime", "%Y-%m-%d %H:%M:%S %z", "2024-03-15 10:20:30 +0530",
                        "2024-03-15T10:20:30+05:30"),
                Arguments.of("datetime", "%Y-%m-%d %H:%M:%S %z", "2024-03-15 10:20:30 -08:00",
                        "2024-03-15T10:20:30-08:00"),
                Arguments.of("datetime", "%Y-%m-%d %H:%M:%S%z", "2024-03-15 10:20:30Z", "2024-03-15T10:20:30Z"),
                Arguments.of("datetime", "%Y-%m-%dT%H:%M:%S.%f", "2024-03-15T10:20:30.123",
                        "2024-03-15T10:20:30.123"));
    }

    @ParameterizedTest(name = "{0} {1}: \"{2}\" → {3}")
    @MethodSource("strptime")
    void strptimePatternsProduceIsoText(String type, String format, String raw, String iso) {
        Field field = typed(type, format);
        assertEquals(format, field.format());
        assertEquals(iso, valid(field, raw));
    }

    static Stream<Arguments> strptimeFailures() {
        return Stream.of(
                Arguments.of("date", "%d/%m/%Y", "2024-03-15", "is not a date in the format %d/%m/%Y"),
                Arguments.of("date", "%d/%m/%Y", "15/03/24", "is not a date in the format %d/%m/%Y"),
                Arguments.of("date", "%d/%m/%Y", "15/03/2024 ", "is not a date in the format %d/%m/%Y"),
                Arguments.of("date", "%d/%m/%Y", "29/02/2023", "is not a valid date: 2023-02 has no day 29"),
                Arguments.of("date", "%d/%m/%Y", "31/04/2024", "is not a valid date: 2024-04 has no day 31"),
                Arguments.of("date", "%d %b %Y", "15 Mrz 2024", "is not a date in the format %d %b %Y"),
                Arguments.of("date", "%Y-%j", "2023-366", "is not a valid date: day of year 366 is out of range"),
                Arguments.of("time", "%I:%M %p", "13:30 PM", "is not a valid time: hour 13 is out of range for %I (1-12)"),
                Arguments.of("time", "%H:%M", "24:00", "is not a valid time: hour 24 is out of range"),
                Arguments.of("datetime", "%Y-%m-%d %H:%M %z", "2024-03-15 10:20 +1900",
                        "is not a valid datetime: offset 19:00 is out of range"));
    }

    @ParameterizedTest(name = "{0} {1}: \"{2}\"")
    @MethodSource("strptimeFailures")
    void strptimeFailuresAreTypeErrors(String type, String format, String raw, String problem) {
        assertEquals("\"" + raw + "\" " + problem, invalid(typed(type, format), raw, ErrorCode.TYPE));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"2024", "0000", "1999"})
    void yearsAreFourDigitText(String raw) {
        assertEquals(raw, valid(year, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"24", "20245", "-2024", "+2024", "2024.0", "two", " 2024", "20x4", "2/24", "202:"})
    void otherYearsAreTypeErrors(String raw) {
        assertEquals("\"" + raw + "\" is not a year (YYYY)", invalid(year, raw, ErrorCode.TYPE));
    }

    @Test
    void datetimeUniqueKeysCompareInstants() {
        Object utc = datetime.uniqueKey(check(datetime, "2024-03-15T10:00:00Z").value());
        assertEquals(utc, datetime.uniqueKey(check(datetime, "2024-03-15T11:00:00+01:00").value()));
        assertEquals(utc, datetime.uniqueKey(check(datetime, "2024-03-15T10:00:00.000").value()),
                "no offset counts as UTC");
        assertNotEquals(utc, datetime.uniqueKey(check(datetime, "2024-03-15T10:00:00.001Z").value()));
    }

    @Test
    void timeUniqueKeysCompareTimeOfDay() {
        assertEquals(time.uniqueKey(check(time, "10:00:00.5").value()), time.uniqueKey(check(time, "10:00:00.50").value()));
        assertNotEquals(time.uniqueKey(check(time, "10:00:00.5").value()), time.uniqueKey(check(time, "10:00:00").value()));
    }

    @Test
    void yearsAreUniqueByTheirDigitsAndNamedInEnumMessages() {
        assertEquals(year.uniqueKey(check(year, "2024").value()), year.uniqueKey(check(year, "2024").value()));
        assertNotEquals(year.uniqueKey(check(year, "2024").value()), year.uniqueKey(check(year, "2025").value()));
        InvalidSchemaException e = FieldFixture.rejectedField("{\"name\":\"f\",\"type\":\"year\",\"constraints\":"
                + "{\"enum\":[\"20x4\"]}}");
        assertEquals("field 'f': enum must be a year, but \"20x4\" is not a year (YYYY)", e.getMessage());
    }

    @Test
    void uniqueKeyOfAFailedCellIsTheCellItself() {
        assertEquals("not a date", datetime.uniqueKey("not a date"));
    }

    @Test
    void dateStrptimeAndIsoValuesShareUniqueKeys() {
        Field european = typed("date", "%d/%m/%Y");
        assertEquals(european.uniqueKey(check(european, "5/3/2024").value()),
                european.uniqueKey(check(european, "05/03/2024").value()));
    }
}
