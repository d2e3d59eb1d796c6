package dev.fanout.csv;

import dev.fanout.memory.WideRecordGate;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/// Consecutive records of a CSV stream, kept as the bytes they were read in: one byte array that
/// holds every cell's content (valid UTF-8, quotes and escapes removed) and, per cell, where its
/// content starts and ends in that array. Validation reads cells where they lie; nothing is
/// decoded to `String` unless a check or a message needs it.
///
/// [CsvSource#fill] writes a batch; afterwards it is read-only and may be read by any one thread
/// at a time (the engine's worker that read it validates it; the one that writes its chunk gives it back). A batch is reused
/// for the next fill once nobody reads it. Cell accessors take a record index `0 <= r < size()`
/// and a cell index `0 <= c < cellCount(r)`.
public final class RecordBatch {
    byte[] bytes;
    /// Start and end of cell `k` of the batch at `2k` and `2k + 1`.
    int[] cells;
    /// Index of the first cell of record `r`; `firstCell[size]` is the number of cells.
    int[] firstCell;
    long[] lines;
    int size;
    int cellTotal;
    /// Where the bytes of the last complete record end: the batch's byte size.
    int used;
    /// The gate entered for a record of this batch wider than a batch, until [#leaveWideGate];
    /// null when none was.
    WideRecordGate enteredGate;

    /// An empty batch whose buffer starts at `initialBytes` (it grows as records need).
    public RecordBatch(int initialBytes) {
        this(new byte[Math.max(64, initialBytes)]);
    }

    /// An empty batch that reads into `buffer` first (it grows as records need; see [#buffer()]).
    /// Its cell and record indexes are made with the first record: a run's last batch is often
    /// empty.
    public RecordBatch(byte[] buffer) {
        this(buffer, 0, 0);
    }

    /// An empty batch that reads into `buffer` first, with index room for as many cells and
    /// records as `model` has room for: a run's later batches, which would otherwise grow theirs
    /// step by step as the first did (in a gateway under four large uploads those copies were ~2 %
    /// of the CPU; a run makes as many batches as it has chunks in flight).
    public static RecordBatch withIndexesOf(byte[] buffer, RecordBatch model) {
        return new RecordBatch(buffer, model.cells.length / 2, model.lines.length);
    }

    /// A batch with room for `cells` cells in `records` records before its indexes grow.
    RecordBatch(byte[] buffer, int cells, int records) {
        bytes = buffer;
        this.cells = new int[2 * cells];
        lines = new long[records];
        firstCell = new int[records + 1];
    }

    /// The number of records.
    public int size() {
        return size;
    }

    /// The physical line (1-based) that record `r` starts on.
    public long line(int r) {
        return lines[r];
    }

    /// The number of cells of record `r`.
    public int cellCount(int r) {
        return firstCell[r + 1] - firstCell[r];
    }

    /// The array that holds every cell's bytes; read only the ranges the cell accessors give.
    public byte[] bytes() {
        return bytes;
    }

    /// Leaves the gate that a record of this batch wider than a batch entered, if one did: once
    /// the batch's chunk is written, or its run is over.
    public void leaveWideGate() {
        WideRecordGate gate = enteredGate;
        if (gate != null) {
            enteredGate = null;
            gate.leave();
        }
    }

    /// The batch's buffer, for giving it back to a pool once nobody reads the batch any more.
    /// It is [#bytes()], which may have been replaced by a larger one since the batch was made.
    public byte[] buffer() {
        return bytes;
    }

    /// Where the content of cell `c` of record `r` starts in [#bytes()].
    public int cellStart(int r, int c) {
        return cells[2 * (firstCell[r] + c)];
    }

    /// Where the content of cell `c` of record `r` ends (exclusive) in [#bytes()].
    public int cellEnd(int r, int c) {
        return cells[2 * (firstCell[r] + c) + 1];
    }

    /// The index of record `r`'s first cell among all cells of the batch, for [#cellBounds()].
    public int firstCellIndex(int r) {
        return firstCell[r];
    }

    /// Start and end of every cell of the batch: cell `k` (see [#firstCellIndex]) at `2k` and
    /// `2k + 1`. For loops over many cells; read it, never write it.
    public int[] cellBounds() {
        return cells;
    }

    /// How many bytes record `r`'s cells span in [#bytes()], from the first cell's start to the
    /// last one's end: at least the sum of their lengths.
    public int cellSpan(int r) {
        // Every record has a cell (an empty line is no record; a line of nothing else is one
        // empty cell): written without a test for none, small enough for C1 (the CLI's
        // compiler) to inline, and every row line asks it.
        return cells[2 * firstCell[r + 1] - 1] - cells[2 * firstCell[r]];
    }

    /// Cell `c` of record `r` decoded as text.
    public String cellText(int r, int c) {
        int start = cellStart(r, c);
        return new String(bytes, start, cellEnd(r, c) - start, StandardCharsets.UTF_8);
    }

    /// The cells of record `r` decoded as text.
    public String[] recordText(int r) {
        String[] text = new String[cellCount(r)];
        for (int c = 0; c < text.length; c++) {
            text[c] = cellText(r, c);
        }
        return text;
    }

    /// How many bytes of input the batch's records took (quotes and separators included): the
    /// measure of its memory.
    public int byteSize() {
        return used;
    }

    void clear() {
        size = 0;
        cellTotal = 0;
        used = 0;
    }

    /// The cell index with room for `count` cells: the batch's own and those of the record being
    /// read, which the source writes after them ([CsvSource]); grown if needed, its content kept.
    int[] cellRoom(int count) {
        if (2 * count > cells.length) {
            // At least room for a small request's 20 rows of a few cells at once.
            cells = Arrays.copyOf(cells, Math.max(Math.max(256, cells.length * 2), 2 * count));
        }
        return cells;
    }

    /// Ends the record whose `count` cells the source wrote after the batch's last one: it starts
    /// on `line` and its bytes end at `end`.
    void endRecord(int count, long line, int end) {
        cellTotal += count;
        if (size == lines.length) {
            int records = Math.max(32, size * 2);
            lines = Arrays.copyOf(lines, records);
            firstCell = Arrays.copyOf(firstCell, records + 1);
        }
        lines[size] = line;
        size++;
        firstCell[size] = cellTotal;
        used = end;
    }
}
