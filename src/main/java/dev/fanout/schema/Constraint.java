package dev.fanout.schema;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Set;

/// One compiled check of a field's `constraints` that runs on a cell after a successful cast.
///
/// `required` and `unique` are not among them: a missing cell never reaches the checks, and
/// uniqueness spans rows, so the engine decides both. A field runs its constraints in the order
/// `minLength`, `maxLength`, `pattern`, `enum`, `minimum`, `maximum`, `exclusiveMinimum`,
/// `exclusiveMaximum`, then the field's `categories`. Immutable and thread-safe.
sealed interface Constraint {
    /// Why a value has no order with a bound: only durations have such values (`P30D`, `P1M`).
    String UNORDERED_WHY = ": it is longer than it in some months and shorter in others";

    /// Appends a violation to `violations` when the cast cell fails this check.
    void check(Cell cell, List<Violation> violations);

    /// `minLength`: at least `length` Unicode code points. `problem`: the message's, made once.
    record MinLength(int length, String problem) implements Constraint {
        MinLength(int length) {
            this(length, "is shorter than the minimum length " + length);
        }

        @Override
        public void check(Cell cell, List<Violation> violations) {
            // A code point is 1 to 4 UTF-8 bytes: only cells of length to 4 * length bytes need counting.
            int bytes = cell.length();
            if (bytes < length || bytes < 4L * length && codePoints(cell) < length) {
                violations.add(Violation.of(ErrorCode.MIN_LENGTH, cell, problem));
            }
        }
    }

    /// `maxLength`: at most `length` Unicode code points. `problem`: the message's, made once.
    record MaxLength(int length, String problem) implements Constraint {
        MaxLength(int length) {
            this(length, "is longer than the maximum length " + length);
        }

        @Override
        public void check(Cell cell, List<Violation> violations) {
            // Bytes >= code points, so a cell of at most `length` bytes needs no count.
            if (cell.length() > length && codePoints(cell) > length) {
                violations.add(Violation.of(ErrorCode.MAX_LENGTH, cell, problem));
            }
        }
    }

    /// `minLength` on an array, object or list: at least `length` items (an object's keys).
    record MinItems(int length, String noun) implements Constraint {
        @Override
        public void check(Cell cell, List<Violation> violations) {
            int size = ((JsonText) cell.value()).size();
            if (size < length) {
                violations.add(Violation.of(ErrorCode.MIN_LENGTH, cell,
                        "has " + size + " " + noun + ", fewer than the minimum length " + length));
            }
        }
    }

    /// `maxLength` on an array, object or list: at most `length` items (an object's keys).
    record MaxItems(int length, String noun) implements Constraint {
        @Override
        public void check(Cell cell, List<Violation> violations) {
            int size = ((JsonText) cell.value()).size();
            if (size > length) {
                violations.add(Violation.of(ErrorCode.MAX_LENGTH, cell,
                        "has " + size + " " + noun + ", more than the maximum length " + length));
            }
        }
    }

    /// `pattern`: the whole raw cell matches, run by RE2/J in time linear in the cell's length.
    /// `problem`: the message's, made once.
    record PatternConstraint(Pattern pattern, String problem) implements Constraint {
        PatternConstraint(Pattern pattern) {
            this(pattern, "does not match the pattern " + pattern.pattern());
        }

        @Override
        public void check(Cell cell, List<Violation> violations) {
            if (!pattern.matches(cell.text())) {
                violations.add(Violation.of(ErrorCode.PATTERN, cell, problem));
            }
        }
    }

    /// `enum`, and v2's `categories`: the cast value equals one of the cast entries, compared by
    /// their unique keys so that `1.0` matches an entry `1` on a number field. `code` and
    /// `problem` (`is not one of ` and the list, made once) tell the two apart.
    record EnumConstraint(Caster caster, Set<Object> keys, ErrorCode code, String problem) implements Constraint {
        public EnumConstraint {
            keys = Set.copyOf(keys);
        }

        /// `enum`, whose entries `display` lists.
        static EnumConstraint of(Caster caster, Set<Object> keys, String display) {
            return new EnumConstraint(caster, keys, ErrorCode.ENUM, "is not one of " + display);
        }

        @Override
        public void check(Cell cell, List<Violation> violations) {
            if (!keys.contains(caster.uniqueKey(cell.typed()))) {
                violations.add(Violation.of(code, cell, problem));
            }
        }
    }

