package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fanout.schema.JsonNumber;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/// The streaming `enrich` extraction against a tree of the whole body (Jackson's `JsonNode.at`,
/// the way it was done before) as the oracle: hand-picked corners, then thousands of random
/// documents and pointers.
class EnrichmentTest {
    private static final JsonMapper TREE = JsonMapper.builder()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();

    private static Optional<List<Object>> values(String body, String... pointers) {
        return Enrichment.values(body.getBytes(StandardCharsets.UTF_8), Arrays.asList(pointers));
    }

    /// What the tree finds: empty when not JSON; a value per pointer, containers as JsonNode.
    private static Optional<List<Object>> oracle(String body, List<String> pointers) {
        JsonNode root;
        try {
            root = TREE.readTree(body);
        } catch (JacksonException e) {
            return Optional.empty();
        }
        if (root == null || root.isMissingNode()) {
            return Optional.empty();
        }
        List<Object> found = new ArrayList<>();
        for (String pointer : pointers) {
            JsonNode node = root.at(pointer);
            found.add(node.isMissingNode() || node.isNull() ? null
                    : node.isTextual() ? node.textValue()
                    : node.isNumber() ? node.decimalValue()
                    : node.isBoolean() ? node.booleanValue()
                    : node);
        }
        return Optional.of(found);
    }

    /// Compares a streamed value with the tree's: numbers by value (the stream keeps the text as
    /// written, the tree its own form), containers as parsed trees.
    private static void assertSame(Object expected, Object actual, String context) throws Exception {
        if (expected instanceof BigDecimal number) {
            assertTrue(actual instanceof JsonNumber, context + ": a number, got " + actual);
            assertEquals(0, number.compareTo(new BigDecimal(((JsonNumber) actual).text())), context);
        } else if (expected instanceof JsonNode node) {
            assertTrue(actual instanceof String, context + ": JSON text, got " + actual);
            assertEquals(node, TREE.readTree((String) actual), context);
        } else {
            assertEquals(expected, actual, context);
        }
    }

    @Test
    void valuesAreCopiedAsWritten() {
        assertEquals(Optional.of(Arrays.asList("Ada", new JsonNumber("1.50"), new JsonNumber("12345678901234567890"),
                        true, false, "Oslo", "[\"a\",1,{\"b\":2.0}]", "{\"city\":\"Oslo\"}", null, null, new JsonNumber("1e5"))),
                values("""
                        {"name":"Ada","score":1.50,"visits":12345678901234567890,"vip":true,"gone":false,
                         "address":{"city":"Oslo"},"tags":["a",1,{"b":2.0}],"note":null,"e":1e5}""",
                        "/name", "/score", "/visits", "/vip", "/gone", "/address/city", "/tags", "/address", "/note",
                        "/nope", "/e"));
    }

    @Test
    void pointersReachIntoArraysAndEscapedNames() {
        assertEquals(Optional.of(Arrays.asList("x", new JsonNumber("2"), "slash", "tilde", null, null, "zero")),
                values("""
                        {"a":[{"b":"x"},[1,2]],"c/d":"slash","e~f":"tilde","0":"zero"}""",
                        "/a/0/b", "/a/1/1", "/c~1d", "/e~0f", "/a/2", "/a/01", "/0"));
    }

    @Test
    void aRepeatedNameCountsByItsLastValue() {
        assertEquals(Optional.of(Arrays.asList(null, new JsonNumber("2"), new JsonNumber("3"))),
                values("{\"a\":{\"b\":1},\"a\":{\"c\":2},\"d\":1,\"d\":3}", "/a/b", "/a/c", "/d"));
    }

    @Test
    void aContainerAndAPointerIntoItAreBothFound() {
        assertEquals(Optional.of(Arrays.asList("{\"b\":[1,{\"c\":\"x\"}]}", "x", "{\"b\":[1,{\"c\":\"x\"}]}")),
                values("{\"a\":{\"b\":[1,{\"c\":\"x\"}]}}", "/a", "/a/b/1/c", "/a"));
    }

    @Test
    void theRootPointerAndRootsThatAreNotObjects() {
        assertEquals(Optional.of(List.of("[1,2]", new JsonNumber("2"))), values("[1,2]", "", "/1"));
        assertEquals(Optional.of(List.of("text")), values("\"text\"", ""));
        assertEquals(Optional.of(Arrays.asList((Object) null)), values("7", "/a"));
    }

    @Test
    void aBodyThatIsNotJsonIsEmpty() {
        for (String body : List.of("", "   ", "{", "{\"a\":1,}", "{\"a\":1} garbage", "{\"a\":1}{}", "nope", "{'a':1}",
                "[1,2", "{\"a\":01}", "{\"a\":NaN}", "<html></html>")) {
            assertEquals(Optional.empty(), values(body, "/a"), body);
        }
    }

    @Test
    void randomDocumentsAgreeWithTheTree() throws Exception {
        var random = new Random(20261201);
        for (int round = 0; round < 3_000; round++) {
            String body = document(random, 0);
            List<String> pointers = new ArrayList<>();
            for (int i = random.nextInt(4) + 1; i > 0; i--) {
                pointers.add(pointer(random));
            }
            Optional<List<Object>> expected = oracle(body, pointers);
            Optional<List<Object>> actual = Enrichment.values(body.getBytes(StandardCharsets.UTF_8), pointers);
            String context = body + " " + pointers;
            assertEquals(expected.isPresent(), actual.isPresent(), context);
            if (expected.isEmpty()) {
                continue;
            }
            for (int i = 0; i < pointers.size(); i++) {
                assertSame(expected.orElseThrow().get(i), actual.orElseThrow().get(i), context + " " + pointers.get(i));
            }
        }
    }

    private static final String[] NAMES = {"a", "b", "0", "1", "c/d", "e~f", ""};

    private static String document(Random random, int depth) {
        int kind = depth > 3 ? 3 + random.nextInt(5) : random.nextInt(8);
        return switch (kind) {
            case 0, 1 -> {
                var out = new StringBuilder("{");
                for (int i = random.nextInt(4); i > 0; i--) {
                    out.append(quoted(NAMES[random.nextInt(NAMES.length)])).append(':').append(document(random, depth + 1));
                    if (i > 1) {
                        out.append(',');
                    }
                }
                yield out.append('}').toString();
            }
            case 2 -> {
                var out = new StringBuilder("[");
                for (int i = random.nextInt(4); i > 0; i--) {
                    out.append(document(random, depth + 1)).append(i > 1 ? "," : "");
                }
                yield out.append(']').toString();
            }
            case 3 -> quoted(random.nextBoolean() ? "x\"y\\z" : "é\u2028ü");
            case 4 -> List.of("0", "-0", "1.50", "1e5", "-2.5E-3", "12345678901234567890123").get(random.nextInt(6));
            case 5 -> random.nextBoolean() ? "true" : "false";
            case 6 -> "null";
            default -> random.nextInt(20) == 0 ? "{\"broken\":" : "7";
        };
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String pointer(Random random) {
        var out = new StringBuilder();
        for (int i = random.nextInt(4); i > 0; i--) {
            out.append('/').append(NAMES[random.nextInt(NAMES.length)].replace("~", "~0").replace("/", "~1"));
        }
        return out.toString();
    }
}
