package dev.fanout.schema;

import java.nio.charset.StandardCharsets;
import java.util.List;

/// Casts `integer` cells to a [JsonNumber] holding canonical digits: an optional `-`, then no
/// leading zeros (`+5` → `5`, `007` → `7`, `-0` → `0`). Any size is accepted, because the value is
/// never turned into a machine integer. Immutable and thread-safe.
///
/// Syntax: an optional `+` or `-`, then ASCII digits; with `groupChar` set, single group
/// characters may stand between two digits (`1,000`, `1,00,000`). Whitespace, underscores and
/// anything else fail the cast unless `bareNumber` is false, in which case leading characters up
/// to the first sign or digit and trailing characters after the last digit are stripped first.
///
/// Hand-written rather than a regular expression: this runs for every integer cell, and a cell
/// that is already canonical (the common case) becomes its own [JsonNumber] text without copying.
final class IntegerCaster implements Caster {
    private static final int NO_GROUP = -1;
    private static final JsonNumber ZERO = new JsonNumber("0");
    /// Below this a value can take one more digit and still fit in a long.
    private static final long LONG_DIGITS_LIMIT = 100_000_000_000_000_000L;

    /// The group character's UTF-8 bytes, or null for none.
    private final byte[] group;
    private final boolean bareNumber;

    /// `groupChar` is a character or [#NO_GROUP] (`-1`).
    IntegerCaster(int groupChar, boolean bareNumber) {
        this.group = groupChar == NO_GROUP ? null
                : String.valueOf((char) groupChar).getBytes(StandardCharsets.UTF_8);
        this.bareNumber = bareNumber;
    }

    static IntegerCaster withoutGroupChar(boolean bareNumber) {
        return new IntegerCaster(NO_GROUP, bareNumber);
    }

    /// Works on the cell's bytes: signs, digits and the stripped characters of `bareNumber` are
    /// ASCII, and a group character is matched as its UTF-8 bytes.
    @Override
    public void cast(Cell cell, List<Violation> violations) {
        byte[] b = cell.bytes();
        int start = cell.start();
        int end = cell.end();
        if (!bareNumber) {
            while (start < end && !startsNumber(b[start])) {
                start++;
            }
            while (end > start && !isDigit(b[end - 1])) {
                end--;
            }
        }
        boolean canonical = start == cell.start() && end == cell.end();
        int i = start;
        boolean negative = false;
        if (i < end && (b[i] == '+' || b[i] == '-')) {
            negative = b[i] == '-';
            canonical &= negative;
            i++;
        }
        int firstDigit = i;
        int firstSignificant = -1;
        int digits = 0;
        long value = 0;
        boolean fitsLong = true;
        while (i < end) {
            byte c = b[i];
            if (isDigit(c)) {
                if (firstSignificant < 0 && c != '0') {
                    firstSignificant = i;
                }
                digits++;
                if (value < LONG_DIGITS_LIMIT) {
                    value = value * 10 + (c - '0');
                } else {
                    fitsLong = false;
                }
                i++;
            } else if (group != null && i > firstDigit && isDigit(b[i - 1]) && isGroupThenDigit(b, i, end)) {
                canonical = false;
                i += group.length;
            } else {
                fail(cell, violations);
                return;
            }
        }
        if (digits == 0) {
            fail(cell, violations);
            return;
        }
        if (fitsLong) {
            cell.integer(negative ? -value : value);
        }
        if (firstSignificant < 0) {
            // Zero has one spelling, so `-0` and `000` both become `0`.
            if (!canonical || digits != 1 || negative) {
                cell.typedAs(ZERO);
            } else {
                cell.typedAs(Cell.Form.NUMBER);
            }
            return;
        }
        if (canonical && firstSignificant == firstDigit) {
            cell.typedAs(Cell.Form.NUMBER);
            return;
        }
        StringBuilder text = new StringBuilder(end - firstSignificant + 1);
        if (negative) {
            text.append('-');
        }
        for (int j = firstSignificant; j < end; j++) {
            if (isDigit(b[j])) {
                text.append((char) b[j]);
            }
        }
        cell.typedAs(new JsonNumber(text.toString()));
    }

    private boolean isGroupThenDigit(byte[] b, int i, int end) {
        int after = i + group.length;
        if (after >= end) {
            return false;
        }
        for (int k = 0; k < group.length; k++) {
            if (b[i + k] != group[k]) {
                return false;
            }
        }
        return isDigit(b[after]);
    }

    private static boolean startsNumber(byte c) {
        return isDigit(c) || c == '+' || c == '-';
    }

    private static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    private static void fail(Cell cell, List<Violation> violations) {
        violations.add(Violation.of(ErrorCode.TYPE, cell.text(), "is not an integer"));
    }

    @Override
    public Object uniqueKey(Object typed) {
        // Canonical text already makes equal integers equal records.
        return typed;
    }

    @Override
    public int compare(Object left, Object right) {
        return compareCanonical(((JsonNumber) left).text(), ((JsonNumber) right).text());
    }

    /// Orders canonical integer texts without parsing them: sign first, then length, then digits.
    static int compareCanonical(String a, String b) {
        boolean negativeA = a.charAt(0) == '-';
        boolean negativeB = b.charAt(0) == '-';
        if (negativeA != negativeB) {
            return negativeA ? -1 : 1;
        }
        int magnitude = a.length() != b.length() ? Integer.compare(a.length(), b.length()) : a.compareTo(b);
        return negativeA ? -magnitude : magnitude;
    }

    @Override
    public String describe() {
        return "an integer";
    }
}
