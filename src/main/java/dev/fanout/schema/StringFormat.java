package dev.fanout.schema;

/// The `format` of a `string` field, each with its schema name. `binary` and other Table Schema
/// formats are not supported and make the schema invalid.
enum StringFormat {
    DEFAULT("default"),
    EMAIL("email"),
    URI("uri"),
    UUID("uuid");

    private final String schemaName;

    StringFormat(String schemaName) {
        this.schemaName = schemaName;
    }

    String schemaName() {
        return schemaName;
    }
}
