package dev.fanout.schema;

import com.google.re2j.Pattern;
import java.util.List;
import java.util.Set;

/// One compiled check of a field's `constraints` that runs on a cell after a successful cast.
///
/// `required` and `unique` are not among them: a missing cell never reaches the checks, and
/// uniqueness spans rows, so the engine decides both. A field runs its constraints in the order
/// `minLength`, `maxLength`, `pattern`, `enum`, `minimum`, `maximum`. Immutable and thread-safe.
sealed interface Constraint {

    /// Appends a violation to `violations` when the cell fails this check.
    void check(String raw, Object typed, List<Violation> violations);

    /// `minLength`: at least `length` Unicode code points.
    record MinLength(int length) implements Constraint {
        @Override
        public void check(String raw, Object typed, List<Violation> violations) {
            // A string has at most as many code points as chars and at least half as many,
            // so only strings between length and 2 * length chars need counting.
            int chars = raw.length();
            if (chars < length || chars < 2L * length && raw.codePointCount(0, chars) < length) {
                violations.add(Violation.of(ErrorCode.MIN_LENGTH, raw, "is shorter than the minimum length " + length));
            }
        }
    }

    /// `maxLength`: at most `length` Unicode code points.
    record MaxLength(int length) implements Constraint {
        @Override
        public void check(String raw, Object typed, List<Violation> violations) {
            // chars >= code points, so a string of at most `length` chars needs no count.
            if (raw.length() > length && raw.codePointCount(0, raw.length()) > length) {
                violations.add(Violation.of(ErrorCode.MAX_LENGTH, raw, "is longer than the maximum length " + length));
            }
        }
    }

    /// `pattern`: the whole raw cell matches, run by RE2/J in time linear in the cell's length.
    record PatternConstraint(Pattern pattern) implements Constraint {
        @Override
        public void check(String raw, Object typed, List<Violation> violations) {
            if (!pattern.matches(raw)) {
                violations.add(Violation.of(ErrorCode.PATTERN, raw, "does not match the pattern " + pattern.pattern()));
            }
        }
    }

    /// `enum`: the cast value equals one of the cast entries, compared by their unique keys so
    /// that `1.0` matches an entry `1` on a number field.
    record EnumConstraint(Caster caster, Set<Object> keys, String display) implements Constraint {
        public EnumConstraint {
            keys = Set.copyOf(keys);
        }

        @Override
        public void check(String raw, Object typed, List<Violation> violations) {
            if (!keys.contains(caster.uniqueKey(typed))) {
                violations.add(Violation.of(ErrorCode.ENUM, raw, "is not one of " + display));
            }
        }
    }

    /// `minimum`: the cast value is not below `bound`, in the field type's order.
    record Minimum(Caster caster, Object bound, String display) implements Constraint {
        @Override
        public void check(String raw, Object typed, List<Violation> violations) {
            if (caster.compare(typed, bound) < 0) {
                violations.add(Violation.of(ErrorCode.MINIMUM, raw, "is below the minimum " + display));
            }
        }
    }

    /// `maximum`: the cast value is not above `bound`, in the field type's order.
    record Maximum(Caster caster, Object bound, String display) implements Constraint {
        @Override
        public void check(String raw, Object typed, List<Violation> violations) {
            if (caster.compare(typed, bound) > 0) {
                violations.add(Violation.of(ErrorCode.MAXIMUM, raw, "is above the maximum " + display));
            }
        }
    }
}
