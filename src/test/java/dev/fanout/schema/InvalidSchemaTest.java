package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.rejected;
import static dev.fanout.schema.FieldFixture.rejectedField;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InvalidSchemaTest {

    /// A field's JSON and the exact message; the exception names field `f`.
    static Stream<Arguments> fieldProblems() {
        return Stream.of(
                Arguments.of("{\"name\":\"f\",\"type\":\"Integer\"}",
                        "field 'f': type 'Integer' is not supported (supported: string, integer, number, boolean, "
                                + "date, time, datetime, year, yearmonth, duration, geopoint, geojson, array, object, "
                                + "list, any)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"geopoint\",\"format\":\"wkt\"}",
                        "field 'f': format 'wkt' is not supported for geopoint fields (supported: default, array, object)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"geojson\",\"format\":\"wkb\"}",
                        "field 'f': format 'wkb' is not supported for geojson fields (supported: default, topojson)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"any\",\"format\":\"string\"}",
                        "field 'f': format 'string' is not supported for any fields (only default)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"duration\",\"format\":\"iso\"}",
                        "field 'f': format 'iso' is not supported for duration fields (only default)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"string\",\"delimiter\":\";\"}",
                        "field 'f': delimiter applies only to list fields, not string"),
                Arguments.of("{\"name\":\"f\",\"type\":\"array\",\"itemType\":\"integer\"}",
                        "field 'f': itemType applies only to list fields, not array"),
                Arguments.of("{\"name\":\"f\",\"type\":\"list\",\"itemType\":\"object\"}",
                        "field 'f': itemType 'object' is not supported (supported: string, integer, number, boolean, "
                                + "date, time, datetime, year, yearmonth, duration)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"list\",\"delimiter\":\"\"}",
                        "field 'f': delimiter must not be empty"),
                Arguments.of("{\"name\":\"f\",\"type\":\"list\",\"delimiter\":1}",
                        "field 'f': delimiter must be a string, not a number"),
                Arguments.of("{\"name\":\"f\",\"type\":\"list\",\"constraints\":{\"enum\":[\"a\"]}}",
                        "field 'f': enum does not apply to list fields"),
                Arguments.of("{\"name\":\"f\",\"type\":\"geopoint\",\"constraints\":{\"minLength\":1}}",
                        "field 'f': minLength applies only to string, array, object and list fields, not geopoint"),
                Arguments.of("{\"name\":\"f\",\"type\":\"object\",\"constraints\":{\"minimum\":\"{}\"}}",
                        "field 'f': minimum applies only to integer, number, date, time, datetime, year, yearmonth and "
                                + "duration fields, not object"),
                Arguments.of("{\"name\":\"f\",\"type\":\"duration\",\"constraints\":{\"minimum\":\"1 day\"}}",
                        "field 'f': minimum must be an ISO-8601 duration, but \"1 day\" is not an ISO-8601 duration "
                                + "(like P1Y2M3DT4H5M6.5S)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"yearmonth\",\"constraints\":"
                                + "{\"minimum\":\"2024-05\",\"maximum\":\"2024-04\"}}",
                        "field 'f': minimum 2024-05 is greater than maximum 2024-04"),
                Arguments.of("{\"name\":\"f\",\"type\":\"array\",\"constraints\":{\"enum\":[[1],{\"a\":1}]}}",
                        "field 'f': enum must be a JSON array, but \"{\"a\":1}\" is not a JSON array"),
                Arguments.of("{\"name\":\"f\",\"type\":7}", "field 'f': type must be a string, not a number"),
                Arguments.of("{\"name\":\"f\",\"type\":true}", "field 'f': type must be a string, not a boolean"),
                Arguments.of("{\"name\":\"f\",\"type\":null}", "field 'f': type must be a string, not null"),
                Arguments.of("{\"name\":\"f\",\"format\":[\"email\"]}", "field 'f': format must be a string, not an array"),
                Arguments.of("{\"name\":\"f\",\"format\":{}}", "field 'f': format must be a string, not an object"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"groupChar\":\"\"}",
                        "field 'f': groupChar must be a single character"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"decimalChar\":1}",
                        "field 'f': decimalChar must be a single character"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"groupChar\":\"0\"}",
                        "field 'f': groupChar cannot be '0': it is part of the number syntax"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"groupChar\":\"9\"}",
                        "field 'f': groupChar cannot be '9': it is part of the number syntax"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"decimalChar\":\"+\"}",
                        "field 'f': decimalChar cannot be '+': it is part of the number syntax"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"decimalChar\":\"-\"}",
                        "field 'f': decimalChar cannot be '-': it is part of the number syntax"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"decimalChar\":\"E\"}",
                        "field 'f': decimalChar cannot be 'E': it is part of the number syntax"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"bareNumber\":\"false\"}",
                        "field 'f': bareNumber must be true or false"),
                Arguments.of("{\"name\":\"f\",\"type\":\"boolean\",\"groupChar\":\",\"}",
                        "field 'f': groupChar applies only to integer and number fields, not boolean"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"falseValues\":[\"n\"]}",
                        "field 'f': falseValues applies only to boolean fields, not date"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"format\":\"currency\"}",
                        "field 'f': format 'currency' is not supported for number fields (only default)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"boolean\",\"format\":\"yes-no\"}",
                        "field 'f': format 'yes-no' is not supported for boolean fields (only default)"),
                Arguments.of("{\"name\":\"f\",\"format\":\"hex\"}",
                        "field 'f': format 'hex' is not supported for string fields (supported: default, email, uri, uuid, binary)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"format\":\"email\"}",
                        "field 'f': format 'email' is not supported for integer fields (only default)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"trueValues\":[\"y\"]}",
                        "field 'f': trueValues applies only to boolean fields, not integer"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"decimalChar\":\",\"}",
                        "field 'f': decimalChar applies only to number fields, not integer"),
                Arguments.of("{\"name\":\"f\",\"type\":\"string\",\"bareNumber\":false}",
                        "field 'f': bareNumber applies only to integer and number fields, not string"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"bareNumber\":\"no\"}",
                        "field 'f': bareNumber must be true or false"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"groupChar\":\",\",\"decimalChar\":\",\"}",
                        "field 'f': groupChar and decimalChar must differ"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"decimalChar\":\"::\"}",
                        "field 'f': decimalChar must be a single character"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"groupChar\":\"e\"}",
                        "field 'f': groupChar cannot be 'e': it is part of the number syntax"),
                Arguments.of("{\"name\":\"f\",\"type\":\"boolean\",\"trueValues\":[\"y\",\"1\"],\"falseValues\":[\"1\"]}",
                        "field 'f': '1' is in both trueValues and falseValues"),
                Arguments.of("{\"name\":\"f\",\"type\":\"boolean\",\"trueValues\":[]}",
                        "field 'f': trueValues must be a non-empty array of strings"),
                Arguments.of("{\"name\":\"f\",\"type\":\"boolean\",\"falseValues\":[0]}",
                        "field 'f': falseValues must be a non-empty array of strings, but has 0"),
                // strptime patterns
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"format\":\"%d/%m/%Q\"}",
                        "field 'f': format '%d/%m/%Q' has an unknown directive %Q (supported: "
                                + StrptimeFormat.SUPPORTED + ")"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"format\":\"%Y-%m-%\"}",
                        "field 'f': format '%Y-%m-%' ends with a lone %"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"format\":\"yyyy-MM-dd\"}",
                        "field 'f': format 'yyyy-MM-dd' is not default, any, or a strptime pattern (directives such "
                                + "as %Y start with %)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"format\":\"%m/%d\"}",
                        "field 'f': format '%m/%d' has no year (%Y or %y)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"format\":\"%Y-%m\"}",
                        "field 'f': format '%Y-%m' needs a month and a day (%m or %b or %B, and %d) or %j"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"format\":\"%Y %y %m %d\"}",
                        "field 'f': format '%Y %y %m %d' sets the year twice"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"format\":\"%Y-%m-%d %H\"}",
                        "field 'f': format '%Y-%m-%d %H' cannot contain %H in a date format"),
                Arguments.of("{\"name\":\"f\",\"type\":\"time\",\"format\":\"%H:%M %z\"}",
                        "field 'f': format '%H:%M %z' cannot contain %z in a time format"),
                Arguments.of("{\"name\":\"f\",\"type\":\"time\",\"format\":\"%I:%M\"}",
                        "field 'f': format '%I:%M' needs %I and %p together"),
                Arguments.of("{\"name\":\"f\",\"type\":\"datetime\",\"format\":\"%Y-%m-%d\"}",
                        "field 'f': format '%Y-%m-%d' has no hour (%H, or %I with %p)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"format\":\"%Y-%j-%d\"}",
                        "field 'f': format '%Y-%j-%d' mixes %j with a month or day of month"),
                Arguments.of("{\"name\":\"f\",\"type\":\"year\",\"format\":\"%Y\"}",
                        "field 'f': format '%Y' is not supported for year fields (only default)"),
                // constraints
                Arguments.of("{\"name\":\"f\",\"constraints\":[]}", "field 'f': constraints must be an object, not an array"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"maxlength\":3}}",
                        "field 'f': unknown constraint 'maxlength' (supported: required, unique, minLength, maxLength, "
                                + "pattern, enum, minimum, maximum, exclusiveMinimum, exclusiveMaximum, jsonSchema)"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"required\":\"yes\"}}",
                        "field 'f': required must be true or false"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"unique\":1}}", "field 'f': unique must be true or false"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"constraints\":{\"minLength\":1}}",
                        "field 'f': minLength applies only to string, array, object and list fields, not integer"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"constraints\":{\"maxLength\":10}}",
                        "field 'f': maxLength applies only to string, array, object and list fields, not date"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"minLength\":-1}}",
                        "field 'f': minLength must be a non-negative integer"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"maxLength\":\"3\"}}",
                        "field 'f': maxLength must be a non-negative integer"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"maxLength\":2147483648}}",
                        "field 'f': maxLength must be a non-negative integer"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"minLength\":1.0}}",
                        "field 'f': minLength must be a non-negative integer"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"minLength\":4,\"maxLength\":3}}",
                        "field 'f': minLength 4 is greater than maxLength 3"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"constraints\":{\"minimum\":true}}",
                        "field 'f': minimum must be a number, but got true"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"constraints\":{\"minimum\":1.5,\"maximum\":1.25}}",
                        "field 'f': minimum 1.5 is greater than maximum 1.25"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"minLength\":5,\"maxLength\":3}}",
                        "field 'f': minLength 5 is greater than maxLength 3"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"pattern\":3}}", "field 'f': pattern must be a string"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"enum\":[]}}", "field 'f': enum must be a non-empty array"),
                Arguments.of("{\"name\":\"f\",\"constraints\":{\"enum\":\"a\"}}", "field 'f': enum must be a non-empty array"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"constraints\":{\"enum\":[1,\"two\"]}}",
                        "field 'f': enum must be an integer, but \"two\" is not an integer"),
                Arguments.of("{\"name\":\"f\",\"format\":\"email\",\"constraints\":{\"enum\":[\"not-an-email\"]}}",
                        "field 'f': enum must be an email address, but \"not-an-email\" is not a valid email address"),
                Arguments.of("{\"name\":\"f\",\"type\":\"boolean\",\"constraints\":{\"enum\":[\"maybe\"]}}",
                        "field 'f': enum must be a boolean, but \"maybe\" is not a boolean (true values: true, True, "
                                + "TRUE, 1; false values: false, False, FALSE, 0)"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"constraints\":{\"maximum\":1.5}}",
                        "field 'f': maximum must be an integer, but got 1.5"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"constraints\":{\"maximum\":\"abc\"}}",
                        "field 'f': maximum must be an integer, but \"abc\" is not an integer"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"constraints\":{\"minimum\":true}}",
                        "field 'f': minimum must be an integer, but got true"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"constraints\":{\"minimum\":null}}",
                        "field 'f': minimum must be an integer, but got null"),
                Arguments.of("{\"name\":\"f\",\"type\":\"number\",\"constraints\":{\"minimum\":\"1,5\"}}",
                        "field 'f': minimum must be a number, but \"1,5\" is not a number"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"constraints\":{\"minimum\":\"2023-02-29\"}}",
                        "field 'f': minimum must be a date in the format YYYY-MM-DD, but \"2023-02-29\" is not a valid "
                                + "date: 2023-02 has no day 29"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"format\":\"%d/%m/%Y\",\"constraints\":"
                                + "{\"minimum\":\"2024-01-01\"}}",
                        "field 'f': minimum must be a date in the format %d/%m/%Y, but \"2024-01-01\" is not a date "
                                + "in the format %d/%m/%Y"),
                Arguments.of("{\"name\":\"f\",\"type\":\"date\",\"constraints\":{\"minimum\":20240101}}",
                        "field 'f': minimum must be a date in the format YYYY-MM-DD, but got 20240101"),
                Arguments.of("{\"name\":\"f\",\"type\":\"string\",\"constraints\":{\"minimum\":\"a\"}}",
                        "field 'f': minimum applies only to integer, number, date, time, datetime, year, yearmonth and "
                                + "duration fields, not string"),
                Arguments.of("{\"name\":\"f\",\"type\":\"boolean\",\"constraints\":{\"maximum\":true}}",
                        "field 'f': maximum applies only to integer, number, date, time, datetime, year, yearmonth and "
                                + "duration fields, not boolean"),
                Arguments.of("{\"name\":\"f\",\"type\":\"integer\",\"constraints\":{\"minimum\":10,\"maximum\":5}}",
                        "field 'f': minimum 10 is greater than maximum 5"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("fieldProblems")
    void fieldProblemsNameTheField(String fieldJson, String message) {
        InvalidSchemaException e = rejectedField(fieldJson);
        assertEquals(message, e.getMessage());
        assertEquals(Optional.of("f"), e.field());
    }

    static Stream<Arguments> patternsRe2Rejects() {
        return Stream.of(
                Arguments.of("(a)\\\\1", "invalid escape sequence"),
                Arguments.of("foo(?=bar)", "invalid or unsupported Perl syntax"),
                Arguments.of("(?<!x)y", "invalid named capture"),
                Arguments.of("[a-", "missing closing ]"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("patternsRe2Rejects")
    void patternsThatCannotRunInLinearTimeAreRejected(String pattern, String reason) {
        InvalidSchemaException e = rejectedField("{\"name\":\"f\",\"constraints\":{\"pattern\":\"" + pattern + "\"}}");
        assertTrue(e.getMessage().startsWith("field 'f': pattern '" + pattern.replace("\\\\", "\\") + "' cannot be used: "
                + reason), e.getMessage());
        assertTrue(e.getMessage().endsWith("Patterns must run in linear time (RE2 syntax), so backreferences and "
                + "lookaround are not available"), e.getMessage());
        assertEquals(Optional.of("f"), e.field());
    }

    /// A whole document and the exact message, for problems outside any one named field.
    static Stream<Arguments> documentProblems() {
        return Stream.of(
                Arguments.of("", "schema is empty"),
                Arguments.of("[]", "schema must be a JSON object, not an array"),
                Arguments.of("\"fields\"", "schema must be a JSON object, not a string"),
                Arguments.of("{}", "schema has no fields array"),
                Arguments.of("{\"fields\":{}}", "fields must be an array, not an object"),
                Arguments.of("{\"fields\":[]}", "fields must not be empty"),
                Arguments.of("{\"fields\":[\"id\"]}", "field #1 must be an object, not a string"),
                Arguments.of("{\"fields\":[{\"name\":\"a\"},true]}", "field #2 must be an object, not a boolean"),
                Arguments.of("{\"fields\":[null]}", "field #1 must be an object, not null"),
                Arguments.of("{\"fields\":[[{\"name\":\"a\"}]]}", "field #1 must be an object, not an array"),
                Arguments.of("{\"fields\":[1.5]}", "field #1 must be an object, not a number"),
                Arguments.of("{\"fields\":[{\"name\":\"a\"},{\"type\":\"integer\"}]}", "field #2 has no name"),
                Arguments.of("{\"fields\":[{\"name\":\"\"}]}", "field #1 must have a non-empty string name"),
                Arguments.of("{\"fields\":[{\"name\":5}]}", "field #1 must have a non-empty string name"),
                Arguments.of("{\"fields\":[{\"name\":\"a\"}],\"missingValues\":\"\"}",
                        "missingValues must be an array of strings or of {\"value\": …} objects"),
                Arguments.of("{\"fields\":[{\"name\":\"a\"}],\"missingValues\":[\"\",null]}",
                        "missingValues must be an array of strings or of {\"value\": string, \"label\": string} objects, "
                                + "but has null"),
                Arguments.of("{\"fields\":[{\"name\":\"a\"}],\"primaryKey\":7}",
                        "primaryKey must be a field name or an array of field names"),
                Arguments.of("{\"fields\":[{\"name\":\"a\"}],\"primaryKey\":[\"a\",1]}",
                        "primaryKey must be a field name or an array of field names, but has 1"),
                // Values are shown as compact JSON: strings escaped, decimals without trailing zeros.
                Arguments.of("{\"fields\":[{\"name\":\"a\"}],\"primaryKey\":[\"a\",{\"k\\\"\": [1, \"\u00e9\\n\", true,"
                                + " null, 2.50, -0.0, {}, []]}]}",
                        "primaryKey must be a field name or an array of field names, but has "
                                + "{\"k\\\"\":[1,\"\u00e9\\n\",true,null,2.5,0,{},[]]}"),
                Arguments.of("{\"fields\":[{\"name\":\"a\"}],\"missingValues\":[[\"\"]]}",
                        "missingValues must be an array of strings or of {\"value\": string, \"label\": string} objects, "
                                + "but has [\"\"]"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("documentProblems")
    void documentProblemsAreDescribed(String json, String message) {
        InvalidSchemaException e = rejected(json);
        assertEquals(message, e.getMessage());
        assertEquals(Optional.empty(), e.field());
    }

    @Test
    void aStringWithAnUnpairedSurrogateIsNotJson() {
        // Only a \\u escape can make one; it could neither be written as UTF-8 nor match a cell.
        InvalidSchemaException e = rejected("{\"fields\":[{\"name\":\"flag\",\"type\":\"boolean\",\"trueValues\":[\"\\uD800\"]}]}");
        assertTrue(e.getMessage().startsWith("schema is not valid JSON: A string holds an unpaired surrogate (\\uD800)"),
                e.getMessage());
        assertTrue(e.getMessage().matches(".*\\(line \\d+, column \\d+\\)$"), e.getMessage());
    }

    @Test
    void zeroBytesAreNotJson() {
        // Found by SchemaParserFuzzTest when Jackson read schemas: zero bytes made it take the
        // document for UTF-32, whose decoder's own IOException escaped as a 500.
        byte[] json = {'{', 0, 0, 0, 0, 'l', 'd', 's', '"', ':', '[', ']', '}'};
        InvalidSchemaException e = assertThrows(InvalidSchemaException.class, () -> Schema.parse(json));
        assertEquals("schema is not valid JSON: Unexpected character (code 0): expected a double-quoted field name "
                + "(line 1, column 2)", e.getMessage());
        assertEquals(Optional.empty(), e.field());
    }

    @Test
    void aNumberWhoseExponentIsOutOfRangeIsNotJsonWhereverItIs() {
        // Found by SchemaParserFuzzTest: Jackson's NumberFormatException escaped (a 500).
        assertEquals("schema is not valid JSON: A number's exponent is out of range (line 1, column 42)",
                rejected("{\"fields\":[{\"name\":\"a\"}],\"x\":1e9999999999}").getMessage());
        assertEquals("schema is not valid JSON: A number's exponent is out of range (line 1, column 81)",
                rejected("{\"fields\":[{\"name\":\"a\",\"type\":\"number\",\"constraints\":{\"maximum\":-1.5E-2147483649}}]}")
                        .getMessage());
        // Within range as written, out of it once the trailing zeros are stripped (found by review).
        assertEquals("schema is not valid JSON: A number's exponent is out of range (line 1, column 44)",
                rejected("{\"fields\":[{\"name\":\"a\"}],\"x\":100e2147483647}").getMessage());
    }

    @Test
    void duplicateFieldNamesNameTheField() {
        InvalidSchemaException e = rejected("{\"fields\":[{\"name\":\"id\"},{\"name\":\"x\"},{\"name\":\"id\"}]}");
        assertEquals("field 'id': the name is used by more than one field", e.getMessage());
        assertEquals(Optional.of("id"), e.field());
    }

    @Test
    void primaryKeyMustNameExistingFieldsOnce() {
        InvalidSchemaException unknown = rejected("{\"fields\":[{\"name\":\"id\"}],\"primaryKey\":[\"id\",\"nope\"]}");
        assertEquals("primaryKey names field 'nope', which is not in the schema", unknown.getMessage());
        assertEquals(Optional.of("nope"), unknown.field());
        InvalidSchemaException twice = rejected("{\"fields\":[{\"name\":\"id\"}],\"primaryKey\":[\"id\",\"id\"]}");
        assertEquals("primaryKey names field 'id' twice", twice.getMessage());
    }

    static Stream<String> malformedJson() {
        return Stream.of("{", "{\"fields\":[}", "{\"fields\":[]} trailing", "{'fields':[]}", "{\"fields\":[],\"fields\":[]}",
                "\u0000", "{\"fields\":[{\"name\":\"a\"}]}}");
    }

    @ParameterizedTest
    @MethodSource("malformedJson")
    void malformedJsonIsDescribedWithoutParserInternals(String json) {
        InvalidSchemaException e = rejected(json);
        assertTrue(e.getMessage().startsWith("schema is not valid JSON: "), e.getMessage());
        assertTrue(e.getMessage().matches(".*\\(line \\d+, column \\d+\\)$"), e.getMessage());
        assertFalse(e.getMessage().contains("Source"), e.getMessage());
        assertFalse(e.getMessage().contains("com.fasterxml"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertEquals(Optional.empty(), e.field());
    }

    @Test
    void malformedJsonSaysWhatAndWhere() {
        assertEquals("schema is not valid JSON: Unexpected close marker '}': expected ']' (line 1, column 12)",
                rejected("{\"fields\":[}").getMessage());
        assertEquals("schema is not valid JSON: Duplicate field 'fields' (line 1, column 22)",
                rejected("{\"fields\":[],\"fields\":[]}").getMessage());
    }
}
