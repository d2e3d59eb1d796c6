package dev.fanout.schema;

import java.nio.charset.StandardCharsets;

/// The number syntax that `integer` and `number` cells share, read from a cell's UTF-8 bytes:
/// the stripping of `bareNumber: false`, the optional sign, and an integer part of ASCII digits
/// with single group characters between two digits. [IntegerCaster] and [NumberCaster] each hold
/// one: the integer caster reads its digits itself, once, building the value as it goes (reading
/// them twice cost 15 % of the row path), and asks the scanner only for the span, the sign and
/// group characters; the number caster takes the integer part's end from the scanner and reads its
/// fraction and exponent on from there. Immutable and thread-safe.
///
/// Every method takes the bytes and indices and returns a primitive (a number's span and sign
/// packed into one `long`), because this runs for every numeric cell and must not
/// allocate. The group and decimal characters are matched as their UTF-8 bytes; as UTF-8 is
/// self-synchronising, a match can only start where a character starts.
final class NumberScanner {
    /// The group or decimal character of a scanner that has none.
    static final int NO_CHAR = -1;
    private static final byte[] NONE = {};

    /// The group character's UTF-8 bytes, or empty for none.
    private final byte[] group;
    /// The decimal character's UTF-8 bytes, or empty for none: a leading decimal point then
    /// starts a bare number too (`$.5`).
    private final byte[] decimal;
    private final boolean bareNumber;

    NumberScanner(byte[] group, byte[] decimal, boolean bareNumber) {
        this.group = group;
        this.decimal = decimal;
        this.bareNumber = bareNumber;
    }

    /// The UTF-8 bytes of `c`, a character or [#NO_CHAR] (empty bytes).
    static byte[] utf8(int c) {
        return c == NO_CHAR ? NONE : String.valueOf((char) c).getBytes(StandardCharsets.UTF_8);
    }

    /// The bytes of a character that no cell can contain, for a lone surrogate: decoded text
    /// never holds one, so a cast that compared characters never matched it.
    static byte[] never() {
        return NONE;
    }

    /// The number in `b[start, end)` after its sign, packed into one `long` so that it is returned
    /// without an object: read it with [#from], [#to], [#negative] and [#asWritten]. The number is
    /// all of the cell, or with `bareNumber: false` what stands from the first sign, digit or
    /// decimal character to the last digit; a `+` or `-` at its start is taken off.
    long unsignedPart(byte[] b, int start, int end) {
        int from = start;
        int to = end;
        if (!bareNumber) {
            while (from < to && !startsNumber(b, from, to)) {
                from++;
            }
            while (to > from && !isDigit(b[to - 1])) {
                to--;
            }
        }
        long flags = from == start && to == end ? 0 : REWRITTEN;
        if (from < to && isSign(b[from])) {
            flags |= b[from] == '-' ? NEGATIVE : REWRITTEN;
            from++;
        }
        return flags | (long) from << 31 | to;
    }

    // The layout of unsignedPart's answer: `to` in bits 0-30, `from` in bits 31-61 (indices into
    // an array are below 2^31), and two flags.
    private static final long INDEX_MASK = 0x7FFF_FFFFL;
    private static final long NEGATIVE = 1L << 62;
    private static final long REWRITTEN = 1L << 63;

    /// Where the unsigned number starts.
    static int from(long part) {
        return (int) (part >>> 31 & INDEX_MASK);
    }

    /// Where the number ends.
    static int to(long part) {
        return (int) (part & INDEX_MASK);
    }

    /// Whether the number had a `-`.
    static boolean negative(long part) {
        return (part & NEGATIVE) != 0;
    }

    /// Whether the cell is the number as a canonical spelling may keep it: nothing stripped by
    /// `bareNumber: false` and no `+`.
    static boolean asWritten(long part) {
        return (part & REWRITTEN) == 0;
    }

    /// Whether `b[i]` is a `+` or `-`.
    static boolean isSign(byte c) {
        return c == '+' || c == '-';
    }

    static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /// Where the integer part that starts at `from` ends: after its digits and the single group
    /// characters that stand between two of them. Returns `from` when it starts with no digit.
    int integerPartEnd(byte[] b, int from, int to) {
        int i = from;
        while (i < to) {
            if (isDigit(b[i])) {
                i++;
            } else if (i > from && groupThenDigitAt(b, i, to)) {
                i += group.length;
            } else {
                break;
            }
        }
        return i;
    }

    /// The length of the group character's bytes (0 for none).
    int groupLength() {
        return group.length;
    }

    /// The length of the decimal character's bytes at `b[i]`, or 0 when it is not there.
    int decimalAt(byte[] b, int i, int to) {
        return at(decimal, b, i, to) ? decimal.length : 0;
    }

    /// Whether a group character stands at `b[i]` with a digit after it; the caller knows the
    /// digit before it. Never true for a scanner without a group character.
    boolean groupThenDigitAt(byte[] b, int i, int to) {
        int after = i + group.length;
        return after < to && at(group, b, i, to) && isDigit(b[after]);
    }

    private boolean startsNumber(byte[] b, int i, int to) {
        byte c = b[i];
        return isDigit(c) || isSign(c) || at(decimal, b, i, to);
    }

    private static boolean at(byte[] pattern, byte[] b, int i, int to) {
        if (pattern.length == 0 || i + pattern.length > to) {
            return false;
        }
        for (int k = 0; k < pattern.length; k++) {
            if (b[i + k] != pattern[k]) {
                return false;
            }
        }
        return true;
    }
}
