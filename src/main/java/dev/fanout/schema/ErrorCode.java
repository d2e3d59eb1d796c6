package dev.fanout.schema;

/// The SPEC's row error codes, each with the name it has on the wire.
///
/// Schema checks produce the first group; the engine adds `unique` and `field_count`; upstream
/// lookups add the `lookup_*` codes, `foreignKeys` `foreign_key`. Immutable and thread-safe.
public enum ErrorCode {
    REQUIRED("required"),
    TYPE("type"),
    FORMAT("format"),
    MINIMUM("minimum"),
    MAXIMUM("maximum"),
    MIN_LENGTH("minLength"),
    MAX_LENGTH("maxLength"),
    PATTERN("pattern"),
    ENUM("enum"),
    EXCLUSIVE_MINIMUM("exclusiveMinimum"),
    EXCLUSIVE_MAXIMUM("exclusiveMaximum"),
    CATEGORIES("categories"),
    JSON_SCHEMA("jsonSchema"),
    UNIQUE("unique"),
    FIELD_COUNT("field_count"),
    LOOKUP_NOT_FOUND("lookup_not_found"),
    LOOKUP_TIMEOUT("lookup_timeout"),
    LOOKUP_FAILED("lookup_failed"),
    LOOKUP_UNAVAILABLE("lookup_unavailable"),
    FOREIGN_KEY("foreign_key");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /// The code as written in NDJSON, e.g. `minLength`.
    public String wireName() {
        return wireName;
    }
}
