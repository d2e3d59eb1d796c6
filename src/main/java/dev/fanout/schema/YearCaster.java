package dev.fanout.schema;

import java.util.List;

/// Casts `year` cells: exactly four ASCII digits, kept as their text (`"2024"`). Immutable.
///
/// Four fixed digits order the same way as text, so comparisons need no parsing.
final class YearCaster implements Caster {

    @Override
    public Object cast(String raw, List<Violation> violations) {
        if (raw.length() == 4 && digit(raw, 0) && digit(raw, 1) && digit(raw, 2) && digit(raw, 3)) {
            return raw;
        }
        violations.add(Violation.of(ErrorCode.TYPE, raw, "is not a year (YYYY)"));
        return raw;
    }

    private static boolean digit(String s, int i) {
        char c = s.charAt(i);
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
