package dev.fanout.engine;

import dev.fanout.schema.JsonNumber;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/// The keys a chunk's rows offer to a run's uniqueness rules and self-references, encoded as
/// [KeySet] holds them and hashed, by the worker that validated the chunk. The writer, which
/// decides the keys one at a time in row order on one thread, then only probes its sets (and can
/// read ahead of its probes: [KeySet#warm]); the encoding and the hash are done on every core.
/// A chunk's keys share one array, with no object per key or row.
///
/// Key `k` of row `r` (the rules in [RowValidator]'s order: each uniqueness rule, then each
/// self-reference's offered and wanted key) is entry `k * rows + r`, so that one rule's hashes lie
/// together. An entry without a key (a part missing or failed its cast, or a row with the wrong
/// cell count) has none. Filled by one worker, then handed to the writer with its chunk.
final class ChunkKeys {
    private final int rows;
    private final int rules;
    private byte[] bytes;
    private int length;
    // Each entry's bytes, [starts, ends); starts is -1 where the entry has no key.
    private final int[] starts;
    private final int[] ends;
    private final long[] hashes;

    ChunkKeys(int rows, int rules) {
        this.rows = rows;
        this.rules = rules;
        this.bytes = new byte[Math.max(16, rows * rules * 12)];
        this.starts = new int[rows * rules];
        this.ends = new int[rows * rules];
        this.hashes = new long[rows * rules];
        Arrays.fill(starts, -1);
    }

    /// The encoding of one key made of `parts` (none of them `null`), as [KeySet] holds it.
    static byte[] encode(Object... parts) {
        // No entry: nothing hashed (a lookup in a reference table hashes the key itself).
        var key = new ChunkKeys(0, 0);
        for (Object part : parts) {
            key.valuePart(part);
        }
        return Arrays.copyOf(key.bytes, key.length);
    }

    /// Sets row `row`'s key under `rule` to the values at `indexes`; leaves it without a key when
    /// one of them is null.
    void set(int row, int rule, int[] indexes, Object[] values) {
        for (int index : indexes) {
            if (values[index] == null) {
                return;
            }
        }
        int start = length;
        for (int index : indexes) {
            valuePart(values[index]);
        }
        finish(row, rule, start);
    }

    /// Where the next key's bytes start: its parts follow, then [#finish] or [#drop] with it.
    int next() {
        return length;
    }

    /// Appends a part whose key text is `b[from, to)` (UTF-8): a cell that is its own key.
    void textPart(byte[] b, int from, int to) {
        room(5 + to - from);
        length = KeySet.writeVarint(bytes, length, to - from);
        System.arraycopy(b, from, bytes, length, to - from);
        length += to - from;
    }

    /// Appends a part that is a [dev.fanout.schema.Field#uniqueKey].
    void valuePart(Object value) {
        part(text(value));
    }

    /// Makes the parts from `start` row `row`'s key under `rule`.
    void finish(int row, int rule, int start) {
        int entry = rule * rows + row;
        starts[entry] = start;
        ends[entry] = length;
        hashes[entry] = KeySet.hash(bytes, start, length);
    }

    /// Drops the parts from `start`: the row has no key under that rule.
    void drop(int start) {
        length = start;
    }

    int rows() {
        return rows;
    }

    /// Whether row `row` has a key under `rule`.
    boolean has(int row, int rule) {
        return starts[rule * rows + row] >= 0;
    }

    /// The array the keys' bytes are in.
    byte[] bytes() {
        return bytes;
    }

    int start(int row, int rule) {
        return starts[rule * rows + row];
    }

    int end(int row, int rule) {
        return ends[rule * rows + row];
    }

    long hash(int row, int rule) {
        return hashes[rule * rows + row];
    }

    /// Every row's hash under one rule, from index `rule * rows()` (0 where a row has no key).
    long[] hashes() {
        return hashes;
    }

    /// Each row's keys as text, for tests that compare two runs' keys.
    @Override
    public String toString() {
        var text = new StringBuilder();
        for (int r = 0; r < rows; r++) {
            text.append(r).append(':');
            for (int k = 0; k < rules; k++) {
                text.append(' ').append(has(r, k)
                        ? new String(bytes, start(r, k), end(r, k) - start(r, k), StandardCharsets.ISO_8859_1) : "-");
            }
            text.append('\n');
        }
        return text.toString();
    }

    private static String text(Object part) {
        return switch (part) {
            case JsonNumber number -> number.text();
            case BigDecimal decimal -> decimal.toString();
            default -> part.toString();
        };
    }

    /// Appends one part: its text in UTF-8 behind its length (a varint).
    private void part(String text) {
        int chars = text.length();
        boolean ascii = true;
        for (int c = 0; c < chars && ascii; c++) {
            ascii = text.charAt(c) < 0x80;
        }
        if (!ascii) {
            byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
            room(5 + utf8.length);
            length = KeySet.writeVarint(bytes, length, utf8.length);
            System.arraycopy(utf8, 0, bytes, length, utf8.length);
            length += utf8.length;
            return;
        }
        room(5 + chars);
        length = KeySet.writeVarint(bytes, length, chars);
        for (int c = 0; c < chars; c++) {
            bytes[length + c] = (byte) text.charAt(c);
        }
        length += chars;
    }

    private void room(int more) {
        if (bytes.length - length < more) {
            bytes = Arrays.copyOf(bytes, Math.max(2 * bytes.length, length + more));
        }
    }
}
