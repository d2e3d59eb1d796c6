package dev.fanout.engine;

import java.util.Locale;

/// What to do with header columns that the schema does not define: reject the file with
/// `unknown_column`, ignore them, or keep them in `data` as strings after the schema's fields.
public enum ExtraColumns {
    ERROR,
    IGNORE,
    KEEP;

    /// Parses the query-parameter or flag value (`error`, `ignore`, `keep`).
    ///
    /// @throws IllegalArgumentException for any other value
    public static ExtraColumns parse(String text) {
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "error" -> ERROR;
            case "ignore" -> IGNORE;
            case "keep" -> KEEP;
            default -> throw new IllegalArgumentException("extra must be error, ignore or keep, not '" + text + "'");
        };
    }
}
