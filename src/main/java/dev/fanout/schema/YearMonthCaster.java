package dev.fanout.schema;

import java.util.List;

/// Casts `yearmonth` cells: `YYYY-MM`, four ASCII digits, a hyphen and a month `01` to `12`,
/// kept as their text (`"2024-03"`). Immutable and thread-safe.
/// Fixed widths order the same way as text (see [FixedWidthTextCaster]).
final class YearMonthCaster extends FixedWidthTextCaster {

    @Override
    public void cast(Cell cell, List<Violation> violations) {
        byte[] b = cell.bytes();
        int at = cell.start();
        boolean shaped = cell.length() == 7 && digit(b[at]) && digit(b[at + 1]) && digit(b[at + 2])
                && digit(b[at + 3]) && b[at + 4] == '-' && digit(b[at + 5]) && digit(b[at + 6]);
        if (!shaped) {
            violations.add(Violation.of(ErrorCode.TYPE, cell, "is not a year and month (YYYY-MM)"));
            return;
        }
        int month = (b[at + 5] - '0') * 10 + (b[at + 6] - '0');
        if (month < 1 || month > 12) {
            violations.add(Violation.of(ErrorCode.TYPE, cell,
                    "is not a valid year and month: month " + month + " is out of range"));
        }
    }

    @Override
    public String describe() {
        return "a year and month";
    }
}
