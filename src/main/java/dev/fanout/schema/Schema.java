package dev.fanout.schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/// A parsed Frictionless Table Schema (v1 and v2): its fields in document order, its missing
/// values, its primary key, unique keys, foreign keys and `fieldsMatch` rule. Build one with
/// [#parse] or take the bundled [#people] example. Immutable and thread-safe; no method returns
/// `null`.
public final class Schema {
    private final List<Field> fields;
    private final Map<String, Integer> indexes;
    private final MissingValues missingValues;
    private final List<String> primaryKey;
    private final List<List<String>> uniqueKeys;
    private final Optional<FieldsMatch> fieldsMatch;
    private final List<ForeignKey> foreignKeys;
    private final List<String> lookupUpstreams;
    private final String json;

    Schema(List<Field> fields, MissingValues missingValues, List<String> primaryKey, List<List<String>> uniqueKeys,
            Optional<FieldsMatch> fieldsMatch, List<ForeignKey> foreignKeys, String json) {
        this.foreignKeys = List.copyOf(foreignKeys);
        this.fields = List.copyOf(fields);
        Map<String, Integer> indexes = new HashMap<>();
        for (int i = 0; i < fields.size(); i++) {
            indexes.put(fields.get(i).name(), i);
        }
        this.indexes = Map.copyOf(indexes);
        this.missingValues = missingValues;
        this.primaryKey = List.copyOf(primaryKey);
        this.uniqueKeys = uniqueKeys.stream().map(List::copyOf).toList();
        this.fieldsMatch = fieldsMatch;
        // Worked out once here: every request asks.
        List<String> upstreams = new ArrayList<>();
        for (Field field : fields) {
            field.lookup().map(Lookup::upstream).filter(u -> !upstreams.contains(u)).ifPresent(upstreams::add);
        }
        this.lookupUpstreams = List.copyOf(upstreams);
        this.json = json;
    }

    /// Parses a Table Schema document (UTF-8 JSON).
    ///
    /// @throws InvalidSchemaException when the document is not JSON or not a schema Fanout can
    ///     run; the message names the offending field
    public static Schema parse(byte[] json) {
        return SchemaParser.parse(json);
    }

    /// The bundled `people` schema: `id` (integer, required, minimum 1), `name` (string,
    /// required), `email` (string, format email, required), `age` (integer, 0 to 150) and
    /// `city` (string, at most 64 characters).
    public static Schema people() {
        return People.SCHEMA;
    }

    /// The fields in document order.
    public List<Field> fields() {
        return fields;
    }

    public Optional<Field> field(String name) {
        Integer index = indexes.get(name);
        return index == null ? Optional.empty() : Optional.of(fields.get(index));
    }

    /// The position of the named field in [#fields], or -1 when the schema has no such field.
    public int indexOf(String name) {
        return indexes.getOrDefault(name, -1);
    }

    /// Whether a cell is one of the schema's `missingValues` (by default only the empty string).
    /// A field with its own `missingValues` uses those instead: see [Field#missingValues()].
    public boolean isMissing(String raw) {
        return missingValues.contains(raw);
    }

    /// Whether the cell `utf8[start, end)` is one of the schema's `missingValues`.
    public boolean isMissing(byte[] utf8, int start, int end) {
        return missingValues.contains(utf8, start, end);
    }

    /// The names of the primary key's fields, in key order; empty when the schema has none.
    public List<String> primaryKey() {
        return primaryKey;
    }

    /// The `uniqueKeys` (Table Schema v2): each a list of field names whose values together must
    /// be unique; rows with a missing value in any of them are not compared. Empty when none.
    public List<List<String>> uniqueKeys() {
        return uniqueKeys;
    }

    /// The `fieldsMatch` rule (v2), or empty for Fanout's own header rule (see [FieldsMatch]).
    public Optional<FieldsMatch> fieldsMatch() {
        return fieldsMatch;
    }

    /// The `foreignKeys`, in document order; empty when the schema has none.
    public List<ForeignKey> foreignKeys() {
        return foreignKeys;
    }

    /// Whether a foreign key names a reference table (not the file itself): such a schema needs
    /// the tables to run.
    public boolean referencesTables() {
        for (ForeignKey key : foreignKeys) {
            if (!key.selfReference()) {
                return true;
            }
        }
        return false;
    }

    /// Whether any field has an `x-lookup`.
    public boolean hasLookups() {
        return !lookupUpstreams.isEmpty();
    }

    /// The upstreams the fields' `x-lookup`s name, each once, in field order.
    public List<String> lookupUpstreams() {
        return lookupUpstreams;
    }

    /// The document as it was given (less a byte order mark), for `GET /v1/schemas/{name}`.
    public String json() {
        return json;
    }

    @Override
    public String toString() {
        return "Schema" + fields;
    }

    // Parsed on first use and then shared: a Schema is immutable.
    private static final class People {
        /// The bundled schema's document, byte for byte
        /// `src/main/resources/dev/fanout/schema/people.json` (which the image and the Kubernetes
        /// manifests copy; `SchemaTest` holds the two equal). A constant rather than a class-path
        /// resource: the first resource lookup searches every module of the platform and
        /// application class loaders before the jar, ~5 ms of a 20-row `fanout validate`.
        static final String JSON = """
            {
              "fields": [
                {"name": "id", "type": "integer", "constraints": {"required": true, "minimum": 1}},
                {"name": "name", "type": "string", "constraints": {"required": true}},
                {"name": "email", "type": "string", "format": "email", "constraints": {"required": true}},
                {"name": "age", "type": "integer", "constraints": {"minimum": 0, "maximum": 150}},
                {"name": "city", "type": "string", "constraints": {"maxLength": 64}}
              ]
            }
            """;
        static final Schema SCHEMA = parse(JSON.getBytes(StandardCharsets.UTF_8));
    }
}
