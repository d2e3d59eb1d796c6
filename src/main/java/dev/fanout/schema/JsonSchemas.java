package dev.fanout.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
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
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/// Compiles the JSON Schema of a field's `jsonSchema` constraint (Table Schema v2) with networknt's
/// json-schema-validator, made safe for a shared gateway: a schema may refer only to itself
/// (`$ref: "#/…"`) — no file or URL is ever fetched, so a schema cannot make the server reach
/// out — and its `pattern`s run on RE2/J in linear time, like the field's own `pattern`.
/// Thread-safe: a compiled schema is shared by every request.
final class JsonSchemas {
    // Jackson's shared bounded pool, not its per-thread default: a connection's virtual thread
    // kept its own buffers (~12 KB) for as long as the connection stayed open.
    static final ObjectMapper JSON = new ObjectMapper(JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build());
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
        inspect(field, tree, tree, patterns, new IdentityHashMap<>());
        try {
            Schema schema = REGISTRY.getSchema(tree);
            // Resolves every $ref now, so that a bad one fails the schema, not the first row.
            schema.initializeValidators();
            return schema;
        } catch (SchemaException | IllegalArgumentException | IllegalStateException e) {
            throw invalid(field, "jsonSchema cannot be used: " + e.getMessage());
        }
    }

    /// Keywords that apply a subschema to the very value in hand, not to a part of it.
    private static final List<String> IN_PLACE = List.of("allOf", "anyOf", "oneOf", "not", "if", "then", "else",
            "dependentSchemas", "dependencies");
    private static final List<String> REFERENCES = List.of("$ref", "$dynamicRef", "$recursiveRef");

    /// One walk over the document, every object of which may be a schema:
    /// - refuses references outside the document and an unknown `$schema` dialect;
    /// - counts every `pattern` and `patternProperties` name against `patterns` before the
    ///   library compiles them (through [Re2Patterns]);
    /// - refuses a loop of references and in-place keywords that never reads deeper into the
    ///   value (`{"$ref": "#"}`, or two `$defs` referring to each other), which the library
    ///   follows until the thread's stack overflows, at every cell. A loop through `properties`,
    ///   `items` and the like ends with the value, and is fine; references by anchor are not
    ///   followed.
    private static void inspect(String field, JsonNode root, JsonNode node, PatternBudget patterns,
            IdentityHashMap<JsonNode, Boolean> done) {
        if (node.isArray()) {
            for (JsonNode item : node) {
                inspect(field, root, item, patterns, done);
            }
            return;
        }
        if (!node.isObject()) {
            return;
        }
        for (var entry : node.properties()) {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            if (REFERENCES.contains(key) && (!value.isTextual() || !value.textValue().startsWith("#"))) {
                throw invalid(field, "jsonSchema may refer only to itself (\"#…\"), not to " + value);
            }
            if (key.equals("$schema") && (!value.isTextual()
                    || SpecificationVersion.fromDialectId(value.textValue()).isEmpty())) {
                throw invalid(field, "jsonSchema's $schema must name a JSON Schema draft (4, 6, 7, 2019-09 or "
                        + "2020-12), not " + value);
            }
            if (key.equals("pattern") && value.isTextual()) {
                patterns.spend(field, value.textValue());
            } else if (key.equals("patternProperties") && value.isObject()) {
                for (var property : value.properties()) {
                    patterns.spend(field, property.getKey());
                }
            }
            inspect(field, root, value, patterns, done);
        }
        follow(field, root, node, done);
    }

    /// Depth-first along in-place edges from `start`: `done` holds false while a schema is on
    /// the path, true once all it leads to is known to end. With a stack of its own, not the
    /// thread's: a chain of references may be as long as the schema.
    private static void follow(String field, JsonNode root, JsonNode start, IdentityHashMap<JsonNode, Boolean> done) {
        if (done.containsKey(start)) {
            return;
        }
        Deque<JsonNode> path = new ArrayDeque<>();
        Deque<Iterator<JsonNode>> next = new ArrayDeque<>();
        done.put(start, false);
        path.push(start);
        next.push(inPlace(root, start).iterator());
        while (!next.isEmpty()) {
            Iterator<JsonNode> edges = next.peek();
            if (!edges.hasNext()) {
                next.pop();
                done.put(path.pop(), true);
                continue;
            }
            JsonNode schema = edges.next();
            if (!schema.isObject()) {
                continue;
            }
            Boolean state = done.get(schema);
            if (state == null) {
                done.put(schema, false);
                path.push(schema);
                next.push(inPlace(root, schema).iterator());
            } else if (!state) {
                throw invalid(field, "jsonSchema refers back to itself without reading deeper into the value "
                        + "(through $ref, allOf, anyOf, oneOf, not, if/then/else or dependentSchemas): it would never end");
            }
        }
    }

    private static List<JsonNode> inPlace(JsonNode root, JsonNode schema) {
        List<JsonNode> next = new ArrayList<>();
        for (String keyword : IN_PLACE) {
            JsonNode value = schema.get(keyword);
            if (value == null) {
                continue;
            }
            if (value.isArray()) {
                value.forEach(next::add);
            } else if (value.isObject() && (keyword.equals("dependentSchemas") || keyword.equals("dependencies"))) {
                value.forEach(next::add);
            } else {
                next.add(value);
            }
        }
        for (String keyword : REFERENCES) {
            JsonNode value = schema.get(keyword);
            if (value != null && value.isTextual()) {
                target(root, value.textValue()).ifPresent(next::add);
            }
        }
        return next;
    }

    /// The node a local reference (`#`, `#/json/pointer`) names; empty for an anchor or a
    /// pointer that names nothing.
    private static Optional<JsonNode> target(JsonNode root, String reference) {
        if (reference.equals("#")) {
            return Optional.of(root);
        }
        if (!reference.startsWith("#/")) {
            return Optional.empty();
        }
        try {
            JsonNode node = root.at(JsonPointer.compile(reference.substring(1)));
            return node.isMissingNode() ? Optional.empty() : Optional.of(node);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
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
