package dev.fanout.schema;

import java.math.BigDecimal;
import java.util.List;

/// Casts `number` cells to a [JsonNumber] that keeps every digit as written (`1.50` stays
/// `1.50`, `1e3` stays `1e3`) but is always valid JSON, or to the strings `NaN`, `INF`, `-INF`.
/// Immutable and thread-safe.
///
/// Syntax: an optional sign, digits with `decimalChar` (default `.`) as the decimal point, and
/// an optional exponent `e`/`E`, sign, digits. Either side of the point may be empty but not both
/// (`.5`, `5.`). With `groupChar` set, single group characters may stand between two digits of the
/// integer part. `NaN`, `INF`, `+INF`, `-INF` are accepted in any letter case. With `bareNumber`
/// false, leading characters up to the first sign, digit or decimal point and trailing
/// characters after the last digit are stripped first (`$1.5`, `95%`, `EUR 3`).
///
/// Canonical text: `+` dropped, `decimalChar` becomes `.`, group characters and superfluous
/// leading zeros dropped (`0` kept before the point: `.5` → `0.5`), a point without fraction
/// digits dropped (`5.` → `5`), the sign of a zero mantissa dropped (`-0.0` → `0.0`), the
/// exponent kept as written. Exponents are limited to nine digits so that every accepted value
/// is a `BigDecimal` and can be compared and de-duplicated.
final class NumberCaster implements Caster {
    static final String NAN = "NaN";
    static final String INF = "INF";
    static final String NEGATIVE_INF = "-INF";

    private static final int MAX_EXPONENT_DIGITS = 9;

    private final NumberScanner scanner;
    /// Whether the decimal character is `.`, as in canonical text.
    private final boolean dotDecimal;

    /// `groupChar` is a character or [NumberScanner#NO_CHAR] (`-1`) for none.
    NumberCaster(char decimalChar, int groupChar, boolean bareNumber) {
        this.scanner = new NumberScanner(utf8(groupChar), utf8(decimalChar), bareNumber);
        this.dotDecimal = decimalChar == '.';
    }

    static NumberCaster defaults() {
        return new NumberCaster('.', NumberScanner.NO_CHAR, true);
    }

    /// A lone surrogate can be configured but never matches, as no decoded cell holds one.
    private static byte[] utf8(int c) {
        return c != NumberScanner.NO_CHAR && Character.isSurrogate((char) c) ? NumberScanner.never()
                : NumberScanner.utf8(c);
    }

