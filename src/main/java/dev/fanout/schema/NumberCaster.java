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

    private static final int NO_GROUP = -1;
    private static final int MAX_EXPONENT_DIGITS = 9;

    private final char decimalChar;
    private final int groupChar;
    private final boolean bareNumber;

    /// `groupChar` is a character or `-1` for none.
    NumberCaster(char decimalChar, int groupChar, boolean bareNumber) {
        this.decimalChar = decimalChar;
        this.groupChar = groupChar;
        this.bareNumber = bareNumber;
    }

    static NumberCaster defaults() {
        return new NumberCaster('.', NO_GROUP, true);
    }

    /// Decodes the cell and casts its text: numbers are rarer than strings and integers, and this
    /// keeps the one implementation of the syntax.
    @Override
    @SuppressWarnings("ReferenceEquality") // parse returns raw itself for a canonical number: identity says so
    public void cast(Cell cell, List<Violation> violations) {
        String raw = cell.text();
        int before = violations.size();
        Object typed = parse(raw, violations);
        if (violations.size() != before) {
            return;
        }
        // `parse` returns `raw` itself for a canonical number, and a constant for the specials
        // (which may be the very same string when the cell is spelt like the constant).
        if (typed == raw && !special(raw).equals(raw)) {
            cell.typedAs(Cell.Form.NUMBER);
        } else {
            cell.typedAs(typed);
        }
    }

    /// The typed value of `raw`: `raw` itself when it is already a canonical JSON number, a
    /// [JsonNumber] of its canonical text, one of the special strings, or `raw` after appending a
    /// `type` violation.
    private Object parse(String raw, List<Violation> violations) {
        String special = special(raw);
        if (!special.isEmpty()) {
            return special;
        }
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
        int intStart = i;
        int intDigits = 0;
        int firstSignificant = -1;
        for (; i < end; i++) {
            char c = raw.charAt(i);
            if (isDigit(c)) {
                if (firstSignificant < 0 && c != '0') {
                    firstSignificant = i;
                }
                intDigits++;
            } else if (c == groupChar && i > intStart && isDigit(raw.charAt(i - 1))
                    && i + 1 < end && isDigit(raw.charAt(i + 1))) {
                canonical = false;
            } else {
                break;
            }
        }
        int intEnd = i;
        int fractionStart = -1;
        int fractionEnd = -1;
        boolean nonZero = firstSignificant >= 0;
        if (i < end && raw.charAt(i) == decimalChar) {
            canonical &= decimalChar == '.';
            fractionStart = ++i;
            while (i < end && isDigit(raw.charAt(i))) {
                nonZero |= raw.charAt(i) != '0';
                i++;
            }
            fractionEnd = i;
        }
        int fractionDigits = fractionStart < 0 ? 0 : fractionEnd - fractionStart;
        if (intDigits == 0 && fractionDigits == 0) {
            return fail(raw, violations);
        }
        int exponentStart = i;
        if (i < end && (raw.charAt(i) == 'e' || raw.charAt(i) == 'E')) {
            i++;
            if (i < end && (raw.charAt(i) == '+' || raw.charAt(i) == '-')) {
                i++;
            }
            int exponentDigits = i;
            int significant = 0;
            for (; i < end && isDigit(raw.charAt(i)); i++) {
                if (significant > 0 || raw.charAt(i) != '0') {
                    significant++;
                }
            }
            if (i == exponentDigits) {
                return fail(raw, violations);
            }
            if (significant > MAX_EXPONENT_DIGITS) {
                violations.add(Violation.of(ErrorCode.TYPE, raw,
                        "is not a number in range (the exponent has more than nine digits)"));
                return raw;
            }
        }
        if (i != end) {
            return fail(raw, violations);
        }
        canonical &= intDigits > 0 && (intDigits == 1 || firstSignificant == intStart)
                && (fractionStart < 0 || fractionDigits > 0) && (nonZero || !negative);
        if (canonical) {
            return raw;
        }
        StringBuilder text = new StringBuilder(end - start + 1);
        if (negative && nonZero) {
            text.append('-');
        }
        if (firstSignificant < 0) {
            text.append('0');
        } else {
            for (int j = firstSignificant; j < intEnd; j++) {
                char c = raw.charAt(j);
                if (isDigit(c)) {
                    text.append(c);
                }
            }
        }
        if (fractionDigits > 0) {
            text.append('.').append(raw, fractionStart, fractionEnd);
        }
        text.append(raw, exponentStart, end);
        return new JsonNumber(text.toString());
    }

    /// The canonical spelling of `NaN`, `INF` or `-INF`, or the empty string for any other cell.
    private static String special(String raw) {
        return switch (raw.length()) {
            case 3 -> raw.equalsIgnoreCase(NAN) ? NAN : raw.equalsIgnoreCase(INF) ? INF : "";
            case 4 -> raw.equalsIgnoreCase(NEGATIVE_INF) ? NEGATIVE_INF : raw.equalsIgnoreCase("+INF") ? INF : "";
            default -> "";
        };
    }

    private boolean startsNumber(char c) {
        return isDigit(c) || c == '+' || c == '-' || c == decimalChar;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static Object fail(String raw, List<Violation> violations) {
        violations.add(Violation.of(ErrorCode.TYPE, raw, "is not a number"));
        return raw;
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
