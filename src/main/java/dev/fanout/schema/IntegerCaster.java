package dev.fanout.schema;

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

    private final int groupChar;
    private final boolean bareNumber;

    /// `groupChar` is a character or [#NO_GROUP] (`-1`).
    IntegerCaster(int groupChar, boolean bareNumber) {
        this.groupChar = groupChar;
        this.bareNumber = bareNumber;
    }

    static IntegerCaster withoutGroupChar(boolean bareNumber) {
        return new IntegerCaster(NO_GROUP, bareNumber);
    }

    @Override
    public Object cast(String raw, List<Violation> violations) {
        int start = 0;
        int end = raw.length();
        if (!bareNumber) {
            while (start < end && !startsNumber(raw.charAt(start))) {
                start++;
            }
            while (end > start && !isDigit(raw.charAt(end - 1))) {
                end--;
            }
        }
        boolean canonical = start == 0 && end == raw.length();
        int i = start;
        boolean negative = false;
        if (i < end && (raw.charAt(i) == '+' || raw.charAt(i) == '-')) {
            negative = raw.charAt(i) == '-';
            canonical &= negative;
            i++;
        }
        int firstDigit = i;
        int firstSignificant = -1;
        int digits = 0;
        for (; i < end; i++) {
            char c = raw.charAt(i);
            if (isDigit(c)) {
                if (firstSignificant < 0 && c != '0') {
                    firstSignificant = i;
                }
                digits++;
            } else if (c == groupChar && i > firstDigit && isDigit(raw.charAt(i - 1))
                    && i + 1 < end && isDigit(raw.charAt(i + 1))) {
                canonical = false;
            } else {
                return fail(raw, violations);
            }
        }
        if (digits == 0) {
            return fail(raw, violations);
        }
        if (firstSignificant < 0) {
            // Zero has one spelling, so `-0` and `000` both become `0`.
            return canonical && digits == 1 && !negative ? new JsonNumber(raw) : new JsonNumber("0");
        }
        if (canonical && firstSignificant == firstDigit) {
            return new JsonNumber(raw);
        }
        StringBuilder text = new StringBuilder(end - firstSignificant + 1);
        if (negative) {
            text.append('-');
        }
        for (int j = firstSignificant; j < end; j++) {
            char c = raw.charAt(j);
            if (isDigit(c)) {
                text.append(c);
            }
        }
        return new JsonNumber(text.toString());
    }

    private static boolean startsNumber(char c) {
        return isDigit(c) || c == '+' || c == '-';
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static Object fail(String raw, List<Violation> violations) {
        violations.add(Violation.of(ErrorCode.TYPE, raw, "is not an integer"));
        return raw;
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
