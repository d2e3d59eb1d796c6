package dev.fanout.csv;

/// One CSV record as read: the physical line it starts on (1-based; it differs from the record's
/// index after quoted newlines) and its cells, never null.
///
/// The array is owned by the record and never changed after reading; it is not copied, for speed.
public record CsvRecord(long line, String[] cells) {
    /// The number of cells.
    public int size() {
        return cells.length;
    }
}
