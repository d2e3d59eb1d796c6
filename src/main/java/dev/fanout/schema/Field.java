package dev.fanout.schema;

import java.util.List;
import java.util.Optional;

/// One field of a schema, compiled: its type, format and constraints are parsed once, so that
/// checking a cell does no work on the schema. Immutable and thread-safe: one instance serves
/// every row of every request on all cores, and [#check] neither locks nor allocates beyond its
/// result (and the violations of a failing cell). No accessor returns `null`.
public final class Field {
    private final String name;
    private final FieldType type;
    private final String format;
    private final boolean required;
    private final boolean unique;
    private final Caster caster;
    // An array, not a List: the loop over it runs for every cell, and needs no iterator.
    private final Constraint[] constraints;
    private final Optional<Lookup> lookup;
    private final String requiredMessage;
    private final MissingValues missingValues;
    private final QuickCheck quickCheck;

    Field(String name, FieldType type, String format, boolean required, boolean unique, Caster caster,
            List<Constraint> constraints, Optional<Lookup> lookup, MissingValues missingValues) {
        this.lookup = lookup;
        this.missingValues = missingValues;
        this.name = name;
        this.requiredMessage = name + " is required";
        this.type = type;
        this.format = format;
        this.required = required;
        this.unique = unique;
        this.caster = caster;
        this.constraints = constraints.toArray(Constraint[]::new);
        this.quickCheck = QuickCheck.of(caster, constraints);
    }

    /// The field's name, which is also its CSV header.
    public String name() {
        return name;
    }

    public FieldType type() {
        return type;
    }

    /// The `format` as written in the schema; `default` when the schema gives none.
    public String format() {
        return format;
    }

    /// Whether a missing cell is an error: `constraints.required`, or the field is part of the
    /// schema's `primaryKey`.
    public boolean required() {
        return required;
    }

    /// The message of this field's `required` error, made once.
    public String requiredMessage() {
        return requiredMessage;
    }

    /// Whether `constraints.unique` is set. The engine enforces it across rows with [#uniqueKey].
    public boolean unique() {
        return unique;
    }

    /// The cells that are missing values in this field: its own `missingValues` (Table Schema
    /// v2), else the schema's.
    public MissingValues missingValues() {
        return missingValues;
    }

    /// The field's `x-lookup`: the upstream that must confirm (and may enrich) each value.
    public Optional<Lookup> lookup() {
        return lookup;
    }

    /// Casts a cell that is not a missing value, then checks the constraints, appending one
    /// [Violation] per failed check in this order: `type` or `format` (after which nothing else
    /// is checked), `minLength`, `maxLength`, `pattern`, `enum`, `minimum`, `maximum`.
    ///
    /// The typed value is left in `cell` ([Cell#form()], [Cell#typed()]): the cell's own text
    /// for string fields, ISO dates and times, years and canonical numbers, else a made value;
    /// after a failed cast, the cell's text.
    public void check(Cell cell, List<Violation> violations) {
        int before = violations.size();
        caster.cast(cell, violations);
        if (violations.size() != before) {
            return;
        }
        for (Constraint constraint : constraints) {
            constraint.check(cell, violations);
        }
    }

    /// The field's checks for the common cell, decided on its bytes alone ([QuickCheck]).
    public QuickCheck quickCheck() {
        return quickCheck;
    }

    /// [#check(Cell, List)] on a text, for single values (tests, schema inference).
    ///
    /// Returns the typed value: a `String` for string fields and ISO-8601 text for date, time,
    /// datetime, year, yearmonth, duration and any; a `Boolean`; a [JsonNumber] for integer and
    /// number, or the `String`s `NaN`, `INF`, `-INF`; a [JsonText] for array, object, geojson,
    /// geopoint and list; or `raw` itself when the cast failed. Never `null`.
    public Object check(String raw, List<Violation> violations) {
        Cell cell = Cell.of(raw);
        check(cell, violations);
        return cell.typed();
    }

    /// A key for uniqueness checks: two values equal under the field's type have equal keys
    /// (`1.0` and `1.00` on a number field; the same instant written with two offsets on a
    /// datetime field). `typed` is a value returned by [#check].
    public Object uniqueKey(Object typed) {
        return caster.uniqueKey(typed);
    }

    @Override
    public String toString() {
        return "Field[" + name + ": " + type.schemaName() + "]";
    }
}
