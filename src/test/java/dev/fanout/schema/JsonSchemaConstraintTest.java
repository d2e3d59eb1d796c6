package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/// The `jsonSchema` constraint's compiler and check, on their own: what a field's JSON Schema
/// accepts, what it reports, and what a schema may not do on a shared gateway (fetch, backtrack).
class JsonSchemaConstraintTest {
    private static Constraint.JsonSchemaConstraint constraint(String jsonSchema) throws Exception {
        JsonValue node = JsonReader.read(jsonSchema.getBytes(StandardCharsets.UTF_8));
        return new Constraint.JsonSchemaConstraint(JsonSchemas.compile("f", node));
    }

    private static List<Violation> check(Constraint constraint, String cell) {
        List<Violation> violations = new ArrayList<>();
        constraint.check(Cell.of(cell), violations);
        return violations;
    }

    /// Unknown keywords are annotations, and nothing keeps them: the library's own factory kept
    /// every name it met for good (uploads of new names filled the heap). Looked at through its
    /// private map, the one place that shows it.
    @Test
    void unknownKeywordsAreNotKeptByTheLibrary() throws Exception {
        var keywords = com.networknt.schema.keyword.UnknownKeywordFactory.class.getDeclaredField("keywords");
        keywords.setAccessible(true);
        var kept = (java.util.Map<?, ?>) keywords.get(com.networknt.schema.keyword.UnknownKeywordFactory.getInstance());
        int before = kept.size();
        var names = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            names.append(",\"x-made-up-").append(System.nanoTime()).append('-').append(i).append("\":0");
        }
        for (String dialect : new String[] {"", "\"$schema\":\"http://json-schema.org/draft-07/schema#\","}) {
            var c = constraint("{" + dialect + "\"type\":\"object\",\"required\":[\"id\"]" + names + "}");
            assertEquals(List.of(), check(c, "{\"id\":1}"));
            assertEquals(1, check(c, "{}").size(), "the known keywords still check");
        }
        assertEquals(before, kept.size());
    }

    /// The library follows a loop of references that reads nothing deeper until the stack
    /// overflows, at every cell: such a schema is refused. A loop through a value's parts ends.
    @Test
    void aLoopThatNeverReadsDeeperIsRefusedAndOneThatDoesIsNot() throws Exception {
        for (String looping : new String[] {
                "{\"$ref\":\"#\"}",
                "{\"$defs\":{\"a\":{\"$ref\":\"#/$defs/b\"},\"b\":{\"allOf\":[{\"$ref\":\"#/$defs/a\"}]}},\"$ref\":\"#/$defs/a\"}",
                "{\"properties\":{\"p\":{\"anyOf\":[{\"type\":\"string\"},{\"$ref\":\"#/properties/p\"}]}}}",
                "{\"definitions\":{\"n\":{\"not\":{\"$ref\":\"#/definitions/n\"}}}}"}) {
            var e = assertThrows(InvalidSchemaException.class, () -> constraint(looping), looping);
            assertTrue(e.getMessage().startsWith("field 'f': jsonSchema refers back to itself without reading deeper"), e.getMessage());
        }
        var tree = constraint("{\"type\":\"object\",\"properties\":{\"children\":{\"type\":\"array\",\"items\":{\"$ref\":\"#\"}}}}");
        assertEquals(List.of(), check(tree, "{\"children\":[{\"children\":[]},{}]}"));
        assertEquals(1, check(tree, "{\"children\":[{\"children\":3}]}").size());
    }

    @Test
    void aValueTheSchemaAcceptsPasses() throws Exception {
        var c = constraint("{\"type\":\"object\",\"required\":[\"id\"],\"properties\":{\"id\":{\"type\":\"integer\"}}}");
        assertEquals(List.of(), check(c, "{\"id\":3}"));
    }

    @Test
    void aValueTheSchemaRefusesIsOneViolationWithTheFirstFinding() throws Exception {
        var c = constraint("{\"type\":\"object\",\"required\":[\"id\",\"name\"],\"properties\":{\"id\":{\"type\":\"integer\"}}}");
        List<Violation> violations = check(c, "{\"id\":\"x\"}");
        assertEquals(1, violations.size());
        assertEquals(ErrorCode.JSON_SCHEMA, violations.getFirst().code());
        String message = violations.getFirst().message();
        assertTrue(message.startsWith("\"{\\\"id\\\":\\\"x\\\"}\" does not match the field's jsonSchema: ")
                || message.startsWith("\"{\"id\":\"x\"}\" does not match the field's jsonSchema: "), message);
        assertTrue(message.endsWith("(and 1 more)"), message);
    }

    @Test
    void aSchemaMayReferOnlyToItself() throws Exception {
        var local = constraint("{\"$defs\":{\"n\":{\"type\":\"integer\"}},\"type\":\"array\",\"items\":{\"$ref\":\"#/$defs/n\"}}");
        assertEquals(List.of(), check(local, "[1,2]"));
        assertEquals(1, check(local, "[1,\"a\"]").size());
        var remote = assertThrows(InvalidSchemaException.class,
                () -> constraint("{\"$ref\":\"http://127.0.0.1:9/s.json\"}"));
        assertEquals("field 'f': jsonSchema may refer only to itself (\"#…\"), not to \"http://127.0.0.1:9/s.json\"",
                remote.getMessage());
    }

    @Test
    void anUnknownDialectIsRefused() {
        var e = assertThrows(InvalidSchemaException.class, () -> constraint("{\"$schema\":\"https://example.org/mine\"}"));
        assertTrue(e.getMessage().startsWith("field 'f': jsonSchema's $schema must name a JSON Schema draft"), e.getMessage());
    }

    @Test
    void patternsRunInLinearTime() throws Exception {
        // Catastrophic for a backtracking engine on a long run of a's ending in b.
        var c = constraint("{\"type\":\"string\",\"pattern\":\"^(a+)+$\"}");
        assertEquals(List.of(), check(c, "\"aaaa\""));
        assertEquals(1, check(c, "\"" + "a".repeat(5000) + "b\"").size());
    }

    @Test
    void aSchemaThatIsNotAnObjectIsRefused() {
        var e = assertThrows(InvalidSchemaException.class, () -> constraint("[1]"));
        assertEquals("field 'f': jsonSchema must be a JSON Schema (an object), not an array", e.getMessage());
    }
}
