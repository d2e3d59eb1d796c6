package dev.fanout.schema;

import java.util.List;

/// Casts `boolean` cells by exact, case-sensitive match against the field's `trueValues` and
/// `falseValues` (Table Schema defaults: `true`, `True`, `TRUE`, `1` and `false`, `False`,
/// `FALSE`, `0`). Immutable and thread-safe.
final class BooleanCaster implements Caster {
    static final List<String> DEFAULT_TRUE = List.of("true", "True", "TRUE", "1");
    static final List<String> DEFAULT_FALSE = List.of("false", "False", "FALSE", "0");

    // Arrays rather than sets: the lists are a handful of short strings, and a scan with
    // equals beats hashing a fresh cell string every time.
    private final String[] trueValues;
    private final String[] falseValues;
    private final String problem;

    BooleanCaster(List<String> trueValues, List<String> falseValues) {
        this.trueValues = trueValues.toArray(String[]::new);
        this.falseValues = falseValues.toArray(String[]::new);
        this.problem = "is not a boolean (true values: " + String.join(", ", trueValues)
                + "; false values: " + String.join(", ", falseValues) + ")";
    }

    @Override
    public Object cast(String raw, List<Violation> violations) {
        for (String value : trueValues) {
            if (value.equals(raw)) {
                return Boolean.TRUE;
            }
        }
        for (String value : falseValues) {
            if (value.equals(raw)) {
                return Boolean.FALSE;
            }
        }
        violations.add(Violation.of(ErrorCode.TYPE, raw, problem));
        return raw;
    }

    @Override
    public Object uniqueKey(Object typed) {
        return typed;
    }

    @Override
    public int compare(Object left, Object right) {
        throw new UnsupportedOperationException("booleans have no order");
    }

    @Override
    public String describe() {
        return "a boolean";
    }
}
