package dev.fanout.schema;

import java.nio.charset.StandardCharsets;
import java.util.List;

/// Casts `boolean` cells by exact, case-sensitive match against the field's `trueValues` and
/// `falseValues` (Table Schema defaults: `true`, `True`, `TRUE`, `1` and `false`, `False`,
/// `FALSE`, `0`). Immutable and thread-safe.
final class BooleanCaster implements Caster {
    static final List<String> DEFAULT_TRUE = List.of("true", "True", "TRUE", "1");
    static final List<String> DEFAULT_FALSE = List.of("false", "False", "FALSE", "0");

    // UTF-8 arrays rather than sets of strings: the lists are a handful of short values, and
    // comparing the cell's bytes needs no string at all.
    private final byte[][] trueValues;
    private final byte[][] falseValues;
    private final String problem;

    BooleanCaster(List<String> trueValues, List<String> falseValues) {
        this.trueValues = utf8(trueValues);
        this.falseValues = utf8(falseValues);
        this.problem = "is not a boolean (true values: " + String.join(", ", trueValues)
                + "; false values: " + String.join(", ", falseValues) + ")";
    }

    private static byte[][] utf8(List<String> values) {
        return values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
    }

    @Override
    public void cast(Cell cell, List<Violation> violations) {
        for (byte[] value : trueValues) {
            if (cell.is(value)) {
                cell.typedAs(Cell.Form.TRUE);
                return;
            }
        }
        for (byte[] value : falseValues) {
            if (cell.is(value)) {
                cell.typedAs(Cell.Form.FALSE);
                return;
            }
        }
        violations.add(Violation.of(ErrorCode.TYPE, cell, problem));
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