    /// Works on the cell's bytes like [IntegerCaster]: everything but the decimal and group
    /// characters is ASCII, and those are matched as their UTF-8 bytes. Only a cell of three or
    /// four bytes ending in `N` or `F` (either case) is decoded, to look for `NaN` and the
    /// infinities: a number such as `1.5` or `2.50` is never turned into a `String`.
    @Override
    public void cast(Cell cell, List<Violation> violations) {
        int length = cell.end() - cell.start();
        if ((length == 3 || length == 4) && endsLikeSpecial(cell.bytes()[cell.end() - 1])) {
            String special = special(cell.text());
            if (!special.isEmpty()) {
                cell.typedAs(special);
                return;
            }
        }
        byte[] b = cell.bytes();
        long number = scanner.unsignedPart(b, cell.start(), cell.end());
        int i = NumberScanner.from(number);
        int end = NumberScanner.to(number);
        boolean canonical = NumberScanner.asWritten(number);
        int intStart = i;
        int intEnd = scanner.integerPartEnd(b, intStart, end);
        int intDigits = 0;
        int firstSignificant = -1;
        for (; i < intEnd; i++) {
            byte c = b[i];
            if (!NumberScanner.isDigit(c)) {
                // A byte of a group character.
                canonical = false;
                continue;
            }
            if (firstSignificant < 0 && c != '0') {
                firstSignificant = i;
            }
            intDigits++;
        }
        int fractionStart = -1;
        int fractionEnd = -1;
        boolean nonZero = firstSignificant >= 0;
        int point = scanner.decimalAt(b, i, end);
        if (point > 0) {
            canonical &= dotDecimal;
            i += point;
            fractionStart = i;
            while (i < end && NumberScanner.isDigit(b[i])) {
                nonZero |= b[i] != '0';
                i++;
            }
            fractionEnd = i;
        }
        int fractionDigits = fractionStart < 0 ? 0 : fractionEnd - fractionStart;
        if (intDigits == 0 && fractionDigits == 0) {
            fail(cell, violations);
            return;
        }
        int exponentStart = i;
        if (i < end && (b[i] == 'e' || b[i] == 'E')) {
            i++;
            if (i < end && NumberScanner.isSign(b[i])) {
                i++;
            }
            int exponentDigits = i;
            int significant = 0;
            for (; i < end && NumberScanner.isDigit(b[i]); i++) {
                if (significant > 0 || b[i] != '0') {
                    significant++;
                }
            }
            if (i == exponentDigits) {
                fail(cell, violations);
                return;
            }
            if (significant > MAX_EXPONENT_DIGITS) {
                violations.add(Violation.of(ErrorCode.TYPE, cell,
                        "is not a number in range (the exponent has more than nine digits)"));
                return;
            }
        }
        if (i != end) {
            fail(cell, violations);
            return;
        }
        boolean negative = NumberScanner.negative(number);
        canonical &= intDigits > 0 && (intDigits == 1 || firstSignificant == intStart)
                && (fractionStart < 0 || fractionDigits > 0) && (nonZero || !negative);
        if (canonical) {
            cell.typedAs(Cell.Form.NUMBER);
            return;
        }
        // Everything kept below is ASCII: digits, `.`, and the exponent as written.
        StringBuilder text = new StringBuilder(end - cell.start() + 1);
        if (negative && nonZero) {
            text.append('-');
        }
        if (firstSignificant < 0) {
            text.append('0');
        } else {
            for (int j = firstSignificant; j < intEnd; j++) {
                if (NumberScanner.isDigit(b[j])) {
                    text.append((char) b[j]);
                }
            }
        }
        if (fractionDigits > 0) {
            text.append('.');
            appendAscii(text, b, fractionStart, fractionEnd);
        }
        appendAscii(text, b, exponentStart, end);
        cell.typedAs(new JsonNumber(text.toString()));
    }

    private static void appendAscii(StringBuilder text, byte[] b, int from, int to) {
        for (int j = from; j < to; j++) {
            text.append((char) b[j]);
        }
    }

    /// The canonical spelling of `NaN`, `INF` or `-INF`, or the empty string for any other cell.
    /// Whether `last`, a cell's last byte, can end `NaN` or `INF`: `N` or `F` in either case.
    private static boolean endsLikeSpecial(byte last) {
        int lower = last | 0x20;
        return lower == 'n' || lower == 'f';
    }

    private static String special(String raw) {
        return switch (raw.length()) {
            case 3 -> raw.equalsIgnoreCase(NAN) ? NAN : raw.equalsIgnoreCase(INF) ? INF : "";
            case 4 -> raw.equalsIgnoreCase(NEGATIVE_INF) ? NEGATIVE_INF : raw.equalsIgnoreCase("+INF") ? INF : "";
            default -> "";
        };
    }

    private static void fail(Cell cell, List<Violation> violations) {
        violations.add(Violation.of(ErrorCode.TYPE, cell, "is not a number"));
    }

    @Override
    public Object uniqueKey(Object typed) {
        // 1.0, 1.00 and 1e0 are one value; NaN and the infinities are their own keys.
        return typed instanceof JsonNumber number ? new BigDecimal(number.text()).stripTrailingZeros() : typed;
    }

    /// Orders numbers with `-INF` below and `INF` above every finite value. `NaN` compares equal
    /// to everything, so it is never below a minimum nor above a maximum, as with IEEE 754.
    @Override
    public int compare(Object left, Object right) {
        if (NAN.equals(left) || NAN.equals(right)) {
            return 0;
        }
        int infinityLeft = infinity(left);
        int infinityRight = infinity(right);
        if (infinityLeft != 0 || infinityRight != 0) {
            return Integer.compare(infinityLeft, infinityRight);
        }
        return new BigDecimal(((JsonNumber) left).text()).compareTo(new BigDecimal(((JsonNumber) right).text()));
    }

    private static int infinity(Object value) {
        return INF.equals(value) ? 1 : NEGATIVE_INF.equals(value) ? -1 : 0;
    }

    @Override
    public String describe() {
        return "a number";
    }
}
