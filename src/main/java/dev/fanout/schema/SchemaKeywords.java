package dev.fanout.schema;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/// Which keywords of a schema document Fanout reads, which it refuses, and which it passes over.
///
/// A keyword that asks for a check (a key, a type option, a header rule) that Fanout does not
/// perform is refused with its name: a schema must never be accepted as if it were enforced when
/// it is not. Annotations (`title`, `description`, `rdfType`, `$schema`…) and custom properties,
/// which the Table Schema specification allows, are accepted and change nothing — except a key
/// that differs from a checking keyword only in letter case (`primarykey`, `truevalues`): that is
/// a typo that would switch a check off, so it is refused with the right spelling.
final class SchemaKeywords {
    /// Top-level keywords Fanout enforces.
    static final List<String> SCHEMA_CHECKS = List.of("fields", "missingValues", "primaryKey", "uniqueKeys",
            "fieldsMatch", "foreignKeys");
    /// Top-level keywords of Table Schema v1/v2 that ask for checks Fanout does not perform, with why.
    static final Map<String, String> SCHEMA_REFUSED = Map.of();
    /// Field keywords Fanout enforces (type options are checked against the type by [FieldParser]).
    static final List<String> FIELD_CHECKS = List.of("name", "type", "format", "constraints", "missingValues",
            "trueValues", "falseValues", "bareNumber", "groupChar", "decimalChar", "categories",
            "categoriesOrdered", "delimiter", "itemType", "x-lookup");
    /// Field keywords of Table Schema v1/v2 that ask for checks Fanout does not perform.
    static final Map<String, String> FIELD_REFUSED = Map.of();
    /// Annotations the specification names; listed so that a test can walk them.
    static final List<String> SCHEMA_ANNOTATIONS = List.of("$schema", "name", "title", "description", "profile");
    static final List<String> FIELD_ANNOTATIONS = List.of("title", "description", "example", "rdfType");

    private SchemaKeywords() {
    }

    /// Refuses the schema's top-level keywords that ask for what Fanout does not do.
    static void checkSchema(JsonValue root) {
        for (String key : root.fieldNames()) {
            String refused = SCHEMA_REFUSED.get(key);
            if (refused != null) {
                throw new InvalidSchemaException(null, "schema keyword '" + key + "' is not supported: " + refused);
            }
            String meant = misspelt(key, SCHEMA_CHECKS, SCHEMA_REFUSED);
            if (meant != null) {
                throw new InvalidSchemaException(null, "schema keyword '" + key + "' is not a Table Schema keyword; "
                        + "did you mean '" + meant + "'? (keywords are case-sensitive)");
            }
        }
    }

    /// Refuses a field's keywords that ask for what Fanout does not do.
    static void checkField(String name, JsonValue field) {
        for (String key : field.fieldNames()) {
            String refused = FIELD_REFUSED.get(key);
            if (refused != null) {
                throw new InvalidSchemaException(name, "field '" + name + "': keyword '" + key + "' is not supported: "
                        + refused);
            }
            String meant = misspelt(key, FIELD_CHECKS, FIELD_REFUSED);
            if (meant != null) {
                throw new InvalidSchemaException(name, "field '" + name + "': '" + key + "' is not a Table Schema "
                        + "keyword; did you mean '" + meant + "'? (keywords are case-sensitive)");
            }
        }
    }

    /// The checking keyword that `key` spells in another letter case, or null.
    private static String misspelt(String key, List<String> checks, Map<String, String> refused) {
        String lower = key.toLowerCase(Locale.ROOT);
        for (String check : checks) {
            if (!check.equals(key) && check.toLowerCase(Locale.ROOT).equals(lower)) {
                return check;
            }
        }
        for (String check : refused.keySet()) {
            if (!check.equals(key) && check.toLowerCase(Locale.ROOT).equals(lower)) {
                return check;
            }
        }
        return null;
    }
}
