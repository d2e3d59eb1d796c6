package dev.fanout.engine;

/// Why a CSV header that could be read is refused against its schema: the SPEC's header codes,
/// each with its name on the wire. The server answers each with `422` (before the `200`, since no
/// row is written); the CLI prints it. A header that cannot be read at all carries a
/// `StreamErrorCode` instead (see `HeaderException`). Immutable and thread-safe.
public enum HeaderCode {
    /// The input has no header: it is empty.
    EMPTY_CSV("empty_csv"),
    /// A column name appears twice (or twice after the schema's name matching).
    DUPLICATE_COLUMN("duplicate_column"),
    /// A field of the schema has no column, as its `fieldsMatch` requires one.
    MISSING_COLUMN("missing_column"),
    /// A column is not in the schema and extra columns are refused.
    UNKNOWN_COLUMN("unknown_column"),
    /// The columns are not in the schema's order under `fieldsMatch: exact`.
    COLUMN_ORDER("column_order");

    private final String wireName;

    HeaderCode(String wireName) {
        this.wireName = wireName;
    }

    /// The code as written in a problem's `code`, e.g. `missing_column`.
    public String wireName() {
        return wireName;
    }
}
