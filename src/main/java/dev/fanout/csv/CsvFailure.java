package dev.fanout.csv;

import java.util.Objects;

/// Why a CSV stream could not be read on: malformed CSV, a limit exceeded, bytes that are not
/// UTF-8, or the input itself failing. Carries a stable code for the NDJSON error line and a
/// message fit for users (no library internals, no stack trace).
public final class CsvFailure extends RuntimeException {
    private final StreamErrorCode code;

    public CsvFailure(StreamErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code must not be null");
    }

    /// The SPEC error code for the error line.
    public StreamErrorCode code() {
        return code;
    }
}
