package dev.fanout.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/// Reads a schema document's top level (`fields`, `missingValues`, `primaryKey`, `foreignKeys`) and
/// hands each field to a [FieldParser] (and `foreignKeys` to a [ForeignKeyParser]). Unknown top-level keys are ignored. Stateless and thread-safe.
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
        List<String> names = names(fieldsNode);
        List<String> primaryKey = primaryKey(root.path("primaryKey"), names);
        List<Field> fields = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String name = names.get(i);
            fields.add(new FieldParser(name, fieldsNode.get(i)).parse(primaryKey.contains(name)));
        }
        checkEnrichNames(fields);
        List<ForeignKey> foreignKeys = ForeignKeyParser.parse(root.path("foreignKeys"), fields);
        return new Schema(fields, missingValues(root.path("missingValues")), primaryKey, foreignKeys,
                new String(json, StandardCharsets.UTF_8));
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
            JsonValue root = JsonValue.parse(json);
            if (root == null || root.isMissingNode()) {
                throw new InvalidSchemaException(null, "schema is empty");
            }
            return root;
        } catch (JsonProcessingException e) {
            throw new InvalidSchemaException(null, "schema is not valid JSON: " + describe(e));
        } catch (CharConversionException e) {
            // Zero bytes make Jackson take the document for UTF-32, whose decoder fails with this.
            throw new InvalidSchemaException(null, "schema is not valid JSON: " + e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException("reading a schema from memory", e);
        }
    }

    /// Jackson's own message without its source excerpt, plus where the problem is.
    private static String describe(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        int source = message.indexOf("[Source");
        if (source >= 0) {
            // Drops the whole parenthesised "(for Array starting at [Source: …])" aside.
            int aside = message.lastIndexOf(" (", source);
            message = message.substring(0, aside >= 0 ? aside : source).strip();
        }
        var location = e.getLocation();
        return location == null || location.getLineNr() < 0
                ? message
                : message + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
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

    private static List<String> missingValues(JsonValue node) {
        if (node.isMissingNode()) {
            return List.of("");
        }
        if (!node.isArray()) {
            throw new InvalidSchemaException(null, "missingValues must be an array of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonValue value : node) {
            if (!value.isTextual()) {
                throw new InvalidSchemaException(null, "missingValues must be an array of strings, but has "
                        + value);
            }
            values.add(value.textValue());
        }
        return values;
    }

    private static List<String> primaryKey(JsonValue node, List<String> names) {
        if (node.isMissingNode()) {
            return List.of();
        }
        List<String> key = new ArrayList<>();
        if (node.isTextual()) {
            key.add(node.textValue());
        } else if (node.isArray()) {
            for (JsonValue part : node) {
                if (!part.isTextual()) {
                    throw new InvalidSchemaException(null, "primaryKey must be a field name or an array of "
                            + "field names, but has " + part);
                }
                key.add(part.textValue());
            }
        } else {
            throw new InvalidSchemaException(null, "primaryKey must be a field name or an array of field names");
        }
        Set<String> seen = new HashSet<>();
        for (String name : key) {
            if (!names.contains(name)) {
                throw new InvalidSchemaException(name, "primaryKey names field '" + name
                        + "', which is not in the schema");
            }
            if (!seen.add(name)) {
                throw new InvalidSchemaException(name, "primaryKey names field '" + name + "' twice");
            }
        }
        return key;
    }

    /// The JSON kind of a node, for messages: `an array`, `a string`, `null`.
    static String kind(JsonValue node) {
        return node.kind();
    }
}
