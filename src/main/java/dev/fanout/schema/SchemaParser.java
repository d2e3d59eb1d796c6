package dev.fanout.schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/// Reads a schema document's top level (`fields`, `missingValues`, `primaryKey`, `uniqueKeys`,
/// `fieldsMatch`) and hands each field to a [FieldParser] and `foreignKeys` to a
/// [ForeignKeyParser]. Other top-level keys are refused or passed over as [SchemaKeywords]
/// decides. Stateless and thread-safe.
final class SchemaParser {
    private SchemaParser() {
    }

    static Schema parse(byte[] json) {
        JsonValue root = readTree(json);
        if (!root.isObject()) {
            throw new InvalidSchemaException(null, "schema must be a JSON object, not " + kind(root));
        }
        JsonValue fieldsNode = root.path("fields");
        if (!fieldsNode.isArray()) {
            throw new InvalidSchemaException(null, fieldsNode.isMissingNode()
                    ? "schema has no fields array" : "fields must be an array, not " + kind(fieldsNode));
        }
        if (fieldsNode.isEmpty()) {
            throw new InvalidSchemaException(null, "fields must not be empty");
        }
        SchemaKeywords.checkSchema(root);
        List<String> names = names(fieldsNode);
        // A set: a key may name every field of a schema of thousands.
        Set<String> fieldNames = new HashSet<>(names);
        List<String> primaryKey = keyFields("primaryKey", root.path("primaryKey"), fieldNames);
        List<List<String>> uniqueKeys = uniqueKeys(root.path("uniqueKeys"), fieldNames);
        MissingValues missingValues = missingValues(null, root.path("missingValues"));
        List<Field> fields = new ArrayList<>(names.size());
        var patterns = new PatternBudget();
        Set<String> keyFields = new HashSet<>(primaryKey);
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            fields.add(new FieldParser(name, fieldsNode.get(i), missingValues, patterns).parse(keyFields.contains(name)));
        }
        checkEnrichNames(fields);
        List<ForeignKey> foreignKeys = ForeignKeyParser.parse(root.path("foreignKeys"), fields);
        checkKeyCount(fields, primaryKey, uniqueKeys, foreignKeys);
        String text = new String(json, StandardCharsets.UTF_8);
        // Without a byte order mark, which JSON sent over a network must not carry (RFC 8259 §8.1).
        return new Schema(fields, missingValues, primaryKey, uniqueKeys, fieldsMatch(root.path("fieldsMatch")), foreignKeys,
                text.startsWith("\uFEFF") ? text.substring(1) : text);
    }

    /// Each key rule (a `unique` field, the `primaryKey`, each of `uniqueKeys` and `foreignKeys`)
    /// holds a key of every row of a chunk while the chunk waits for its turn, outside the run's
    /// key budget: ~28 bytes a row a rule. A 30 KB schema listing the 2,016 pairs of 64 fields as
    /// `uniqueKeys` made a chunk of 1,024 rows hold ~58 MB, the whole default heap; at this limit
    /// a chunk holds under 2 MB.
    static final int MAX_KEY_RULES = 64;

    private static void checkKeyCount(List<Field> fields, List<String> primaryKey, List<List<String>> uniqueKeys,
            List<ForeignKey> foreignKeys) {
        long rules = fields.stream().filter(Field::unique).count() + (primaryKey.isEmpty() ? 0 : 1) + uniqueKeys.size()
                + foreignKeys.size();
        if (rules > MAX_KEY_RULES) {
            throw new InvalidSchemaException(null, "the schema declares " + rules + " keys (unique fields, primaryKey, "
                    + "uniqueKeys and foreignKeys); at most " + MAX_KEY_RULES + " are checked");
        }
    }

    private static Optional<FieldsMatch> fieldsMatch(JsonValue node) {
        if (node.isMissingNode()) {
            return Optional.empty();
        }
        if (node.isTextual()) {
            for (FieldsMatch mode : FieldsMatch.values()) {
                if (mode.schemaName().equals(node.textValue())) {
                    return Optional.of(mode);
                }
            }
        }
        throw new InvalidSchemaException(null, "fieldsMatch must be one of exact, equal, subset, superset, partial, "
                + "not " + node);
    }

    /// `uniqueKeys` (v2): an array of keys, each an array of field names whose values together
    /// must be unique.
    private static List<List<String>> uniqueKeys(JsonValue node, Set<String> names) {
        if (node.isMissingNode()) {
            return List.of();
        }
        if (!node.isArray() || node.isEmpty()) {
            throw new InvalidSchemaException(null, "uniqueKeys must be a non-empty array of arrays of field names");
        }
        List<List<String>> keys = new ArrayList<>(node.size());
        for (JsonValue key : node) {
            if (!key.isArray() || key.isEmpty()) {
                throw new InvalidSchemaException(null, "uniqueKeys must be a non-empty array of arrays of field names, "
                        + "but has " + key);
            }
            keys.add(keyFields("uniqueKeys", key, names));
        }
        return keys;
    }

    /// The most JSON values a schema document may hold. Its tree takes ~80 bytes a value while it
    /// is parsed: a 1 MiB array of zeros took ~41 MB of the heap, and admission does not count
    /// it. A schema of real use holds a few thousand; this is ~4 MB.
    static final int MAX_VALUES = 50_000;

    /// The most values a `missingValues`, `trueValues` or `falseValues` list may have: every cell is
    /// looked for among them, and 346,000 of them in a 1 MiB schema cost ~190 µs a cell.
    static final int MAX_LISTED_VALUES = 64;

    /// A field's or the schema's `missingValues`: strings, or (v2) objects `{"value": …, "label": …}`
    /// whose label is an annotation.
    static MissingValues missingValues(String field, JsonValue node) {
        String where = field == null ? "missingValues" : "field '" + field + "': missingValues";
        if (node.isMissingNode()) {
            return MissingValues.DEFAULT;
        }
        if (!node.isArray()) {
            throw new InvalidSchemaException(field, where + " must be an array of strings or of {\"value\": …} objects");
        }
        if (node.size() > MAX_LISTED_VALUES) {
            throw new InvalidSchemaException(field, where + " has " + node.size() + " values; at most "
                    + MAX_LISTED_VALUES + " are read");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonValue value : node) {
            if (value.isTextual()) {
                values.add(value.textValue());
            } else if (value.isObject() && value.path("value").isTextual()
                    && (!value.has("label") || value.get("label").isTextual())) {
                values.add(value.get("value").textValue());
            } else {
                throw new InvalidSchemaException(field, where + " must be an array of strings or of "
                        + "{\"value\": string, \"label\": string} objects, but has " + value);
            }
        }
        return values.equals(List.of("")) ? MissingValues.DEFAULT : new MissingValues(values);
    }

    /// Enriched values go into `data` next to the fields: their names must not hide a field or
    /// each other.
    private static void checkEnrichNames(List<Field> fields) {
        java.util.Set<String> taken = new java.util.HashSet<>();
        fields.forEach(f -> taken.add(f.name()));
        for (Field field : fields) {
            for (String name : field.lookup().map(l -> l.enrich().keySet()).orElse(java.util.Set.of())) {
                if (!taken.add(name)) {
                    throw new InvalidSchemaException(field.name(), "field '" + field.name() + "': x-lookup enrich name '"
                            + name + "' is already a field or another enrich name");
                }
            }
        }
    }

    private static JsonValue readTree(byte[] json) {
        try {
            // Duplicate keys and trailing content are errors rather than silently resolved.
            JsonValue root = JsonReader.read(json, MAX_VALUES);
            if (root.isMissingNode()) {
                throw new InvalidSchemaException(null, "schema is empty");
            }
            return root;
        } catch (JsonReader.TooManyValuesException e) {
            throw new InvalidSchemaException(null, "schema holds more than " + MAX_VALUES + " JSON values (objects, "
                    + "arrays, strings, numbers); at most " + MAX_VALUES + " are read");
        } catch (JsonReader.MalformedJsonException e) {
            throw new InvalidSchemaException(null, "schema is not valid JSON: " + e.getMessage());
        }
    }

    private static List<String> names(JsonValue fieldsNode) {
        List<String> names = new ArrayList<>(fieldsNode.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < fieldsNode.size(); i++) {
            JsonValue field = fieldsNode.get(i);
            String position = "field #" + (i + 1);
            if (!field.isObject()) {
                throw new InvalidSchemaException(null, position + " must be an object, not " + kind(field));
            }
            JsonValue name = field.path("name");
            if (!name.isTextual() || name.textValue().isEmpty()) {
                throw new InvalidSchemaException(null, position + (name.isMissingNode()
                        ? " has no name" : " must have a non-empty string name"));
            }
            if (!seen.add(name.textValue())) {
                throw new InvalidSchemaException(name.textValue(),
                        "field '" + name.textValue() + "': the name is used by more than one field");
            }
            names.add(name.textValue());
        }
        return names;
    }

    /// The field names of `primaryKey` or one of `uniqueKeys`: a name or an array of names, each
    /// a field of the schema, none twice.
    private static List<String> keyFields(String keyword, JsonValue node, Set<String> names) {
        if (node.isMissingNode()) {
            return List.of();
        }
        List<String> key = new ArrayList<>();
        if (node.isTextual()) {
            key.add(node.textValue());
        } else if (node.isArray()) {
            for (JsonValue part : node) {
                if (!part.isTextual()) {
                    throw new InvalidSchemaException(null, keyword + " must be a field name or an array of "
                            + "field names, but has " + part);
                }
                key.add(part.textValue());
            }
        } else {
            throw new InvalidSchemaException(null, keyword + " must be a field name or an array of field names");
        }
        Set<String> seen = new HashSet<>();
        for (String name : key) {
            if (!names.contains(name)) {
                throw new InvalidSchemaException(name, keyword + " names field '" + name
                        + "', which is not in the schema");
            }
            if (!seen.add(name)) {
                throw new InvalidSchemaException(name, keyword + " names field '" + name + "' twice");
            }
        }
        return key;
    }

    /// The JSON kind of a node, for messages: `an array`, `a string`, `null`.
    static String kind(JsonValue node) {
        return node.kind();
    }
}
