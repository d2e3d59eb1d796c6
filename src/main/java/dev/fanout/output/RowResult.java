package dev.fanout.output;

import java.util.List;

/// A validated row: its 1-based index among data records, the physical line it starts on, the
/// values of `data` in output order (typed values, raw strings where a cast failed, null for
/// missing), and its errors in schema field order (empty when valid).
///
/// `values` and `errors` are owned by the row and not copied, for speed (a row is built once per
/// CSV row on the hot path); nobody changes them after validation.
public record RowResult(long row, long line, Object[] values, List<FieldError> errors) {

    /// Whether every check passed.
    public boolean valid() {
        return errors.isEmpty();
    }
}
