package dev.fanout.engine;

import dev.fanout.csv.StreamErrorCode;
import java.util.Objects;

/// Why a run's output ended early with an error line: the SPEC code, a message for users, and the
/// 1-based index of the data row that could not be produced.
public record StreamError(StreamErrorCode code, String message, long row) {
    public StreamError {
        Objects.requireNonNull(code, "code must not be null");
        Objects.requireNonNull(message, "message must not be null");
    }
}
