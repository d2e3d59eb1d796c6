package dev.fanout.schema;

import java.util.List;

/// Casts `year` cells: exactly four ASCII digits, kept as their text (`"2024"`). Immutable.
/// Four fixed digits order the same way as text (see [FixedWidthTextCaster]).
final class YearCaster extends FixedWidthTextCaster {

    @Override
    public void cast(Cell cell, List<Violation> violations) {
        byte[] b = cell.bytes();
        int at = cell.start();
        if (cell.length() != 4 || !digit(b[at]) || !digit(b[at + 1]) || !digit(b[at + 2]) || !digit(b[at + 3])) {
            violations.add(Violation.of(ErrorCode.TYPE, cell, "is not a year (YYYY)"));
        }
    }

    @Override
    public String describe() {
        return "a year";
    }
}
