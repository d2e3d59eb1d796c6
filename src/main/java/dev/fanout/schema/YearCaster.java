package dev.fanout.schema;

import java.util.List;

/// Casts `year` cells: exactly four ASCII digits, kept as their text (`"2024"`). Immutable.
///
/// Four fixed digits order the same way as text, so comparisons need no parsing.
final class YearCaster implements Caster {

    @Override
    public void cast(Cell cell, List<Violation> violations) {
        byte[] b = cell.bytes();
        int at = cell.start();
        if (cell.length() != 4 || !digit(b[at]) || !digit(b[at + 1]) || !digit(b[at + 2]) || !digit(b[at + 3])) {
            violations.add(Violation.of(ErrorCode.TYPE, cell.text(), "is not a year (YYYY)"));
        }
    }

    private static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }

    @Override
    public Object uniqueKey(Object typed) {
        return typed;
    }

    @Override
    public int compare(Object left, Object right) {
        return ((String) left).compareTo((String) right);
    }

    @Override
    public String describe() {
        return "a year";
    }
}
