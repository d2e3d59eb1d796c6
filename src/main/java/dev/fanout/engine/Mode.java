package dev.fanout.engine;

import java.util.Locale;

/// Which rows a run writes: all of them, only the invalid ones, or only the valid ones. The
/// summary always counts every row.
public enum Mode {
    ALL,
    INVALID,
    VALID;

    /// Whether a row of this validity is written.
    public boolean writes(boolean valid) {
        return switch (this) {
            case ALL -> true;
            case INVALID -> !valid;
            case VALID -> valid;
        };
    }

    /// Parses the query-parameter or flag value (`all`, `invalid`, `valid`).
    ///
    /// @throws IllegalArgumentException for any other value
    public static Mode parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "all" -> ALL;
            case "invalid" -> INVALID;
            case "valid" -> VALID;
            default -> throw new IllegalArgumentException("mode must be all, invalid or valid, not '" + text + "'");
        };
    }
}
