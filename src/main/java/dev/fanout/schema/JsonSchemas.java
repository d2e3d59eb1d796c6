package dev.fanout.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.dialect.BasicDialectRegistry;
import com.networknt.schema.dialect.Dialect;
import com.networknt.schema.dialect.Dialects;
import com.networknt.schema.keyword.AnnotationKeyword;
import com.networknt.schema.regex.RegularExpression;
import com.networknt.schema.regex.RegularExpressionFactory;
import java.util.List;

/// Compiles the JSON Schema of a field's `jsonSchema` constraint (Table Schema v2) with networknt's
/// json-schema-validator, made safe for a shared gateway: a schema may refer only to itself
/// (`$ref: "#/…"`) — no file or URL is ever fetched, so a schema cannot make the server reach
/// out — and its `pattern`s run on RE2/J in linear time, like the field's own `pattern`.
/// Thread-safe: a compiled schema is shared by every request.
final class JsonSchemas {
    static final ObjectMapper JSON = new ObjectMapper();
    // Draft 2020-12 unless the document's `$schema` names another draft.
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(annotating(Dialects.getDraft202012()),
            builder -> builder
                    .dialectRegistry(new BasicDialectRegistry(List.of(annotating(Dialects.getDraft4()),
                            annotating(Dialects.getDraft6()), annotating(Dialects.getDraft7()),
                            annotating(Dialects.getDraft201909()), annotating(Dialects.getDraft202012()))))
                    .schemaRegistryConfig(SchemaRegistryConfig.builder()
                            .regularExpressionFactory(Re2Patterns.INSTANCE)
                            .formatAssertionsEnabled(true)
                            .build())
                    .schemaLoader(loader -> loader.fetchRemoteResources(false)));

    private JsonSchemas() {
    }

    /// `dialect` with keywords it does not know read as annotations, made anew each time. The
    /// library's default for them is one global factory that keeps every unknown name it meets
    /// for good, and logs each: an upload's schema of 20,000 made-up keywords left 20,000 entries
    /// and log lines, and uploads of new names filled the heap.
    private static Dialect annotating(Dialect dialect) {
        return Dialect.builder(dialect).unknownKeywordFactory((value, context) -> new AnnotationKeyword(value)).build();
    }

    /// Compiles `node`; `field` names the field in errors.
    static Schema compile(String field, JsonValue node) {
        return compile(field, node, new PatternBudget());
    }

    /// As above, its `pattern`s and `patternProperties` counted against `patterns`, the budget of
    /// the schema document it is part of.
    static Schema compile(String field, JsonValue node, PatternBudget patterns) {
        if (!node.isObject() && !node.isBoolean()) {
            throw invalid(field, "jsonSchema must be a JSON Schema (an object), not " + node.kind());
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(node.toString());
        } catch (JsonProcessingException e) {
            // Our reader takes what Jackson's limits refuse (a name over 50,000 characters, say).
            throw invalid(field, "jsonSchema cannot be read: " + e.getOriginalMessage());
        }
        checkReferences(field, tree);
        spendPatterns(field, tree, patterns);
        try {
            Schema schema = REGISTRY.getSchema(tree);
            // Resolves every $ref now, so that a bad one fails the schema, not the first row.
            schema.initializeValidators();
            return schema;
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            throw invalid(field, "jsonSchema cannot be used: " + e.getMessage());
        }
    }

    /// Counts every `pattern` and `patternProperties` name in `node` against `patterns` before
    /// the library compiles them (through [Re2Patterns]).
    private static void spendPatterns(String field, JsonNode node, PatternBudget patterns) {
        if (node.isObject()) {
            for (var entry : node.properties()) {
                if (entry.getKey().equals("pattern") && entry.getValue().isTextual()) {
                    patterns.spend(field, entry.getValue().textValue());
                } else if (entry.getKey().equals("patternProperties") && entry.getValue().isObject()) {
                    for (var property : entry.getValue().properties()) {
                        patterns.spend(field, property.getKey());
                    }
                }
                spendPatterns(field, entry.getValue(), patterns);
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                spendPatterns(field, item, patterns);
            }
        }
    }

    /// Refuses references outside the document and an unknown `$schema` dialect.
    private static void checkReferences(String field, JsonNode node) {
        if (node.isObject()) {
            for (var entry : node.properties()) {
                String key = entry.getKey();
                JsonNode value = entry.getValue();
                if ((key.equals("$ref") || key.equals("$dynamicRef") || key.equals("$recursiveRef"))
                        && (!value.isTextual() || !value.textValue().startsWith("#"))) {
                    throw invalid(field, "jsonSchema may refer only to itself (\"#…\"), not to " + value);
                }
                if (key.equals("$schema") && (!value.isTextual()
                        || SpecificationVersion.fromDialectId(value.textValue()).isEmpty())) {
                    throw invalid(field, "jsonSchema's $schema must name a JSON Schema draft (4, 6, 7, 2019-09 or "
                            + "2020-12), not " + value);
                }
                checkReferences(field, value);
            }
        } else if (node.isArray()) {
            for (JsonNode item : node) {
                checkReferences(field, item);
            }
        }
    }

    private static InvalidSchemaException invalid(String field, String problem) {
        return new InvalidSchemaException(field, "field '" + field + "': " + problem);
    }

    /// JSON Schema `pattern`s on RE2/J: linear time whatever the pattern and the cell.
    private enum Re2Patterns implements RegularExpressionFactory {
        INSTANCE;

        @Override
        public RegularExpression getRegularExpression(String regex) {
            var pattern = com.google.re2j.Pattern.compile(regex);
            // JSON Schema patterns are not anchored: they match anywhere in the value.
            return value -> pattern.matcher(value).find();
        }
    }
}
