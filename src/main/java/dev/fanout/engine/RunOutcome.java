package dev.fanout.engine;

import java.util.Optional;

/// The end of a run whose output was written to its end: the summary of the rows before any
/// failure, and the failure that ended the stream with an error line, if one did.
public record RunOutcome(Summary summary, Optional<StreamError> error) {
    /// Whether the stream ended with an error line.
    public boolean failed() {
        return error.isPresent();
    }
}
