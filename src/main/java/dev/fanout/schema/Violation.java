package dev.fanout.schema;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/// One failed check of one cell: a stable code and a human-readable message, most often one that
/// quotes the cell and then says what is wrong with it (`"abc" is not an integer`).
///
/// The message is kept in its two parts, the cell's text (`quoted`, null for a message that
/// quotes nothing) and the `problem`, and made only when asked for: the NDJSON renderer writes
/// the parts as they are, and a problem that is the same `String` row after row (a constant, or
/// one a constraint made once) is encoded only once. The field is not part of it: the caller knows
/// which field it checked. Never null but for `quoted`.
public record Violation(ErrorCode code, @Nullable String quoted, String problem) {
    /// How many code points of a cell a message quotes.
    static final int QUOTE_LIMIT = 80;

    public Violation {
        Objects.requireNonNull(code, "code must not be null");
        Objects.requireNonNull(problem, "problem must not be null");
    }

    /// A violation whose message is `message` as it is, quoting nothing.
    public Violation(ErrorCode code, String message) {
        this(code, null, message);
    }

    /// A violation whose message quotes the cell first, then says what is wrong with it:
    /// `"abc" is not an integer`. Cells longer than [#QUOTE_LIMIT] code points are cut short
    /// with `…`, because a 1 MiB cell must not turn into a 1 MiB message on every failing row.
    static Violation of(ErrorCode code, String raw, String problem) {
        return new Violation(code, Objects.requireNonNull(raw, "raw must not be null"), problem);
    }

    /// The message: `problem` alone, or the quoted cell, a space and `problem`.
    public String message() {
        return message(quoted, problem);
    }

    /// The message of a violation with these parts ([#message()]).
    public static String message(@Nullable String quoted, String problem) {
        return quoted == null ? problem : quote(quoted) + " " + problem;
    }

    /// `raw` in quotes for a message, cut short after [#QUOTE_LIMIT] code points with `…`.
    public static String quote(String raw) {
        return '"' + quotedText(raw) + '"';
    }

    /// What a message quotes of `raw`, without the quotes: `raw` itself, or its first
    /// [#QUOTE_LIMIT] code points and `…`.
    public static String quotedText(String raw) {
        if (raw.length() <= QUOTE_LIMIT || raw.codePointCount(0, raw.length()) <= QUOTE_LIMIT) {
            return raw;
        }
        return raw.substring(0, raw.offsetByCodePoints(0, QUOTE_LIMIT)) + "…";
    }
}
