package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fanout.schema.JsonReader.MalformedJsonException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/// [JsonReader] against jackson-databind on random documents — random values with random
/// spacing, escapes and number forms, half of them then broken by a few random byte edits: the
/// reader accepts exactly what Jackson (strict, duplicates refused) accepts, as the same values,
/// except where it is stricter on purpose — strings with an unpaired surrogate, bytes that are not
/// UTF-8, decimals whose exponent is beyond an int once their trailing zeros are stripped — which
/// it refuses.
class JsonReaderPropertyTest {
    private static final JsonMapper JACKSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();
    private static final String EDITS = "{}[]\",:\\/0123456789-+.eEtrufalsn \t\n\r\u0000";

    @Property(tries = 3000)
    void readsWhatJacksonReadsAsTheSameValues(@ForAll("documents") byte[] json) {
        if (!isUtf8(json)) {
            assertThrows(MalformedJsonException.class, () -> JsonReader.read(json), () -> show(json));
            return;
        }
        JsonNode jackson;
        try {
            // Jackson reads the same text (given bytes, zeros among the first four would make it
            // take them for UTF-16 or UTF-32, which a schema may not be).
            jackson = JACKSON.readTree(new String(json, StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException refused) {
            assertThrows(MalformedJsonException.class, () -> JsonReader.read(json),
                    () -> "Jackson refused (" + refused.getMessage() + "): " + show(json));
            return;
        }
        JsonValue expected;
        try {
            expected = jackson == null || jackson.isMissingNode() ? JsonValue.MISSING : asJsonValue(jackson);
        } catch (ArithmeticException outOfRange) {
            // A decimal whose exponent leaves an int once its trailing zeros are stripped
            // (-10E+2147483648): no value of the reader's holds it, so it refuses the document.
            expected = null;
        }
        if (expected == null || (jackson != null && holdsUnpairedSurrogate(jackson))) {
            assertThrows(MalformedJsonException.class, () -> JsonReader.read(json), () -> show(json));
            return;
        }
        JsonValue ours;
        try {
            ours = JsonReader.read(json);
        } catch (MalformedJsonException e) {
            fail("refused what Jackson reads (" + e.getMessage() + "): " + show(json));
            return;
        }
        assertEquals(expected.json(), ours.json(), () -> show(json));
        assertEquals(expected, ours, () -> show(json));
    }

    @Provide
    Arbitrary<byte[]> documents() {
        return Arbitraries.randomValue(random -> {
            var text = new StringBuilder();
            value(random, text, 0);
            byte[] json = space(random, text).toString().getBytes(StandardCharsets.UTF_8);
            return random.nextBoolean() ? json : broken(random, json);
        });
    }

    private static StringBuilder space(Random random, StringBuilder text) {
        while (random.nextInt(4) == 0) {
            text.append(" \t\n\r".charAt(random.nextInt(4)));
        }
        return text;
    }

    private static void value(Random random, StringBuilder text, int depth) {
        space(random, text);
        switch (random.nextInt(depth > 3 ? 4 : 6)) {
            case 0 -> string(random, text);
            case 1 -> number(random, text);
            case 2 -> text.append(List.of("true", "false", "null").get(random.nextInt(3)));
            case 3 -> string(random, text);
            case 4 -> {
                text.append('[');
                int items = random.nextInt(4);
                for (int i = 0; i < items; i++) {
                    text.append(i > 0 ? "," : "");
                    value(random, text, depth + 1);
                }
                space(random, text).append(']');
            }
            default -> {
                text.append('{');
                int members = random.nextInt(4);
                for (int i = 0; i < members; i++) {
                    space(random, text.append(i > 0 ? "," : ""));
                    string(random, text);
                    space(random, text).append(':');
                    value(random, text, depth + 1);
                }
                space(random, text).append('}');
            }
        }
        space(random, text);
    }

    private static void string(Random random, StringBuilder text) {
        text.append('"');
        int length = random.nextInt(6);
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            if (kind < 4) {
                text.append((char) ('a' + random.nextInt(3)));
            } else if (kind == 4) {
                text.append(List.of("é", "李", "😀", "\u007f", "\u0085").get(random.nextInt(5)));
            } else if (kind == 5) {
                text.append('\\').append("\"\\/bfnrt".charAt(random.nextInt(8)));
            } else if (kind == 6) {
                // Any code unit, surrogates alone included, as a \\u escape in either case.
                String hex = "%04x".formatted(random.nextInt(0x10000));
                text.append("\\u").append(random.nextBoolean() ? hex : hex.toUpperCase(java.util.Locale.ROOT));
            } else if (kind == 7) {
                text.append("\\ud83d\\ude00");
            } else {
                text.append((char) ('A' + random.nextInt(26)));
            }
        }
        text.append('"');
    }

    private static void number(Random random, StringBuilder text) {
        if (random.nextInt(3) == 0) {
            text.append('-');
        }
        text.append(random.nextInt(4) == 0 ? "0" : String.valueOf(1 + random.nextInt(random.nextBoolean() ? 9 : 1 << 30)));
        if (random.nextBoolean()) {
            text.append('.').append(random.nextInt(1000));
            if (random.nextBoolean()) {
                text.append("00");
            }
        }
        if (random.nextInt(3) == 0) {
            text.append("eE".charAt(random.nextInt(2))).append(List.of("", "+", "-").get(random.nextInt(3)))
                    .append(random.nextInt(5) == 0 ? "2147483648" : String.valueOf(random.nextInt(400)));
        }
    }

    /// `json` after one to three random deletions, insertions or replacements of a byte.
    private static byte[] broken(Random random, byte[] json) {
        List<Byte> bytes = new ArrayList<>();
        for (byte b : json) {
            bytes.add(b);
        }
        int edits = 1 + random.nextInt(3);
        for (int i = 0; i < edits; i++) {
            int at = random.nextInt(bytes.size() + 1);
            byte b = random.nextInt(8) == 0
                    ? (byte) (0x80 + random.nextInt(0x80))
                    : (byte) EDITS.charAt(random.nextInt(EDITS.length()));
            switch (random.nextInt(3)) {
                case 0 -> {
                    if (at < bytes.size()) {
                        bytes.remove(at);
                    }
                }
                case 1 -> bytes.add(at, b);
                default -> {
                    if (at < bytes.size()) {
                        bytes.set(at, b);
                    }
                }
            }
        }
        byte[] out = new byte[bytes.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes.get(i);
        }
        return out;
    }

    private static boolean isUtf8(byte[] json) {
        try {
            StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(json));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean holdsUnpairedSurrogate(JsonNode node) {
        if (node.isTextual() && !isWellFormed(node.textValue())) {
            return true;
        }
        for (var member : node.properties()) {
            if (!isWellFormed(member.getKey()) || holdsUnpairedSurrogate(member.getValue())) {
                return true;
            }
        }
        for (JsonNode item : node.isArray() ? node : List.<JsonNode>of()) {
            if (holdsUnpairedSurrogate(item)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isWellFormed(String text) {
        return StandardCharsets.UTF_8.newEncoder().canEncode(text);
    }

    /// Jackson's tree as the value the reader promises: decimals without trailing zeros.
    private static JsonValue asJsonValue(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonValue> members = new LinkedHashMap<>();
            for (var member : node.properties()) {
                members.put(member.getKey(), asJsonValue(member.getValue()));
            }
            return new JsonValue.Obj(members);
        }
        if (node.isArray()) {
            List<JsonValue> items = new ArrayList<>();
            node.forEach(item -> items.add(asJsonValue(item)));
            return new JsonValue.Arr(items);
        }
        if (node.isTextual()) {
            return new JsonValue.Str(node.textValue());
        }
        if (node.isIntegralNumber()) {
            return new JsonValue.Num(node.bigIntegerValue());
        }
        if (node.isNumber()) {
            BigDecimal decimal = node.decimalValue();
            return new JsonValue.Num(decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros());
        }
        if (node.isBoolean()) {
            return new JsonValue.Bool(node.booleanValue());
        }
        return new JsonValue.Null();
    }

    private static String show(byte[] json) {
        var out = new StringBuilder();
        for (byte b : json) {
            out.append(b >= 0x20 && b < 0x7F ? String.valueOf((char) b) : "\\x%02X".formatted(b & 0xFF));
        }
        return out.toString();
    }
}
