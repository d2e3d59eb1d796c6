package dev.fanout.csv;

import java.io.IOException;
import java.util.Objects;

/// An input stream's own failure that carries a SPEC error code, such as `upload_too_large` from a
/// size-limited upload or `malformed_multipart` from a multipart body that breaks off.
///
/// Streams that wrap an upload throw it from `read`; `CsvSource` passes the code and message on
/// unchanged, so the response's error line names the real cause and not a generic read failure.
public class InputException extends IOException {
    private final StreamErrorCode code;

    public InputException(StreamErrorCode code, String message) {
        super(message);
        this.code = Objects.requireNonNull(code, "code must not be null");
    }

    public InputException(StreamErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code must not be null");
    }

    /// The SPEC error code, e.g. `upload_too_large`.
    public StreamErrorCode code() {
        return code;
    }
}
