package dev.fanout.schema;

import java.util.List;

/// Turns a raw cell into the typed value of one field type, by the Table Schema casting rules.
///
/// One implementation per type (temporal types share one, parameterised by format). Casters are
/// built once per field and called for every cell, so they are immutable, thread-safe, and do no
/// work beyond producing the result.
sealed interface Caster
        permits StringCaster, IntegerCaster, NumberCaster, BooleanCaster, TemporalCaster, FixedWidthTextCaster,
                DurationCaster, GeopointCaster, JsonCaster, ListCaster, AnyCaster {

    /// What [#compare] returns for two values that have no order: durations such as `P1M` and
    /// `P30D`. Below every other result, so a plain `< 0` test must look for it first.
    int UNORDERED = Integer.MIN_VALUE;

    /// Casts `cell` (never a missing value). On success it records the typed value in the cell
    /// ([Cell#form()]); on failure it appends exactly one `type` or `format` violation and leaves
    /// the cell typed as its own text. Callers tell the two apart by the size of `violations`,
    /// which keeps the success path free of result wrappers.
    void cast(Cell cell, List<Violation> violations);

    /// Casts a single text (a schema's bound or `enum` entry) and returns its typed value, or
    /// `raw` itself after appending the violation.
    default Object castText(String raw, List<Violation> violations) {
        Cell cell = Cell.of(raw);
        int before = violations.size();
        cast(cell, violations);
        return violations.size() != before ? raw : cell.typed();
    }

    /// A key with `equals`/`hashCode` under which values equal for this type collide.
    /// Accepts anything [#cast] returned, including `raw` after a failure.
    Object uniqueKey(Object typed);

    /// Orders two typed values of an ordered type (integer, number, temporal, year, yearmonth,
    /// duration), for `minimum` and `maximum`: negative, zero, positive, or [#UNORDERED]. The schema parser only builds bounds for ordered types, so the
    /// unordered casters never see this call.
    int compare(Object left, Object right);

    /// The type as the noun of a message, with its article: `an integer`, `a date in the format %d/%m/%Y`.
    String describe();
}
