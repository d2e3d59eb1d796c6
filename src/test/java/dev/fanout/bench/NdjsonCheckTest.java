package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/// [NdjsonCheck] accepts exactly the bodies the gateway writes when a stream is whole (one JSON
/// object per line, each line ended by `\n`, the summary last when asked for) and rejects, with a
/// reason, every body that is cut short, broken, or ends the stream with an error line. The answer
/// must not depend on how the network cut the body into pieces.
class NdjsonCheckTest {
    static final String ROW_1 = "{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"id\":1,\"name\":\"Zoë\",\"age\":36}}\n";
    static final String ROW_2 = "{\"row\":2,\"line\":3,\"valid\":false,\"data\":{\"id\":2,\"name\":null,\"age\":\"abc\"},"
            + "\"errors\":[{\"field\":\"name\",\"code\":\"required\",\"message\":\"name is required\"},"
            + "{\"field\":\"age\",\"code\":\"type\",\"message\":\"\\\"abc\\\" is not an integer\"}]}\n";
    static final String ROW_3 = "{\"row\":3,\"line\":4,\"valid\":true,\"data\":{\"id\":3,\"name\":\"李\",\"age\":null}}\n";
    static final String ROWS = ROW_1 + ROW_2 + ROW_3;
    static final String SUMMARY = "{\"summary\":{\"rows\":3,\"valid\":2,\"invalid\":1,\"elapsedMs\":3.1}}\n";
    static final String ERROR = "{\"error\":{\"code\":\"truncated_upload\",\"message\":\"the upload ended early\",\"row\":3}}\n";
    /// A string value holding an escaped newline, brackets after a comma and a colon, an error-line
    /// look-alike, unicode escapes, raw multi-byte UTF-8 and an escaped backslash before the
    /// closing quote: still one line and one object.
    static final String TRICKY_STRING = "{\"row\":1,\"data\":{\"note\":\"a\\nb,} :] {\\\"error\\\":1}\\n"
            + "\\u00e9\\u2028\\ud83d\\ude00 é 😀 \\\\\",\"more\":\"\\\\\\\"}\\\\\"}}\n";
    static final String NESTED = "{\"row\":1,\"data\":{\"a\":{\"b\":[1,[2,{\"c\":null}],{\"d\":[]},{}]},\"e\":[[[]]]},"
            + "\"errors\":[]}\n";

