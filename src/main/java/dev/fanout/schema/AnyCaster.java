package dev.fanout.schema;

import java.util.List;

/// Casts `any` cells: every cell is valid and its value is its own text, a string. Table Schema
/// lets `any` hold a value of any type, but a CSV cell is text, and guessing a type per cell
/// would make `1` a number in one row and `x` a string in the next. Immutable.
final class AnyCaster implements Caster {

    @Override
    public void cast(Cell cell, List<Violation> violations) {
        // Nothing to check: the cell's text is its value.
    }

    @Override
    public Object uniqueKey(Object typed) {
        return typed;
    }

    @Override
    public int compare(Object left, Object right) {
        throw new UnsupportedOperationException("any has no order");
    }

    @Override
    public String describe() {
        // As the noun of "enum must be …": entries of an `any` field are the cells' texts.
        return "a string (the text of any cell)";
    }
}
