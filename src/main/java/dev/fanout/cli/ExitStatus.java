package dev.fanout.cli;

/// The process exit statuses of every `fanout` command, as documented in the README.
///
/// `validate` uses all three. Commands that validate nothing (`infer`) end with `ALL_VALID` on
/// success, since a shell only tells zero from non-zero. Immutable and thread-safe.
public enum ExitStatus {
    /// Success: every row was valid (or there was nothing to validate).
    ALL_VALID(0),
    /// The run went to its end and some rows were invalid.
    SOME_INVALID(1),
    /// A usage, schema, header or I/O error, or a stream that ended with an error line.
    ERROR(2);

    private final int code;

    ExitStatus(int code) {
        this.code = code;
    }

    /// The number handed to `System.exit`.
    public int code() {
        return code;
    }
}
