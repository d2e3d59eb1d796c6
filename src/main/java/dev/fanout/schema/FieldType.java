package dev.fanout.schema;

/// The Table Schema field types Fanout supports, with their names in a schema: every type of
/// Table Schema v1 and v2, `list` included.
public enum FieldType {
    STRING("string"),
    INTEGER("integer"),
    NUMBER("number"),
    BOOLEAN("boolean"),
    DATE("date"),
    TIME("time"),
    DATETIME("datetime"),
    YEAR("year"),
    YEARMONTH("yearmonth"),
    DURATION("duration"),
    GEOPOINT("geopoint"),
    GEOJSON("geojson"),
    ARRAY("array"),
    OBJECT("object"),
    LIST("list"),
    ANY("any");

    private final String schemaName;

    FieldType(String schemaName) {
        this.schemaName = schemaName;
    }

    /// The type's name in a schema document, e.g. `datetime`.
    public String schemaName() {
        return schemaName;
    }
}
