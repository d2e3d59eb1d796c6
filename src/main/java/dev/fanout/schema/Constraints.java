package dev.fanout.schema;

import java.util.List;

/// A field's parsed `constraints`: the two the engine enforces (`required`, `unique`) and the
/// per-cell checks in the order a field runs them. Immutable.
record Constraints(boolean required, boolean unique, List<Constraint> checks) {
    Constraints {
        checks = List.copyOf(checks);
    }
}
