package dev.fanout.schema;

/// The Table Schema field types of the subset Fanout supports, with their names in a schema.
public enum FieldType {
    STRING("string"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean"),
    DATE("date"),
    TIME("time"),
    DATETIME("datetime"),
    YEAR("year");

    private final String schemaName;

    FieldType(String schemaName) {
        this.schemaName = schemaName;
    }

    /// The type's name in a schema document, e.g. `datetime`.
    public String schemaName() {
        return schemaName;
    }
}
