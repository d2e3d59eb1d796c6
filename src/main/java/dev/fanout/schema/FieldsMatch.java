package dev.fanout.schema;

/// A schema's `fieldsMatch` (Table Schema v2): how a CSV header must line up with the fields.
/// Without one, Fanout keeps its own rule (columns matched by name in any order, a `required`
/// field must have one, extra columns as the request's `extra` says), which is [#SUPERSET] plus
/// the request's choice about extra columns.
public enum FieldsMatch {
    /// The header names exactly the fields, in the schema's order.
    EXACT("exact"),
    /// The header names exactly the fields, in any order.
    EQUAL("equal"),
    /// The header names every field and may have more columns.
    SUBSET("subset"),
    /// Every column is a field; fields may be missing.
    SUPERSET("superset"),
    /// At least one column is a field; others may be missing, and more columns may come.
    PARTIAL("partial");

    private final String schemaName;

    FieldsMatch(String schemaName) {
        this.schemaName = schemaName;
    }

    /// The mode's name in a schema document, e.g. `subset`.
    public String schemaName() {
        return schemaName;
    }

    /// Whether columns that are not fields are allowed.
    public boolean allowsExtraColumns() {
        return this == SUBSET || this == PARTIAL;
    }

    /// Whether every field must have a column.
    public boolean requiresEveryField() {
        return this == EXACT || this == EQUAL || this == SUBSET;
    }
}
