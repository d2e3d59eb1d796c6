package dev.fanout.schema;

import java.util.Objects;

/// One failed check of one cell: a stable code and a human-readable message that quotes the value.
///
/// The field is not part of it: the caller knows which field it checked. Never null components.
public record Violation(ErrorCode code, String message) {
    /// How many code points of a cell a message quotes.
    static final int QUOTE_LIMIT = 80;

    public Violation {
        Objects.requireNonNull(code, "code must not be null");
        Objects.requireNonNull(message, "message must not be null");
    }

    /// A violation whose message quotes the cell first, then says what is wrong with it:
    /// `"abc" is not an integer`. Cells longer than [#QUOTE_LIMIT] code points are cut short
    /// with `…`, because a 1 MiB cell must not turn into a 1 MiB message on every failing row.
    static Violation of(ErrorCode code, String raw, String problem) {
        return new Violation(code, quote(raw) + " " + problem);
    }

    /// `raw` in quotes for a message, cut short after [#QUOTE_LIMIT] code points with `…`.
    public static String quote(String raw) {
        if (raw.length() <= QUOTE_LIMIT || raw.codePointCount(0, raw.length()) <= QUOTE_LIMIT) {
            return '"' + raw + '"';
        }
        return '"' + raw.substring(0, raw.offsetByCodePoints(0, QUOTE_LIMIT)) + "…\"";
    }
}
