package dev.fanout.output;

import java.util.List;

/// A validated row: its 1-based index among data records, the physical line it starts on, the
/// values of `data` in output order (typed values, raw strings where a cast failed, null for
/// missing), and its errors in schema field order (empty when valid).
///
/// `values` is owned by the row and not copied, for speed; nobody changes it after validation.
public record RowResult(long row, long line, Object[] values, List<FieldError> errors) {
    public RowResult {
        errors = List.copyOf(errors);
    }

    /// Whether every check passed.
    public boolean valid() {
        return errors.isEmpty();
    }
}
