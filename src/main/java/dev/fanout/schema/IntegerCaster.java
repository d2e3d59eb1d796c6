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
    private static final JsonNumber ZERO = new JsonNumber("0");
    /// Below this a value can take one more digit and still fit in a long.
    private static final long LONG_DIGITS_LIMIT = 100_000_000_000_000_000L;

    private final NumberScanner scanner;

    /// `groupChar` is a character or [NumberScanner#NO_CHAR] (`-1`).
    IntegerCaster(int groupChar, boolean bareNumber) {
        this.scanner = new NumberScanner(NumberScanner.utf8(groupChar), NumberScanner.utf8(NumberScanner.NO_CHAR),
                bareNumber);
    }

    static IntegerCaster withoutGroupChar(boolean bareNumber) {
        return new IntegerCaster(NumberScanner.NO_CHAR, bareNumber);
    }

    /// Works on the cell's bytes: signs, digits and the stripped characters of `bareNumber` are
    /// ASCII, and a group character is matched as its UTF-8 bytes. The scanner finds the number's
    /// span and sign and matches group characters; the digits are read once, here, as the value is built
    /// (a first version checked the syntax with the scanner and read the digits a second time: 15 %
    /// slower on the whole row path, bench/RESULTS.md "Issue 15").
    @Override
    public void cast(Cell cell, List<Violation> violations) {
        byte[] b = cell.bytes();
        long number = scanner.unsignedPart(b, cell.start(), cell.end());
        int i = NumberScanner.from(number);
        int end = NumberScanner.to(number);
        boolean canonical = NumberScanner.asWritten(number);
        int firstDigit = i;
        int firstSignificant = -1;
        int digits = 0;
        long value = 0;
        boolean fitsLong = true;
        while (i < end) {
            byte c = b[i];
            if (NumberScanner.isDigit(c)) {
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
            } else if (i > firstDigit && NumberScanner.isDigit(b[i - 1]) && scanner.groupThenDigitAt(b, i, end)) {
                canonical = false;
                i += scanner.groupLength();
            } else {
                fail(cell, violations);
                return;
            }
        }
        if (digits == 0) {
            fail(cell, violations);
            return;
        }
        boolean negative = NumberScanner.negative(number);
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
            if (NumberScanner.isDigit(b[j])) {
                text.append((char) b[j]);
            }
        }
        cell.typedAs(new JsonNumber(text.toString()));
    }

    private static void fail(Cell cell, List<Violation> violations) {
        violations.add(Violation.of(ErrorCode.TYPE, cell, "is not an integer"));
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
