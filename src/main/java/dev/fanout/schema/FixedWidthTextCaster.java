package dev.fanout.schema;

/// A caster whose values are kept as their own fixed-width text of ASCII digits (`year`
/// `"2024"`, `yearmonth` `"2024-03"`): fixed widths order the same way as text, so a value is its
/// own unique key and comparisons need no parsing. Subclasses check the shape. Immutable.
abstract sealed class FixedWidthTextCaster implements Caster permits YearCaster, YearMonthCaster {

    @Override
    public final Object uniqueKey(Object typed) {
        return typed;
    }

    @Override
    public final int compare(Object left, Object right) {
        return ((String) left).compareTo((String) right);
    }

    /// Whether `c` is an ASCII digit; static, so the casters' per-cell checks inline it.
    static boolean digit(byte c) {
        return c >= '0' && c <= '9';
    }
}
