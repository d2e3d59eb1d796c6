package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.fanout.engine.EngineOptions;
import dev.fanout.engine.LookupAnswer;
import dev.fanout.engine.Lookups;
import dev.fanout.engine.RunOutcome;
import dev.fanout.engine.ValidationEngine;
import dev.fanout.engine.ValidationRun;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/// Coverage-guided fuzzing of [Schema#parse] (`SchemaParser`, `FieldParser`, `ConstraintsParser`,
/// `LookupParser`, `JsonValue`) on arbitrary bytes as a schema document. Its contract: a document
/// is refused with an [InvalidSchemaException], nothing else; and a schema that parses can be
/// used: every field checks a spread of cells without an exception, and the engine validates a
/// CSV whose header is the schema's fields and whose rows are those cells, writing one JSON
/// object per line and no error line (lookups, if any, answered by a stand-in upstream).
///
/// Regression inputs: `src/test/resources/dev/fanout/schema/SchemaParserFuzzTestInputs/schema/`;
/// `scripts/fuzz schema` searches for new ones.
class SchemaParserFuzzTest {
    private static final JsonMapper JACKSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    /// One cell of every shape the types and constraints look for, and a few they do not.
    private static final List<String> CELLS = List.of("", "0", "1", "-1", "007", "1.50", "1e3", "1,000", "NaN",
            "-INF", "true", "FALSE", "x", "abc", "2024", "2024-02-29", "23:59:59.5", "2024-02-29T12:30:00+05:30",
            "31/12/2024", "a@example.org", "https://example.org/a?b", "123e4567-e89b-12d3-a456-426614174000",
            "é李😀", " 1 ", "\"q\"");
    /// A stand-in upstream: every value is found, and every enrich value is the value itself.
    private static final Lookups FOUND = (lookup, value) ->
            new LookupAnswer(Optional.empty(), Collections.nCopies(lookup.enrich().size(), value));

    @FuzzTest
    void schema(byte[] json) {
        Schema schema;
        try {
            schema = Schema.parse(json);
        } catch (InvalidSchemaException refused) {
            assertFalse(refused.getMessage() == null || refused.getMessage().isBlank(), "a refusal without a reason");
            return;
        }
        assertFalse(schema.fields().isEmpty(), "a schema without fields");
        for (Field field : schema.fields()) {
            assertEquals(field, schema.field(field.name()).orElseThrow());
            for (String raw : CELLS) {
                List<Violation> violations = new ArrayList<>();
                Object typed = field.check(raw, violations);
                field.uniqueKey(typed);
            }
        }
        validatesRows(schema);
    }

    private static void validatesRows(Schema schema) {
        var csv = new StringBuilder();
        csv.append(String.join(",", schema.fields().stream().map(f -> quoted(f.name())).toList())).append('\n');
        for (String raw : CELLS) {
            csv.append(String.join(",", Collections.nCopies(schema.fields().size(), quoted(raw)))).append('\n');
        }
        var out = new ByteArrayOutputStream();
        var options = EngineOptions.defaults().withSummary(true).withWorkers(2).withChunkRows(4);
        try (ValidationRun run = new ValidationEngine().open(
                new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), schema, options,
                schema.hasLookups() ? FOUND : Lookups.NONE)) {
            RunOutcome outcome = run.writeTo(out);
            assertEquals(Optional.empty(), outcome.error(), "the run ended with an error line");
            assertEquals(CELLS.size(), outcome.summary().rows());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            JsonNode node;
            try {
                node = JACKSON.readTree(line);
            } catch (JacksonException e) {
                throw new AssertionError("not JSON: " + line, e);
            }
            assertTrue(node.isObject(), line);
        }
    }

    private static String quoted(String cell) {
        return '"' + cell.replace("\"", "\"\"") + '"';
    }
}
