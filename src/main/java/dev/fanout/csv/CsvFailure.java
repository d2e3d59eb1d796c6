package dev.fanout.csv;

import java.util.Objects;

/// Why a CSV stream could not be read on: malformed CSV, a limit exceeded, bytes that are not
/// UTF-8, or the input itself failing. Carries a stable code for the NDJSON error line and a
/// message fit for users (no library internals, no stack trace).
public final class CsvFailure extends RuntimeException {
    /// CSV syntax the parser cannot continue past, e.g. a character after a closing quote.
    public static final String MALFORMED_CSV = "malformed_csv";
    /// A field longer than `fanout.limits.max-field-bytes`.
    public static final String FIELD_TOO_LARGE = "field_too_large";
    /// A record with more fields than `fanout.limits.max-columns`.
    public static final String TOO_MANY_COLUMNS = "too_many_columns";
    /// Bytes that are not valid UTF-8.
    public static final String INVALID_UTF8 = "invalid_utf8";
    /// The input broke off or failed to read (a truncated upload, a reset connection).
    public static final String READ_FAILED = "read_failed";

    private final String code;

    public CsvFailure(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code must not be null");
    }

    /// The SPEC error code for the error line.
    public String code() {
        return code;
    }
}
