package dev.fanout.schema;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/// The cells that stand for "no value": a schema's `missingValues`, or a field's own (Table
/// Schema v2), which replace the schema's for that field. Matched against a cell's raw UTF-8
/// bytes before any cast. Immutable and thread-safe.
public final class MissingValues {
    static final MissingValues DEFAULT = new MissingValues(List.of(""));

    private final List<String> values;
    // Arrays for the per-cell scan; usually the single empty string, checked by length alone.
    private final byte[][] utf8;
    private final boolean onlyEmpty;

    MissingValues(List<String> values) {
        this.values = List.copyOf(values);
        this.utf8 = new byte[values.size()][];
        for (int i = 0; i < utf8.length; i++) {
            utf8[i] = values.get(i).getBytes(StandardCharsets.UTF_8);
        }
        this.onlyEmpty = values.equals(List.of(""));
    }

    /// The missing values in document order.
    public List<String> values() {
        return values;
    }

    /// Whether `raw` is one of the missing values.
    public boolean contains(String raw) {
        return values.contains(raw);
    }

    /// Whether the cell `bytes[start, end)` is one of the missing values.
    public boolean contains(byte[] bytes, int start, int end) {
        // The common case decided here, the rest in a method of its own: this one stays under
        // the 35 bytecodes C1 (the CLI's compiler) inlines, and it runs for every cell.
        return onlyEmpty ? start == end : listed(bytes, start, end);
    }

    private boolean listed(byte[] bytes, int start, int end) {
        for (byte[] missing : utf8) {
            if (Arrays.equals(bytes, start, end, missing, 0, missing.length)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "MissingValues" + values;
    }
}
