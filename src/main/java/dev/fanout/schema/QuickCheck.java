package dev.fanout.schema;

import java.util.List;

/// A field's cast and constraints reduced, once at schema compile time, to the few comparisons
/// that decide the common cell: a plain or e-mail string whose only constraints are lengths, or an
/// integer written canonically (`-?[1-9][0-9]*` or `0`, at most 18 digits) whose only constraints
/// are `long` bounds. Such a cell is decided on its bytes alone, with no [Cell], no interface call
/// and no violation list; every other cell, and every cell that fails, is left to [Field#check],
/// which gives the same answer with its messages. Immutable and thread-safe.
public final class QuickCheck {
    /// The answer for a cell this check cannot decide: ask [Field#check].
    public static final byte UNDECIDED = -1;
    /// The cell is valid and its typed value is its own text, a string.
    public static final byte TEXT = 1;
    /// The cell is valid and its typed value is a number whose canonical text is the cell's own.
    public static final byte NUMBER = 2;

    private static final int UNDECIDABLE = 0;
    private static final int STRING = 1;
    private static final int EMAIL = 2;
    private static final int INTEGER = 3;
    private static final int MAX_LONG_DIGITS = 18;

    private static final QuickCheck NONE = new QuickCheck(UNDECIDABLE, 0, Integer.MAX_VALUE, Long.MIN_VALUE,
            Long.MAX_VALUE);

    private final int kind;
    // Code points a string has at least and at most: a cell of at least 4 * minLength bytes has
    // enough (a code point is at most four bytes), one of at most maxLength bytes few enough;
    // only cells between are counted.
    private final int minLength;
    private final int maxLength;
    /// `4 * minLength`, as an `int` (no array is longer).
    private final int minBytes;
    private final long minimum;
    private final long maximum;

    private QuickCheck(int kind, int minLength, int maxLength, long minimum, long maximum) {
        this.kind = kind;
        this.minLength = minLength;
        this.maxLength = maxLength;
        this.minBytes = (int) Math.min(4L * minLength, Integer.MAX_VALUE);
        this.minimum = minimum;
        this.maximum = maximum;
    }

    /// The quick check of a field with this cast and these constraints; one that decides
    /// nothing when they are other than those above.
    static QuickCheck of(Caster caster, List<Constraint> constraints) {
        // `instanceof` chains, not pattern `switch`es: each of those bootstraps a call site when
        // first run: ~5 ms of CPU in a profile of a 20-row `fanout validate` from launch (the AOT
        // cache does not keep those call sites linked).
        if (caster instanceof StringCaster strings
                && (strings.format() == StringFormat.DEFAULT || strings.format() == StringFormat.EMAIL)) {
            int min = 0;
            int max = Integer.MAX_VALUE;
            for (Constraint constraint : constraints) {
                if (constraint instanceof Constraint.MinLength length) {
                    min = Math.max(min, length.length());
                } else if (constraint instanceof Constraint.MaxLength length) {
                    max = Math.min(max, length.length());
                } else {
                    return NONE;
                }
            }
            return new QuickCheck(strings.format() == StringFormat.EMAIL ? EMAIL : STRING, min, max,
                    Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (caster instanceof IntegerCaster) {
            long min = Long.MIN_VALUE;
            long max = Long.MAX_VALUE;
            for (Constraint constraint : constraints) {
                if (constraint instanceof Constraint.Minimum bound && bound.longs()
                        && (!bound.exclusive() || bound.longBound() < Long.MAX_VALUE)) {
                    min = Math.max(min, bound.exclusive() ? bound.longBound() + 1 : bound.longBound());
                } else if (constraint instanceof Constraint.Maximum bound && bound.longs()
                        && (!bound.exclusive() || bound.longBound() > Long.MIN_VALUE)) {
                    max = Math.min(max, bound.exclusive() ? bound.longBound() - 1 : bound.longBound());
                } else {
                    return NONE;
                }
            }
            return new QuickCheck(INTEGER, 0, Integer.MAX_VALUE, min, max);
        }
        return NONE;
    }

    /// Whether this check decides the common cell of its field; when it does, a cell it leaves
    /// [#UNDECIDED] is most likely invalid.
    public boolean decides() {
        return kind != UNDECIDABLE;
    }

    /// [#TEXT] or [#NUMBER] when the cell `b[start, end)`, not a missing value, is valid and
    /// typed as that; [#UNDECIDED] when only [Field#check] can tell. An empty cell reaches here
    /// when the field's missing values do not include the empty string.
    public byte check(byte[] b, int start, int end) {
        return switch (kind) {
            case STRING -> lengthsHold(b, start, end) ? TEXT : UNDECIDED;
            case EMAIL -> lengthsHold(b, start, end) && StringCaster.isEmail(b, start, end) ? TEXT : UNDECIDED;
            case INTEGER -> integer(b, start, end);
            default -> UNDECIDED;
        };
    }

    /// Whether the lengths hold: decided by the byte count where it can be, which is small
    /// enough for C1 (the CLI's compiler, which inlines only methods of under 35 bytecodes) to
    /// inline; the code points are counted in a method of their own.
    private boolean lengthsHold(byte[] b, int start, int end) {
        if (end - start >= minBytes && end - start <= maxLength) {
            return true;
        }
        return codePointsHold(b, start, end);
    }

    private boolean codePointsHold(byte[] b, int start, int end) {
        int codePoints = Constraint.codePoints(b, start, end);
        return codePoints >= minLength && codePoints <= maxLength;
    }

    private byte integer(byte[] b, int start, int end) {
        if (start == end) {
            // Nothing to read: `b[start]` may lie past the array.
            return UNDECIDED;
        }
        int i = start;
        boolean negative = b[i] == '-';
        if (negative) {
            i++;
        }
        int digits = end - i;
        // Canonical: no sign but a minus, no leading zero, and not `-0`.
        if (digits <= 0 || digits > MAX_LONG_DIGITS || b[i] == '0' && (digits > 1 || negative)) {
            return UNDECIDED;
        }
        long value = 0;
        for (; i < end; i++) {
            int digit = b[i] - '0';
            if (digit < 0 || digit > 9) {
                return UNDECIDED;
            }
            value = value * 10 + digit;
        }
        if (negative) {
            value = -value;
        }
        return value >= minimum && value <= maximum ? NUMBER : UNDECIDED;
    }
}
