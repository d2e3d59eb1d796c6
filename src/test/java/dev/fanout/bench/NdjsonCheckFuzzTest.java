package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/// Coverage-guided fuzzing of [NdjsonCheck] on arbitrary bodies: it never throws, its verdict does
/// not depend on how the body is cut into pieces, and it agrees with Jackson, a full JSON parser:
/// a body it accepts is lines that Jackson reads as one object each, and a body of such lines
/// (with no `error` line, no summary asked for) is one it accepts.
///
/// Regression inputs: `src/test/resources/dev/fanout/bench/NdjsonCheckFuzzTestInputs/ndjson/`;
/// `scripts/fuzz ndjson` searches for new ones.
class NdjsonCheckFuzzTest {
    /// Jackson without its size limits: the check has none but its nesting depth.
    private static final JsonMapper JACKSON = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNumberLength(Integer.MAX_VALUE).maxStringLength(Integer.MAX_VALUE)
                            .maxNestingDepth(Integer.MAX_VALUE).build())
                    .build())
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /// [NdjsonCheck]'s own nesting limit.
    private static final int MAX_DEPTH = 512;

    @FuzzTest
    void ndjson(byte[] body) {
        for (boolean expectSummary : new boolean[] {false, true}) {
            String whole = check(body, new int[0], expectSummary);
            assertEquals(whole, check(body, everyByte(body.length), expectSummary), "one byte at a time");
            var random = new Random(Arrays.hashCode(body));
            int[] cuts = random.ints(random.nextInt(1, 8), 0, body.length + 1).sorted().toArray();
            assertEquals(whole, check(body, cuts, expectSummary), () -> "cut at " + Arrays.toString(cuts));
            agreesWithJackson(body, expectSummary, whole);
        }
    }

    private static void agreesWithJackson(byte[] body, boolean expectSummary, String verdict) {
        if (!isUtf8(body)) {
            // The check does not look at UTF-8; Jackson refuses what is not.
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        String[] lines = text.split("\n", -1);
        boolean linesAreObjects = text.isEmpty() || text.endsWith("\n");
        boolean anyErrorKey = false;
        JsonNode last = null;
        for (int i = 0; i < lines.length - 1 && linesAreObjects; i++) {
            String line = lines[i];
            JsonNode node = parse(line);
            linesAreObjects = node != null && node.isObject() && line.startsWith("{") && line.endsWith("}")
                    && depth(line) <= MAX_DEPTH;
            if (linesAreObjects) {
                anyErrorKey |= node.has("error");
                last = node;
            }
        }
        if (verdict == null) {
            assertTrue(linesAreObjects, "accepted, but a line is not one JSON object");
            for (int i = 0; i < lines.length - 1; i++) {
                assertFalse(lines[i].startsWith("{\"error\""), "accepted an error line");
            }
            if (expectSummary) {
                assertTrue(last != null && last.has("summary"), "accepted without a summary line last");
            }
        } else if (linesAreObjects && !anyErrorKey && !expectSummary) {
            assertNull(verdict, "every line is one JSON object, yet rejected");
        }
    }

    /// The line as JSON, or null when Jackson refuses it.
    private static JsonNode parse(String line) {
        try {
            return JACKSON.readTree(line);
        } catch (JacksonException e) {
            return null;
        }
    }

    /// An upper bound of the line's nesting: its opening brackets, quoted or not.
    private static int depth(String line) {
        return (int) line.chars().filter(c -> c == '{' || c == '[').count();
    }

    private static boolean isUtf8(byte[] bytes) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    /// Feeds `body` in pieces ending at each of `cuts` (ascending; empty pieces allowed).
    private static String check(byte[] body, int[] cuts, boolean expectSummary) {
        var check = new NdjsonCheck(expectSummary);
        int start = 0;
        for (int cut : cuts) {
            check.feed(body, start, cut - start);
            start = cut;
        }
        check.feed(body, start, body.length - start);
        return check.finish();
    }

    private static int[] everyByte(int length) {
        int[] cuts = new int[Math.max(0, length - 1)];
        Arrays.setAll(cuts, i -> i + 1);
        return cuts;
    }
}
