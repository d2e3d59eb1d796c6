package dev.fanout.engine;

import java.util.Objects;

/// The CSV's header cannot be validated against the schema, so no row is written: the SPEC's
/// `422` codes `empty_csv`, `duplicate_column`, `missing_column`, `unknown_column`,
/// `column_order` (a schema's `fieldsMatch: exact`), plus
/// the stream codes (`malformed_csv`, `invalid_utf8`, …) when the header itself cannot be read.
public final class HeaderException extends RuntimeException {
    private final String code;

    public HeaderException(String code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code must not be null");
    }

    /// The SPEC code, e.g. `unknown_column`.
    public String code() {
        return code;
    }
}