    /// `minimum` (or v2's `exclusiveMinimum`): the cast value is not below (not at or below)
    /// `bound`, in the field type's order. An integer bound of up to 18 digits is also held as a
    /// `long`, compared with the cell's own `long` without making its typed value.
    /// `named` is the bound as the messages name it (`minimum 5`), `beyond` the problem of a value
    /// beyond it (`is below the minimum 5`), both made once.
    record Minimum(Caster caster, Object bound, boolean longs, long longBound, boolean exclusive, String named,
            String beyond) implements Constraint {
        static Minimum of(Caster caster, Object bound, String display, boolean exclusive) {
            Long asLong = asLong(caster, bound);
            String named = (exclusive ? "exclusive minimum " : "minimum ") + display;
            return new Minimum(caster, bound, asLong != null, asLong == null ? 0 : asLong, exclusive, named,
                    (exclusive ? "is not above the " : "is below the ") + named);
        }

        @Override
        public void check(Cell cell, List<Violation> violations) {
            int order = order(cell, caster, bound, longs, longBound);
            if (order < 0 || exclusive && order == 0) {
                addBeyond(violations, cell, exclusive ? ErrorCode.EXCLUSIVE_MINIMUM : ErrorCode.MINIMUM, named, order,
                        beyond);
            }
        }
    }

    /// `maximum` (or v2's `exclusiveMaximum`): the cast value is not above (not at or above)
    /// `bound`, in the field type's order (see [Minimum]).
    record Maximum(Caster caster, Object bound, boolean longs, long longBound, boolean exclusive, String named,
            String beyond) implements Constraint {
        static Maximum of(Caster caster, Object bound, String display, boolean exclusive) {
            Long asLong = asLong(caster, bound);
            String named = (exclusive ? "exclusive maximum " : "maximum ") + display;
            return new Maximum(caster, bound, asLong != null, asLong == null ? 0 : asLong, exclusive, named,
                    (exclusive ? "is not below the " : "is above the ") + named);
        }

        @Override
        public void check(Cell cell, List<Violation> violations) {
            int order = order(cell, caster, bound, longs, longBound);
            if (order == Caster.UNORDERED || order > 0 || exclusive && order == 0) {
                addBeyond(violations, cell, exclusive ? ErrorCode.EXCLUSIVE_MAXIMUM : ErrorCode.MAXIMUM, named, order,
                        beyond);
            }
        }
    }

    /// `jsonSchema` (v2, on array and object fields): the cell's JSON value is valid under the
    /// field's JSON Schema ([JsonSchemas]). The message gives the validator's first finding and how
    /// many more there were.
    record JsonSchemaConstraint(com.networknt.schema.Schema schema) implements Constraint {
        @Override
        public void check(Cell cell, List<Violation> violations) {
            com.fasterxml.jackson.databind.JsonNode value;
            try {
                value = JsonSchemas.JSON.readTree(cell.text());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // The field's cast has accepted the cell as JSON: this does not happen.
                violations.add(Violation.of(ErrorCode.JSON_SCHEMA, cell, "is not JSON"));
                return;
            }
            List<com.networknt.schema.Error> errors = schema.validate(value);
            if (!errors.isEmpty()) {
                String more = errors.size() == 1 ? "" : " (and " + (errors.size() - 1) + " more)";
                violations.add(Violation.of(ErrorCode.JSON_SCHEMA, cell,
                        "does not match the field's jsonSchema: " + errors.getFirst().toString() + more));
            }
        }
    }

    /// The bound as a `long` when the field is an integer and the bound fits, else null.
    /// The cell's value against `bound` ([Minimum], [Maximum]): as `long`s when both are, else in
    /// the field type's order, which may be [Caster#UNORDERED]. Static, so the per-cell checks inline it.
    private static int order(Cell cell, Caster caster, Object bound, boolean longs, long longBound) {
        return longs && cell.hasLong() ? Long.compare(cell.longValue(), longBound) : caster.compare(cell.typed(), bound);
    }

    /// Adds a cell's violation of `bound` (`minimum 5`): that it cannot be ordered against it
    /// when `order` says so, else `beyond` (`is below the minimum 5`).
    private static void addBeyond(List<Violation> violations, Cell cell, ErrorCode code, String bound, int order,
            String beyond) {
        violations.add(Violation.of(code, cell, order == Caster.UNORDERED
                ? "cannot be ordered against the " + bound + UNORDERED_WHY
                : beyond));
    }

    private static Long asLong(Caster caster, Object bound) {
        if (caster instanceof IntegerCaster && bound instanceof JsonNumber number && number.text().length() <= 18) {
            return Long.parseLong(number.text());
        }
        return null;
    }

    /// The number of code points of a cell of valid UTF-8: the bytes that are not continuation bytes.
    private static int codePoints(Cell cell) {
        return codePoints(cell.bytes(), cell.start(), cell.end());
    }

    /// The number of code points of valid UTF-8 in `b[start, end)`.
    static int codePoints(byte[] b, int start, int end) {
        int count = 0;
        for (int i = start; i < end; i++) {
            if ((b[i] & 0xC0) != 0x80) {
                count++;
            }
        }
        return count;
    }
}