    private static String check(String body, boolean expectSummary) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return check(bytes, bytes.length, expectSummary);
    }

    /// Feeds the first `length` bytes of `bytes` whole.
    private static String check(byte[] bytes, int length, boolean expectSummary) {
        var check = new NdjsonCheck(expectSummary);
        check.feed(bytes, 0, length);
        return check.finish();
    }

    /// Feeds `bytes` in pieces ending at each of `cuts` (ascending; zero-length pieces allowed).
    private static String checkInPieces(byte[] bytes, int[] cuts, boolean expectSummary) {
        var check = new NdjsonCheck(expectSummary);
        int start = 0;
        for (int cut : cuts) {
            check.feed(bytes, start, cut - start);
            start = cut;
        }
        check.feed(bytes, start, bytes.length - start);
        return check.finish();
    }

    @Test
    void rowsAreComplete() {
        assertNull(check(ROWS, false));
    }

    @Test
    void rowsThenTheSummaryAreCompleteWhenTheSummaryIsExpected() {
        assertNull(check(ROWS + SUMMARY, true));
        assertNull(check(SUMMARY, true), "no rows, only the summary");
    }

    @Test
    void anEmptyBodyIsCompleteWhenNoSummaryIsExpected() {
        assertNull(check("", false));
        assertNotNull(check("", true), "an empty body has no summary");
    }

    @Test
    void aStringWithEscapedNewlinesBracesAndUnicodeStaysOneLine() {
        assertNull(check(TRICKY_STRING, false));
        assertNull(check(ROW_1 + TRICKY_STRING + ROW_3 + SUMMARY, true));
    }

    @Test
    void nestedObjectsAndArraysInsideARowAreOneLine() {
        assertNull(check(NESTED + NESTED, false));
    }

    @Test
    void aFieldNamedErrorOrSummaryInsideTheDataIsNoErrorOrSummaryLine() {
        String row = "{\"row\":1,\"data\":{\"error\":\"x\",\"summary\":{\"error\":1}}}\n";
        assertNull(check(row, false));
        assertNotNull(check(row, true), "a row with a 'summary' field in its data is no summary line");
    }

    static Stream<Arguments> incompleteOrMalformed() {
        return Stream.of(
                Arguments.of("the last line has no newline", ROW_1 + ROW_2 + ROW_3.strip(), false),
                Arguments.of("the only line has no newline", "{\"row\":1}", false),
                Arguments.of("the summary has no newline", ROWS + SUMMARY.strip(), true),
                Arguments.of("spaces after the last newline", ROWS + "  ", false),
                Arguments.of("two objects on one line", ROW_1.strip() + ROW_2, false),
                Arguments.of("two objects on one line, with a space", ROW_1.strip() + " " + ROW_2, false),
                Arguments.of("a blank line in the middle", ROW_1 + "\n" + ROW_2, false),
                Arguments.of("a blank line at the end", ROWS + "\n", false),
                Arguments.of("a blank line at the start", "\n" + ROWS, false),
                Arguments.of("a line of spaces", ROW_1 + "   \n" + ROW_2, false),
                Arguments.of("a blank line and two objects on one line", ROW_1.strip() + ROW_2 + "\n", false),
                Arguments.of("an object over two lines and two objects on one line",
                        "{\"row\":1,\n\"line\":2}\n" + ROW_2.strip() + ROW_3, false),
                Arguments.of("an object over two lines", "{\"row\":1,\n\"line\":2}\n", false),
                Arguments.of("a line is an array", ROW_1 + "[1,2]\n", false),
                Arguments.of("a line is an empty array", "[]\n", false),
                Arguments.of("a line is a number", ROW_1 + "42\n", false),
                Arguments.of("a line is a string", "\"row\"\n", false),
                Arguments.of("a line is null", "null\n", false),
                Arguments.of("a line is true", ROW_1 + "true\n" + ROW_2, false),
                Arguments.of("a trailing comma", "{\"row\":1,}\n", false),
                Arguments.of("a missing colon", "{\"row\" 1}\n", false),
                Arguments.of("an unquoted name", "{row:1}\n", false),
                Arguments.of("a mismatched bracket", "{\"row\":[1}\n", false),
                Arguments.of("a stray closing brace", ROW_1 + "}\n", false),
                Arguments.of("an unterminated string", "{\"row\":\"abc}\n", false),
                Arguments.of("a bad escape", "{\"row\":\"\\x\"}\n", false),
                Arguments.of("a raw control character in a string", "{\"row\":\"a\tb\"}\n", false),
                Arguments.of("a bad literal", "{\"row\":tru}\n", false),
                Arguments.of("a missing value", "{\"row\":}\n", false),
                Arguments.of("a missing value before a blank", "{\"row\": }\n", false),
                Arguments.of("a trailing comma before a blank", "{\"row\":1 , }\n", false),
                Arguments.of("a trailing comma in a nested object", "{\"row\":1,\"data\":{\"id\":1,}}\n", false),
                Arguments.of("a trailing comma in an array", "{\"row\":1,\"errors\":[1,]}\n", false),
                Arguments.of("a raw newline in a string", "{\"row\":\"a\nb\"}\n", false),
                Arguments.of("an error line at the end", ROW_1 + ROW_2 + ERROR, false),
                Arguments.of("an error line in the middle", ROW_1 + ERROR + ROW_3, false),
                Arguments.of("an error line alone", ERROR, false),
                Arguments.of("an error line instead of the summary", ROWS + ERROR, true),
                Arguments.of("an error line after the summary", ROWS + SUMMARY + ERROR, true),
                Arguments.of("no summary when one is expected", ROWS, true),
                Arguments.of("the summary is not last", ROW_1 + SUMMARY + ROW_2, true),
                Arguments.of("the summary first", SUMMARY + ROWS, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("incompleteOrMalformed")
    void anIncompleteOrMalformedBodyIsRejectedWithAReason(String name, String body, boolean expectSummary) {
        assertNotNull(check(body, expectSummary), name);
    }

    @Test
    void everyPrefixOfThreeRowsIsCompleteExactlyAtALineBoundary() {
        byte[] body = ROWS.getBytes(StandardCharsets.UTF_8);
        int boundaries = 0;
        for (int length = 0; length <= body.length; length++) {
            boolean atBoundary = length == 0 || body[length - 1] == '\n';
            String problem = check(body, length, false);
            String prefix = new String(body, 0, length, StandardCharsets.UTF_8);
            if (atBoundary) {
                boundaries++;
                assertNull(problem, "the first " + length + " bytes are whole lines: " + prefix);
            } else {
                assertNotNull(problem, "the first " + length + " bytes end inside a line: " + prefix);
            }
        }
        assertEquals(4, boundaries, "empty, one, two and three lines");
    }

    @Test
    void everyPrefixShortOfTheSummaryIsIncompleteWhenTheSummaryIsExpected() {
        byte[] body = (ROWS + SUMMARY).getBytes(StandardCharsets.UTF_8);
        for (int length = 0; length < body.length; length++) {
            assertNotNull(check(body, length, true),
                    "the first " + length + " bytes: " + new String(body, 0, length, StandardCharsets.UTF_8));
        }
        assertNull(check(body, body.length, true));
    }

    /// Every body above, complete or not.
    static List<Arguments> bodies() {
        List<Arguments> bodies = new ArrayList<>();
        bodies.add(Arguments.of("rows", ROWS, false));
        bodies.add(Arguments.of("rows and summary", ROWS + SUMMARY, true));
        bodies.add(Arguments.of("empty", "", false));
        bodies.add(Arguments.of("tricky string", TRICKY_STRING, false));
        bodies.add(Arguments.of("nested", NESTED + NESTED, false));
        incompleteOrMalformed().forEach(bodies::add);
        return bodies;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodies")
    void piecesOfEverySizeGiveTheSameAnswerAsTheWholeBody(String name, String text, boolean expectSummary) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        String whole = check(body, body.length, expectSummary);

        int[] everyByte = new int[Math.max(0, body.length - 1)];
        for (int i = 0; i < everyByte.length; i++) {
            everyByte[i] = i + 1;
        }
        assertEquals(whole, checkInPieces(body, everyByte, expectSummary), name + ", one byte at a time");

        long seed = name.hashCode();
        var random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            int[] cuts = random.ints(random.nextInt(1, 12), 0, body.length + 1).sorted().toArray();
            assertEquals(whole, checkInPieces(body, cuts, expectSummary),
                    name + ", cut at " + Arrays.toString(cuts) + " (seed " + seed + ")");
        }
    }

    /// The check is a JSON grammar of its own: every number form, literal and escape is judged.
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"0", "-0", "7", "-12", "1.5", "0.25", "1e3", "1E+3",
        "2.5e-10", "-0.0e0", "true", "false", "null", "\"\\u00e9\\/\\b\\f\\n\\r\\t\"", "[]", "{}", "[1,[2,[3]]]",
        "{\"a\":{\"b\":[true,null]}}", " 1 "})
    void everyJsonValueFormIsAccepted(String value) {
        assertNull(check("{\"row\":" + value + "}\n", false), value);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"01", "-", "1.", ".5", "+1", "1e", "1e+", "1.e3", "--1",
        "0x1", "1_000", "tru", "nul", "True", "NaN", "\"\\u12\"", "\"\\u12g4\"", "\"\\a\"", "[1}", "{\"a\":1]",
        "[1 2]", "{\"a\" \"b\"}", "{\"a\":1 \"b\":2}", "'x'"})
    void everyMalformedValueIsRejected(String value) {
        assertNotNull(check("{\"row\":" + value + "}\n", false), value);
    }
}
