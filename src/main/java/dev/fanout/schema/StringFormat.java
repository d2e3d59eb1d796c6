package dev.fanout.schema;

/// The `format` of a `string` field, each with its schema name. Formats not listed make the
/// schema invalid.
enum StringFormat {
    DEFAULT("default"),
    EMAIL("email"),
    URI("uri"),
    UUID("uuid"),
    BINARY("binary");

    private final String schemaName;

    StringFormat(String schemaName) {
        this.schemaName = schemaName;
    }

    String schemaName() {
        return schemaName;
    }
}
