package dev.fanout.engine;

import dev.fanout.csv.StreamErrorCode;
import java.util.Optional;

/// The end of a run whose output was written to its end: the summary of the rows before any
/// failure (or up to the error limit), and the failure that ended the stream with an error line,
/// if one did.
public record RunOutcome(Summary summary, Optional<StreamError> error) {
    /// Whether the stream ended with an error line (the error limit's included).
    public boolean failed() {
        return error.isPresent();
    }

    /// Whether the run stopped because its error limit was reached: the input was fine as far
    /// as it was read, and the rest was neither read nor validated.
    public boolean stoppedAtMaxErrors() {
        return error.isPresent() && error.get().code() == StreamErrorCode.MAX_ERRORS;
    }
}
