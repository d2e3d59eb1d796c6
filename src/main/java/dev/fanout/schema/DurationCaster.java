package dev.fanout.schema;

import java.math.BigDecimal;
import java.util.List;

/// Casts `duration` cells: ISO-8601 durations in the designator form, `P1Y2M3DT4H5M6.5S`, as
/// frictionless-py reads them (isodate). The typed value is the cell's own text.
/// Immutable and thread-safe.
///
/// Accepted: an optional sign (`-P1D`), `P`, then any of `nY`, `nM`, `nW`, `nD` in that order,
/// then optionally `T` and any of `nH`, `nM`, `nS`; at least one component, and at least one
/// after a `T`. Each `n` is 1 to 9 digits. The last component may have a fraction (`.` or `,`
/// then digits, `PT0.5H`, `PT1,5S`) unless it counts years or months, which have no fixed
/// length. Upper-case designators only, as isodate.
///
/// Order (for `minimum` and `maximum`) follows XML Schema's partial order of durations: a
/// duration is a number of months and a number of seconds (a week is 7 days, a day 86,400
/// seconds), and is added to each of the four dates 1696-09-01, 1697-02-01, 1903-03-01 and
/// 1903-07-01, which between them have the shortest and longest runs of months. One duration is
/// below another when it ends no later from every date and earlier from one; above likewise;
/// with neither, they have no order ([Caster#UNORDERED]): `P1M` is below `P32D`, above `P27D`
/// and `P28D`, and has no order with `P30D` (longer than February, shorter than March).
/// A `P31D` is above `P1M`: it is never shorter. Equality (for `unique` and `enum`) is equal months and equal seconds:
/// `P1D` equals `PT24H`, `P1Y` equals `P12M`, but `P1M` is not `P30D`.
final class DurationCaster implements Caster {
    // XML Schema's four reference dates, each the first of a month: (year, month).
    private static final int[][] REFERENCES = {{1696, 9}, {1697, 2}, {1903, 3}, {1903, 7}};
    private static final BigDecimal DAY = BigDecimal.valueOf(86_400);

    /// A duration as XML Schema sees it: months, and seconds beyond them.
    record Value(long months, BigDecimal seconds) {
        Value {
            seconds = seconds.signum() == 0 ? BigDecimal.ZERO : seconds.stripTrailingZeros();
        }
    }

    @Override
    public void cast(Cell cell, List<Violation> violations) {
        if (parse(cell.text()) == null) {
            violations.add(Violation.of(ErrorCode.TYPE, cell,
                    "is not an ISO-8601 duration (like P1Y2M3DT4H5M6.5S)"));
        }
    }

    /// The duration `text` stands for, or null when it is not one.
    static Value parse(String text) {
        int n = text.length();
        int i = 0;
        boolean negative = false;
        if (i < n && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            negative = text.charAt(i) == '-';
            i++;
        }
        if (i >= n || text.charAt(i) != 'P') {
            return null;
        }
        i++;
        long months = 0;
        BigDecimal seconds = BigDecimal.ZERO;
        String designators = "YMWD";
        boolean time = false;
        boolean any = false;
        boolean anyTime = false;
        boolean fraction = false;
        while (i < n) {
            char c = text.charAt(i);
            if (c == 'T') {
                if (time || fraction) {
                    return null;
                }
                time = true;
                designators = "HMS";
                i++;
                continue;
            }
            if (fraction) {
                // Only the last component may have a fraction.
                return null;
            }
            int digitsStart = i;
            while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                i++;
            }
            int digits = i - digitsStart;
            if (digits == 0 || digits > 9) {
                return null;
            }
            long whole = Long.parseLong(text, digitsStart, i, 10);
            BigDecimal amount = BigDecimal.valueOf(whole);
            if (i < n && (text.charAt(i) == '.' || text.charAt(i) == ',')) {
                int fractionStart = ++i;
                while (i < n && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
                    i++;
                }
                if (i == fractionStart) {
                    return null;
                }
                fraction = true;
                amount = new BigDecimal(text.substring(digitsStart, fractionStart - 1) + "."
                        + text.substring(fractionStart, i));
            }
            if (i >= n) {
                return null;
            }
            int designator = designators.indexOf(text.charAt(i));
            if (designator < 0) {
                return null;
            }
            // The next component must come later in the order.
            String unit = designators.substring(designator, designator + 1);
            designators = designators.substring(designator + 1);
            i++;
            any = true;
            anyTime |= time;
            if (!time && (unit.equals("Y") || unit.equals("M"))) {
                if (fraction) {
                    return null;
                }
                months += unit.equals("Y") ? 12 * whole : whole;
            } else {
                long unitSeconds = switch (unit) {
                    case "W" -> 604_800;
                    case "D" -> 86_400;
                    case "H" -> 3_600;
                    case "M" -> 60;
                    default -> 1;
                };
                seconds = seconds.add(amount.multiply(BigDecimal.valueOf(unitSeconds)));
            }
        }
        if (!any || time && !anyTime) {
            return null;
        }
        return negative ? new Value(-months, seconds.negate()) : new Value(months, seconds);
    }

    @Override
    public Object uniqueKey(Object typed) {
        Value value = parse((String) typed);
        // Only the raw text of a failed cast is not a duration; it is its own key.
        return value == null ? typed : value;
    }

    @Override
    public int compare(Object left, Object right) {
        Value a = parse((String) left);
        Value b = parse((String) right);
        boolean below = false;
        boolean above = false;
        for (int[] reference : REFERENCES) {
            long start = epochDay(reference[0], reference[1]);
            BigDecimal atA = BigDecimal.valueOf(epochDay(reference[0], reference[1] + a.months()) - start)
                    .multiply(DAY).add(a.seconds());
            BigDecimal atB = BigDecimal.valueOf(epochDay(reference[0], reference[1] + b.months()) - start)
                    .multiply(DAY).add(b.seconds());
            int here = atA.compareTo(atB);
            below |= here < 0;
            above |= here > 0;
        }
        return below && above ? UNORDERED : below ? -1 : above ? 1 : 0;
    }

    /// The day, counted from 1970-01-01, of the first of `month` (1-based, may run past 12 or
    /// below 1) of `year`: H. Hinnant's days-from-civil, in longs for any year a duration reaches.
    static long epochDay(long year, long month) {
        long y = year + Math.floorDiv(month - 1, 12);
        long m = Math.floorMod(month - 1, 12L) + 1;
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long mp = (m + 9) % 12;
        long doy = (153 * mp + 2) / 5;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }

    @Override
    public String describe() {
        return "an ISO-8601 duration";
    }
}
