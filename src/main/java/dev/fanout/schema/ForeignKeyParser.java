package dev.fanout.schema;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/// Reads a schema's top-level `foreignKeys` (Table Schema v1 and v2): an array of
/// `{"fields": …, "reference": {"resource": …, "fields": …}}`, where each `fields` is a name or an
/// array of names. A shape Fanout cannot check is an [InvalidSchemaException] naming the key and
/// the problem. Stateless and thread-safe.
final class ForeignKeyParser {
    /// A resource names a file `NAME.csv` in the schema folder: the same names as schemas, so
    /// that no name can lead out of the folder.
    private static final Pattern RESOURCE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Set<String> KEYS = Set.of("fields", "reference");
    private static final Set<String> REFERENCE_KEYS = Set.of("resource", "fields");

    private ForeignKeyParser() {
    }

    /// The foreign keys of `root`, none when it has no `foreignKeys`. Self-references are
    /// checked against `fields` too: their reference fields must exist and have the local
    /// fields' types (values of different types never compare equal).
    static List<ForeignKey> parse(JsonValue node, List<Field> fields) {
        if (node.isMissingNode()) {
            return List.of();
        }
        if (!node.isArray()) {
            throw new InvalidSchemaException(null, "foreignKeys must be an array, not " + node.kind());
        }
        List<ForeignKey> keys = new ArrayList<>(node.size());
        // By name: a key may name every field of a schema of thousands.
        Map<String, Field> byName = new HashMap<>();
        for (Field field : fields) {
            byName.put(field.name(), field);
        }
        for (int i = 0; i < node.size(); i++) {
            keys.add(parseOne(node.get(i), "foreignKeys #" + (i + 1), byName));
        }
        return List.copyOf(keys);
    }

    private static ForeignKey parseOne(JsonValue node, String where, Map<String, Field> fields) {
        if (!node.isObject()) {
            throw new InvalidSchemaException(null, where + " must be an object, not " + node.kind());
        }
        unknownKeys(node, KEYS, where);
        List<String> local = names(node.path("fields"), where + ": fields");
        for (String name : local) {
            if (field(fields, name) == null) {
                throw new InvalidSchemaException(name, where + ": field '" + name + "' is not in the schema");
            }
        }
        JsonValue reference = node.path("reference");
        if (!reference.isObject()) {
            throw new InvalidSchemaException(local.getFirst(), where + (reference.isMissingNode()
                    ? " has no reference" : ": reference must be an object, not " + reference.kind()));
        }
        unknownKeys(reference, REFERENCE_KEYS, where + ": reference");
        JsonValue resourceNode = reference.path("resource");
        // v2 lets a self-reference leave the resource out; v1 writes "".
        if (!resourceNode.isMissingNode() && !resourceNode.isTextual()) {
            throw new InvalidSchemaException(local.getFirst(), where + ": reference.resource must be a string, not "
                    + resourceNode.kind());
        }
        String resource = resourceNode.isMissingNode() ? "" : resourceNode.textValue();
        if (!resource.isEmpty() && !RESOURCE.matcher(resource).matches()) {
            throw new InvalidSchemaException(local.getFirst(), where + ": reference.resource '" + resource
                    + "' is not a reference table name (letters, digits, '.', '_', '-'; not starting with one of the last three)");
        }
        List<String> referenced = names(reference.path("fields"), where + ": reference.fields");
        if (referenced.size() != local.size()) {
            throw new InvalidSchemaException(local.getFirst(), where + ": fields has " + local.size()
                    + " name(s) and reference.fields " + referenced.size() + "; they must pair up");
        }
        if (resource.isEmpty()) {
            for (int k = 0; k < local.size(); k++) {
                Field to = field(fields, referenced.get(k));
                if (to == null) {
                    throw new InvalidSchemaException(local.get(k), where + ": reference.fields names '" + referenced.get(k)
                            + "', which is not in the schema (a reference to this table itself)");
                }
                Field from = field(fields, local.get(k));
                if (from.type() != to.type()) {
                    throw new InvalidSchemaException(local.get(k), where + ": field '" + local.get(k) + "' is "
                            + from.type().schemaName() + " and '" + to.name() + "' is " + to.type().schemaName()
                            + ": values of different types never match");
                }
            }
        }
        return new ForeignKey(local, resource, referenced);
    }

    /// A name or a non-empty array of distinct names.
    private static List<String> names(JsonValue node, String what) {
        if (node.isMissingNode()) {
            throw new InvalidSchemaException(null, what + " is missing");
        }
        List<String> names = new ArrayList<>();
        if (node.isTextual()) {
            names.add(node.textValue());
        } else if (node.isArray()) {
            for (JsonValue name : node) {
                if (!name.isTextual()) {
                    throw new InvalidSchemaException(null, what + " must be a field name or an array of field names, but has "
                            + name);
                }
                names.add(name.textValue());
            }
        } else {
            throw new InvalidSchemaException(null, what + " must be a field name or an array of field names, not "
                    + node.kind());
        }
        if (names.isEmpty()) {
            throw new InvalidSchemaException(null, what + " must name at least one field");
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (name.isEmpty()) {
                throw new InvalidSchemaException(null, what + " has an empty name");
            }
            if (!seen.add(name)) {
                throw new InvalidSchemaException(name, what + " names '" + name + "' twice");
            }
        }
        return names;
    }

    /// A misspelt key would turn the check off unnoticed (as in `constraints`).
    private static void unknownKeys(JsonValue node, Set<String> known, String where) {
        for (String key : node.fieldNames()) {
            if (!known.contains(key)) {
                throw new InvalidSchemaException(null, where + " has an unknown key '" + key + "'");
            }
        }
    }

    private static @Nullable Field field(Map<String, Field> fields, String name) {
        return fields.get(name);
    }
}
