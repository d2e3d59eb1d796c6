package dev.fanout.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/// One failed check of one cell: a stable code and a human-readable message, most often one that
/// quotes the cell and then says what is wrong with it (`"abc" is not an integer`).
///
/// The message is kept in its two parts, what it quotes of the cell (`quoted`: UTF-8, already cut
/// short; null for a message that quotes nothing) and the `problem`, and made only when asked for:
/// the NDJSON renderer writes the quoted bytes as it writes a cell's, and a problem that is the
/// same row after row (a constant, or one a constraint made once) is encoded once a chunk.
/// The field is not part of it: the caller knows which field it checked. Never null but for
/// `quoted`, which is never changed.
@SuppressWarnings("ArrayRecordComponent") // equals, hashCode and toString below compare its bytes
public record Violation(ErrorCode code, byte @Nullable [] quoted, String problem) {
    /// How many code points of a cell a message quotes.
    static final int QUOTE_LIMIT = 80;
    private static final byte[] ELLIPSIS = "…".getBytes(StandardCharsets.UTF_8);

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
        // Cut before encoding: a 1 MiB cell is not encoded whole for its first 80 code points.
        return new Violation(code, quotedText(raw).getBytes(StandardCharsets.UTF_8), problem);
    }

    /// [#of(ErrorCode, String, String)] quoting the cell's bytes, with no `String` made of them.
    static Violation of(ErrorCode code, Cell cell, String problem) {
        return new Violation(code, quoted(cell.bytes(), cell.start(), cell.end()), problem);
    }

    /// The message: `problem` alone, or the quoted cell, a space and `problem`.
    public String message() {
        return message(quoted, problem);
    }

    /// The message of a violation with these parts ([#message()]).
    public static String message(byte @Nullable [] quoted, String problem) {
        return quoted == null ? problem : '"' + new String(quoted, StandardCharsets.UTF_8) + "\" " + problem;
    }

    /// `raw` in quotes for a message, cut short after [#QUOTE_LIMIT] code points with `…`.
    public static String quote(String raw) {
        return '"' + quotedText(raw) + '"';
    }

    /// What a message quotes of `raw`, without the quotes: `raw`, or its first [#QUOTE_LIMIT]
    /// code points and `…`.
    private static String quotedText(String raw) {
        if (raw.length() <= QUOTE_LIMIT || raw.codePointCount(0, raw.length()) <= QUOTE_LIMIT) {
            return raw;
        }
        return raw.substring(0, raw.offsetByCodePoints(0, QUOTE_LIMIT)) + "…";
    }

    /// What a message quotes of the UTF-8 text `utf8[start, end)`, without the quotes, as
    /// [#quote(String)] cuts it: a copy of it, or of its first [#QUOTE_LIMIT] code points and `…`.
    static byte[] quoted(byte[] utf8, int start, int end) {
        // A code point is one to four bytes: no more than QUOTE_LIMIT bytes need no count.
        if (end - start > QUOTE_LIMIT) {
            int codePoints = 0;
            for (int i = start; i < end; i++) {
                // Each code point's first byte: not a continuation byte (10xxxxxx).
                if ((utf8[i] & 0xC0) != 0x80 && ++codePoints > QUOTE_LIMIT) {
                    byte[] cut = new byte[i - start + ELLIPSIS.length];
                    System.arraycopy(utf8, start, cut, 0, i - start);
                    System.arraycopy(ELLIPSIS, 0, cut, i - start, ELLIPSIS.length);
                    return cut;
                }
            }
        }
        return Arrays.copyOfRange(utf8, start, end);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Violation that && code == that.code && Arrays.equals(quoted, that.quoted)
                && problem.equals(that.problem);
    }

    @Override
    public int hashCode() {
        return Objects.hash(code, Arrays.hashCode(quoted), problem);
    }

    @Override
    public String toString() {
        return "Violation[code=" + code + ", message=" + message() + "]";
    }
}
