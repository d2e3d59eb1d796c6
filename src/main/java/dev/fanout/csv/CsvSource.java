package dev.fanout.csv;

import dev.fanout.memory.BufferPool;
import dev.fanout.memory.WideRecordGate;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/// Reads RFC 4180 CSV from a byte stream into [RecordBatch]es, straight from the UTF-8 bytes.
///
/// The dialect is FastCSV's (which Fanout used before; `CsvSourceDifferentialTest` holds this
/// reader to it on random hostile input): `"` quotes, `""` escapes a quote inside quotes, a quote
/// inside an unquoted cell is data, CR, LF and CRLF end a record, blank lines are skipped (they
/// count for line numbers, not as records), a leading byte-order mark is dropped. It is strict
/// where FastCSV's defaults are lenient: bytes that are not UTF-8, a character after a closing
/// quote and a quote left open at the end are failures, as are a cell over `maxFieldBytes`
/// (counted in UTF-8 bytes after unescaping) and a record over `maxColumns` cells. Field counts
/// are not checked: the engine reports `field_count` per row. A cell over `maxFieldBytes` fails
/// as such even when something further on in it is wrong too (bytes that are not UTF-8, a
/// character after its closing quote, no closing quote): a huge cell is refused before it is
/// read to its end, so the failure does not depend on how much was buffered. (FastCSV measures a
/// field once it ends, and names the other problem.)
///
/// Why not FastCSV itself: it parses `char`s, so every byte had to be decoded to UTF-16 and every
/// cell copied into a `String`, and rendering encoded it all back to UTF-8; reading bytes and
/// leaving cells where they lie took a 100 MB file's parse from ~380 to ~150 ms and let the
/// engine render most cells by copying their bytes (`bench/RESULTS.md`).
///
/// Every failure is a [CsvFailure] with a SPEC code; the records before it are kept. Not thread-safe: read by one thread at a time. [#bytesRead()] may be polled from any
/// thread.
///
/// Why one class of 600 lines: it is one state machine over one buffer. The per-byte scan, the
/// word-at-a-time skip over plain bytes, UTF-8 checking, cell and record bookkeeping and the
/// buffer's moving, growing and hand-over to a batch all read and write the same dozen
/// positions (`pos`, `cellStart`, `write`, `recordStart`, `batchStart`, `crAt`, …); split into
/// objects, each step would go through another object's fields or calls inside the per-byte
/// loop, which the JIT compiles as one method today (`bench/RESULTS.md` holds its measurements).
/// What is not on that path, the failures' messages, is made in [CsvFailure].
public final class CsvSource implements AutoCloseable {
    /// A batch that reaches this many bytes ends at its next record boundary: with its rendered
    /// rows (about twice as much) it bounds a chunk's memory whatever the rows' width.
    static final int MAX_BATCH_BYTES = 256 * 1024;
    private static final int MIN_READ = 4 * 1024;
    /// The largest buffer a record may need: a record longer than this is refused.
    private static final int MAX_BUFFER_BYTES = Integer.MAX_VALUE - 16;

    private static final int RECORD_START = 0;
    private static final int CELL_START = 1;
    private static final int UNQUOTED = 2;
    private static final int QUOTED = 3;
    private static final int QUOTE_SEEN = 4;
    /// Not a state: [#endCell]'s answer when the record it ended filled the batch, which ends the scan.
    private static final int BATCH_FULL = 5;
    private static final byte QUOTE = '"';
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    /// Larger than any byte: a delimiter that never matches a single byte.
    private static final int NO_BYTE = 1 << 10;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final InputStream in;
    private final int maxFieldBytes;
    private final int maxColumns;
    private final int maxRecordBytes;
    /// Where a batch takes a turn for a record of [#wideRecordBytes] or more, before more is read.
    private final WideRecordGate wideRecords;
    /// The input a batch may have in hand from the start of the record in progress without a turn
    /// at `wideRecords`: a batch's size. No bound when the gate has none.
    private final int wideRecordBytes;
    /// The delimiter as a byte (an ASCII delimiter), or [#NO_BYTE].
    private final int delimiter;
    /// The delimiter's UTF-8 bytes when it is not ASCII (then it starts with a byte >= 0x80), else null.
    private final byte[] wideDelimiter;
    /// The delimiter in each byte of a word, for [#specialBytes]; a quote when the delimiter is
    /// not a single byte (a quote is looked for anyway).
    private final long delimiterWord;
    private final int minRead;
    private final int maxBatchBytes;
    private final RecordBatch single;

    // Where reading stands. The record being read may span reads, so all of it is kept between
    // calls: its cells so far, the cell being read and the parser's state.
    private byte[] buf;
    private int pos;
    private int filled;
    private int recordStart;
    /// Where the batch being filled began in `buf`: its size is measured from there.
    private int batchStart;
    private int cellStart;
    private int write;
    private int state = RECORD_START;
    /// The batch being filled, or the last one filled. The record being read writes its cells
    /// straight into this batch's index, after the batch's own cells: copying each record's cells
    /// there from an array of the source's was ~6 % of the gateway's CPU under large uploads
    /// (bench/RESULTS.md). If the batch ends before the record does, the next one takes them over.
    private RecordBatch target;
    private int recordCellCount;
    /// Position of the last CR: an LF right after it is the same line break.
    private int crAt = -2;
    private long line = 1;
    private long recordLine = 1;
    private boolean atStart = true;
    private boolean endOfInput;
    private boolean finished;
    private CsvFailure failure;
    private volatile long bytesRead;
    /// Set by [#stopWaiting] from another thread.
    private volatile boolean waitingStopped;
    /// When the turn this source last took at `wideRecords` runs out (`System.nanoTime()`): a read
    /// under a turn after it fails with `upload_too_slow`.
    private long turnEnds;
    /// The first line of the record that took that turn. A wide header's turn goes on to the first
    /// batch (with the header's buffer), which reads the records after it under the same turn.
    private long turnLine;
    private boolean closed;

    private CsvSource(InputStream in, char delimiter, int maxFieldBytes, int maxColumns, int maxRecordBytes,
            WideRecordGate wideRecords, int minRead, int maxBatchBytes) {
        this.in = in;
        this.maxRecordBytes = Math.min(maxRecordBytes, MAX_BUFFER_BYTES / 2);
        this.wideRecords = wideRecords;
        this.wideRecordBytes = wideRecords.bounded() ? maxBatchBytes : Integer.MAX_VALUE;
        this.minRead = minRead;
        this.maxBatchBytes = maxBatchBytes;
        // Mostly reads the header: room for 32 columns.
        this.single = new RecordBatch(minRead == MIN_READ ? BufferPool.SHARED.take(MIN_READ) : new byte[minRead], 32, 1);
        this.maxFieldBytes = maxFieldBytes;
        this.maxColumns = maxColumns;
        if (delimiter < 0x80) {
            this.delimiter = delimiter;
            this.wideDelimiter = null;
        } else {
            this.delimiter = NO_BYTE;
            // A lone surrogate cannot occur in UTF-8 text, so such a delimiter never splits a cell.
            this.wideDelimiter = Character.isSurrogate(delimiter) ? null
                    : String.valueOf(delimiter).getBytes(StandardCharsets.UTF_8);
        }
        this.delimiterWord = (this.delimiter == NO_BYTE ? QUOTE : this.delimiter) * ByteWords.ONES;
        this.buf = single.bytes;
        this.target = single;
    }

    /// Opens a source over `in`. `maxFieldBytes` bounds one cell, `maxColumns` one record's
    /// cells; a record may take up to ~1 GiB.
    public static CsvSource open(InputStream in, char delimiter, int maxFieldBytes, int maxColumns) {
        return open(in, delimiter, maxFieldBytes, maxColumns, Integer.MAX_VALUE);
    }

    /// As [#open(InputStream, char, int, int)], refusing a record that reaches `maxRecordBytes`
    /// bytes before it ends (`record_too_large`): it must be held whole to be validated, and the
    /// other two limits allow a GiB.
    public static CsvSource open(InputStream in, char delimiter, int maxFieldBytes, int maxColumns, int maxRecordBytes) {
        return open(in, delimiter, maxFieldBytes, maxColumns, maxRecordBytes, WideRecordGate.UNLIMITED);
    }

    /// As [#open(InputStream, char, int, int, int)], taking a turn at `wideRecords` for each record
    /// that outgrows a batch (256 KiB) before more of it is read (`overloaded` when no turn comes
    /// in time). The batch that holds the record keeps the turn until [RecordBatch#leaveWideGate];
    /// the header's is given back when the source closes, or passed on to the first batch.
    public static CsvSource open(InputStream in, char delimiter, int maxFieldBytes, int maxColumns, int maxRecordBytes,
            WideRecordGate wideRecords) {
        if (delimiter == '"' || delimiter == '\r' || delimiter == '\n') {
            throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
        }
        return new CsvSource(in, delimiter, maxFieldBytes, maxColumns, maxRecordBytes, wideRecords, MIN_READ, MAX_BATCH_BYTES);
    }

    /// A source that reads at least `minRead` bytes at a time and ends a batch near
    /// `maxBatchBytes`: tiny sizes let tests reach the paths that move, grow and carry buffers.
    static CsvSource open(InputStream in, char delimiter, int maxFieldBytes, int maxColumns, int minRead,
            int maxBatchBytes) {
        return open(in, delimiter, maxFieldBytes, maxColumns, Integer.MAX_VALUE, WideRecordGate.UNLIMITED, minRead, maxBatchBytes);
    }

    /// As the one above, with a record limit and a gate for wide records.
    static CsvSource open(InputStream in, char delimiter, int maxFieldBytes, int maxColumns, int maxRecordBytes,
            WideRecordGate wideRecords, int minRead, int maxBatchBytes) {
        return new CsvSource(in, delimiter, maxFieldBytes, maxColumns, maxRecordBytes, wideRecords, minRead, maxBatchBytes);
    }

    /// Reads records into `batch` (emptied first) until it holds `maxRecords`, its bytes reach
    /// about 256 KB, or the input ends. Returns whether the input has ended: then no record
    /// follows those in `batch`. Otherwise more may follow (the next fill may find none).
    ///
    /// @throws CsvFailure when the stream cannot go on; `batch` then holds the records before the
    ///     failure, and every later call throws the same failure
    public boolean fill(RecordBatch batch, int maxRecords) {
        if (failure != null) {
            throw failure;
        }
        adopt(batch);
        if (finished) {
            return true;
        }
        try {
            if (filled - recordStart >= wideRecordBytes && target.enteredGate == null) {
                // Read ahead under the last batch's turn (without one, reads stop short of this):
                // what is in hand takes a turn of its own.
                enterWideGate();
            }
            if (atStart && !skipByteOrderMark(batch)) {
                return finishAtEndOfInput(batch);
            }
            while (true) {
                if (scan(batch, maxRecords)) {
                    return false;
                }
                if (endOfInput) {
                    return finishAtEndOfInput(batch);
                }
                if (filled == buf.length && !makeRoom(batch)) {
                    return false;
                }
                read();
            }
        } catch (CsvFailure e) {
            failure = e;
            throw e;
        }
    }

    /// The next record as text, or empty at the end of the input (for the header, and for readers
    /// of whole records such as schema inference).
    ///
    /// @throws CsvFailure when the stream cannot go on
    public Optional<CsvRecord> next() {
        fill(single, 1);
        return single.size() == 0 ? Optional.empty() : Optional.of(new CsvRecord(single.line(0), single.recordText(0)));
    }

    /// Bytes consumed from the input so far (read-ahead included), for progress reports.
    public long bytesRead() {
        return bytesRead;
    }

    /// Closes the input and gives the source's own buffer back to the pool.
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            single.leaveWideGate();
            BufferPool.SHARED.give(single.buffer());
        }
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the CSV input failed", e);
        }
    }

    /// Moves the record in progress (and what was read after it) to the start of `batch`'s
    /// buffer, which from now on receives the input.
    @SuppressWarnings("ReferenceEquality") // which buffer is which: identity is the question
    private void adopt(RecordBatch batch) {
        RecordBatch from = target;
        int fromCell = from.cellTotal;
        batch.clear();
        if (recordCellCount > 0) {
            // The record in progress moves to the start of the new batch's index (the same batch's,
            // when it is reused). Only this source writes a batch's index, and only its filled
            // part is read, so the last batch may be read elsewhere meanwhile.
            int[] cells = batch.cellRoom(recordCellCount);
            System.arraycopy(from.cells, 2 * fromCell, cells, 0, 2 * recordCellCount);
        }
        target = batch;
        if (batch.bytes == buf) {
            batchStart = recordStart;
            return;
        }
        batchStart = 0;
        if (buf == single.bytes) {
            // The header was read into the source's own buffer: the batch takes it over (no copy,
            // and a small request needs one buffer, not two) and the source keeps the batch's.
            byte[] spare = batch.bytes;
            batch.bytes = buf;
            single.bytes = spare;
            // A wide header's turn at the gate goes with its buffer.
            batch.enteredGate = single.enteredGate;
            single.enteredGate = null;
            batchStart = recordStart;
            return;
        }
        int carry = filled - recordStart;
        // A recycled batch may have grown for one huge record: it gets a buffer of ordinary size
        // again, so that its next chunks are not as large.
        if (batch.bytes.length < carry + minRead || batch.bytes.length > 2 * maxBatchBytes && carry < maxBatchBytes) {
            // The batch is not in use (it is being filled), so its old buffer can go back.
            byte[] old = batch.bytes;
            batch.bytes = BufferPool.SHARED.take(Math.max(Math.min(old.length * 2, maxBatchBytes), carry + minRead));
            BufferPool.SHARED.give(old);
        }
        System.arraycopy(buf, recordStart, batch.bytes, 0, carry);
        shift(recordStart);
        buf = batch.bytes;
    }

    /// Shifts every position kept by `by` bytes to the left.
    private void shift(int by) {
        pos -= by;
        filled -= by;
        cellStart -= by;
        write -= by;
        // Kept from drifting down without bound over a long input (it only ever meets p - 1).
        crAt = Math.max(crAt - by, -2);
        batchStart = Math.max(batchStart - by, 0);
        recordStart -= by;
        int[] cells = target.cells;
        for (int i = 2 * target.cellTotal, end = i + 2 * recordCellCount; i < end; i++) {
            cells[i] -= by;
        }
    }

    /// Frees room in a full buffer: moves the record in progress to its start when nothing before
    /// it is needed, else grows the buffer, unless the batch is big enough to end here (returns false).
    private boolean makeRoom(RecordBatch batch) {
        if (batch.size == 0 && recordStart > 0) {
            System.arraycopy(buf, recordStart, buf, 0, filled - recordStart);
            shift(recordStart);
            return true;
        }
        if (batch.size > 0 && buf.length >= maxBatchBytes) {
            return false;
        }
        checkCellSoFar();
        if (buf.length > MAX_BUFFER_BYTES / 2) {
            throw CsvFailure.recordTooLarge(recordLine, MAX_BUFFER_BYTES / 2);
        }
        byte[] grown = BufferPool.SHARED.take(buf.length * 2);
        System.arraycopy(buf, 0, grown, 0, filled);
        BufferPool.SHARED.give(buf);
        buf = batch.bytes = grown;
        return true;
    }

    @SuppressWarnings("NonAtomicVolatileUpdate") // one writer at a time (whoever reads, under the engine's lock); volatile for bytesRead()'s readers
    private void read() {
        int n;
        try {
            // Read only when the scan has reached `filled`: what lies from `recordStart` on is the
            // record in progress, which may not reach its limit.
            int room = maxRecordBytes - (filled - recordStart);
            if (room <= 0) {
                throw CsvFailure.recordTooLarge(recordLine, maxRecordBytes);
            }
            if (target.enteredGate == null) {
                // Without a turn, a record is read no further than a batch's size: once there, it
                // takes one.
                int inHand = filled - recordStart;
                if (inHand >= wideRecordBytes) {
                    enterWideGate();
                } else {
                    room = Math.min(room, wideRecordBytes - inHand);
                }
            } else if (System.nanoTime() - turnEnds > 0) {
                // A client that sends its wide record slowly but steadily is never cut by the
                // upload's read deadline (which cuts stalls), and would hold the turn for as long
                // as it liked. Checked before each read: one that started in time may end late,
                // by at most that deadline.
                throw CsvFailure.wideRecordTooSlow(turnLine, recordLine, maxBatchBytes, wideRecords);
            }
            n = in.read(buf, filled, Math.min(buf.length - filled, room));
        } catch (IOException e) {
            throw CsvFailure.readFailed(e, recordLine);
        } catch (java.io.UncheckedIOException e) {
            throw CsvFailure.readFailed(e.getCause(), recordLine);
        }
        if (n < 0) {
            endOfInput = true;
        } else {
            filled += n;
            bytesRead += n;
        }
    }

    /// Waits for a turn at the gate for the batch being filled, whose record in progress has
    /// outgrown a batch, until the gate's time is up or [#stopWaiting] is called.
    private void enterWideGate() {
        try {
            if (!wideRecords.enter(() -> waitingStopped)) {
                throw waitingStopped ? CsvFailure.readFailed(new InterruptedIOException("the run stopped"), recordLine)
                        : CsvFailure.noTurnForWideRecord(recordLine, maxBatchBytes, wideRecords);
            }
        } catch (InterruptedException e) {
            // The run was cancelled: failed as an interrupted socket read fails, the interrupt kept.
            Thread.currentThread().interrupt();
            throw CsvFailure.readFailed(new InterruptedIOException("interrupted waiting to read a wide record"), recordLine);
        }
        target.enteredGate = wideRecords;
        turnEnds = System.nanoTime() + wideRecords.turnNanos();
        turnLine = recordLine;
    }

    /// Has a reader waiting for a turn at the wide records' gate give up within a slice of its
    /// wait, its fill failing: its run has stopped, and no one wants the record. Any thread may
    /// call it; a read already under way is not disturbed.
    public void stopWaiting() {
        waitingStopped = true;
    }

    /// Drops a UTF-8 byte-order mark at the very start. Returns false when the input ended first.
    private boolean skipByteOrderMark(RecordBatch batch) {
        while (filled - pos < 3 && !endOfInput) {
            if (filled == buf.length) {
                makeRoom(batch);
            }
            read();
        }
        atStart = false;
        if (filled - pos >= 3 && buf[pos] == (byte) 0xEF && buf[pos + 1] == (byte) 0xBB && buf[pos + 2] == (byte) 0xBF) {
            pos += 3;
            recordStart = pos;
        }
        return filled > pos || !endOfInput;
    }

    /// Reads records from the bytes at hand. Returns true when `batch` is full, false when more
    /// input is needed (or the input has ended).
    private boolean scan(RecordBatch batch, int maxRecords) {
        final byte[] b = buf;
        final int n = filled;
        final int delim = delimiter;
        int p = pos;
        int st = state;
        try {
            // A record that fills the batch ends the scan here, at one test for the three states
            // that end records. Tested after each of their cell ends, the tests after an empty or
            // a quoted last cell had seen no full batch when C2 compiled the scan, were compiled
            // out, and trapped (and the scan was compiled again) once such a record filled one
            // (bench/RESULTS.md, "Issue 11, thirty-third pass").
            scanning:
            while (p < n && st != BATCH_FULL) {
                switch (st) {
                    case RECORD_START -> {
                        byte c = b[p];
                        if (c == LF || c == CR) {
                            // A blank line (or the LF of a CRLF that ended the last record).
                            lineBreak(c, p);
                            p++;
                            recordStart = p;
                            recordLine = line;
                            continue;
                        }
                        recordStart = p;
                        recordLine = line;
                        recordCellCount = 0;
                        st = CELL_START;
                    }
                    case CELL_START -> {
                        byte c = b[p];
                        if (c == QUOTE) {
                            p++;
                            cellStart = p;
                            write = p;
                            st = QUOTED;
                        } else if (c == delim || c == LF || c == CR) {
                            st = endCell(p, p, c, p, batch, maxRecords);
                            p++;
                        } else {
                            cellStart = p;
                            st = UNQUOTED;
                        }
                    }
                    case UNQUOTED -> {
                        // The hot loop: plain ASCII cell content, eight bytes at a time, then one
                        // at a time. Signed bytes: <= CR also catches every byte >= 0x80, which
                        // must be checked as UTF-8.
                        while (p + 8 <= n) {
                            long special = specialBytes((long) LONGS.get(b, p));
                            if (special != 0) {
                                p += ByteWords.firstFlaggedByte(special);
                                break;
                            }
                            p += 8;
                        }
                        byte c = 0;
                        while (p < n && ((c = b[p]) > CR && c != delim && c != QUOTE)) {
                            p++;
                        }
                        if (p == n) {
                            continue;
                        }
                        if (c == delim) {
                            addCell(cellStart, p);
                            p++;
                            // The common next cell, plain and unquoted, goes on here without a
                            // pass through CELL_START.
                            if (p < n && (c = b[p]) > CR && c != delim && c != QUOTE) {
                                cellStart = p;
                            } else {
                                st = CELL_START;
                            }
                        } else if (c == LF || c == CR) {
                            st = endCell(cellStart, p, c, p, batch, maxRecords);
                            p++;
                        } else if (c < 0) {
                            int length = utf8(b, p, n);
                            if (length == 0) {
                                break scanning;
                            }
                            if (wideDelimiter != null && isWideDelimiter(b, p, length)) {
                                addCell(cellStart, p);
                                st = CELL_START;
                            }
                            p += length;
                        } else {
                            // A quote inside an unquoted cell is data; so are control characters.
                            p++;
                        }
                    }
                    case QUOTED -> {
                        int w = write;
                        if (w == p) {
                            // No `""` in the cell yet, so its content need not move: skip plain
                            // bytes eight at a time. After one, every byte is copied down. (The
                            // same loop as UNQUOTED's but for its mask: shared as a method it is a
                            // call per cell under C1, which inlines only tiny methods: rawByteParse
                            // under C1 +10 %, bench/RESULTS.md.)
                            while (p + 8 <= n) {
                                long special = quotedSpecialBytes((long) LONGS.get(b, p));
                                if (special != 0) {
                                    p += ByteWords.firstFlaggedByte(special);
                                    break;
                                }
                                p += 8;
                            }
                            w = p;
                        }
                        byte c = 0;
                        while (p < n && ((c = b[p]) > CR && c != QUOTE)) {
                            b[w++] = c;
                            p++;
                        }
                        write = w;
                        if (p == n) {
                            continue;
                        }
                        if (c == QUOTE) {
                            p++;
                            st = QUOTE_SEEN;
                        } else if (c < 0) {
                            int length = utf8(b, p, n);
                            if (length == 0) {
                                break scanning;
                            }
                            System.arraycopy(b, p, b, write, length);
                            write += length;
                            p += length;
                        } else {
                            if (c == LF || c == CR) {
                                lineBreak(c, p);
                            }
                            b[write++] = c;
                            p++;
                        }
                    }
                    case QUOTE_SEEN -> {
                        byte c = b[p];
                        if (c == QUOTE) {
                            // `""` inside quotes: one quote of content.
                            b[write++] = QUOTE;
                            p++;
                            st = QUOTED;
                        } else if (c == delim || c == LF || c == CR) {
                            st = endCell(cellStart, write, c, p, batch, maxRecords);
                            p++;
                        } else if (c < 0) {
                            // Bytes that are not UTF-8 are that failure first, whatever they stand after.
                            int length = utf8(b, p, n);
                            if (length == 0) {
                                break scanning;
                            }
                            if (wideDelimiter == null || !isWideDelimiter(b, p, length)) {
                                throw CsvFailure.afterClosingQuote(b, p, length, recordLine);
                            }
                            addCell(cellStart, write);
                            p += length;
                            st = CELL_START;
                        } else {
                            throw CsvFailure.afterClosingQuote(b, p, 1, recordLine);
                        }
                    }
                    default -> throw new IllegalStateException("parser state " + st);
                }
            }
            if (st == BATCH_FULL) {
                st = RECORD_START;
                return true;
            }
            return false;
        } catch (CsvFailure e) {
            // A cell already over the limit fails as too large, whatever is wrong further on in
            // it: a smaller buffer would have stopped on its size before reading that far
            // (makeRoom), and the failure must not depend on the buffer.
            checkCellSoFar(st, p);
            throw e;
        } finally {
            pos = p;
            state = st;
        }
    }

    /// A mask with the high bit set in the lowest byte of `word` that ends a run of plain cell
    /// content — a delimiter, a quote, CR, LF, another control character up to CR, or a byte of a
    /// multi-byte character — and possibly in bytes above it; 0 when all eight are plain
    /// ([ByteWords]).
    ///
    /// Made of small methods, each under the 35 bytecodes C1 (the CLI's compiler) inlines: as one
    /// method of 63 it was a call per eight bytes under C1.
    private long specialBytes(long word) {
        return (lowBytes(word) | ByteWords.zeroBytes(word ^ 0x2222222222222222L) | ByteWords.zeroBytes(word ^ delimiterWord))
                & ByteWords.HIGH_BITS;
    }

    /// As [#specialBytes] for quoted content, which only a quote, a line break (to be counted),
    /// another control character up to CR or a byte of a multi-byte character ends.
    private static long quotedSpecialBytes(long word) {
        return (lowBytes(word) | ByteWords.zeroBytes(word ^ 0x2222222222222222L)) & ByteWords.HIGH_BITS;
    }

    /// High bits where a byte of `word` is at most CR or at least 0x80 (and perhaps above those).
    private static long lowBytes(long word) {
        return ByteWords.bytesBelow(word, 0x0E0E0E0E0E0E0E0EL) | word;
    }

    /// Counts a line break at `p`: a CR, or an LF that does not follow a CR.
    private void lineBreak(byte c, int p) {
        if (c == CR) {
            line++;
            crAt = p;
        } else if (crAt != p - 1) {
            line++;
        }
    }

    private void addCell(int start, int end) {
        if (end - start > maxFieldBytes) {
            throw CsvFailure.fieldTooLarge(recordCellCount + 1, recordLine, maxFieldBytes);
        }
        if (recordCellCount == maxColumns) {
            throw CsvFailure.tooManyColumns(recordLine, maxColumns);
        }
        RecordBatch batch = target;
        int count = recordCellCount + 1;
        int[] cells = batch.cells;
        int at = 2 * (batch.cellTotal + count);
        if (at > cells.length) {
            cells = batch.cellRoom(batch.cellTotal + count);
        }
        cells[at - 2] = start;
        cells[at - 1] = end;
        recordCellCount = count;
    }

    /// Ends the cell `[cellFrom, cellTo)` at `c`, the delimiter or a line break at `p`, and with a
    /// line break its record; returns the state to scan on in ([#CELL_START] or [#RECORD_START]),
    /// or [#BATCH_FULL] when that record filled the batch. What the three states that can end a
    /// cell do there (but for UNQUOTED at a delimiter, which goes on to the next cell itself);
    /// small enough that the JIT inlines it into the scan.
    private int endCell(int cellFrom, int cellTo, byte c, int p, RecordBatch batch, int maxRecords) {
        addCell(cellFrom, cellTo);
        if (c != LF && c != CR) {
            return CELL_START;
        }
        lineBreak(c, p);
        return endRecord(batch, p + 1, maxRecords) ? BATCH_FULL : RECORD_START;
    }

    /// Ends the record in progress at `end` (after its line break); returns whether the batch is
    /// full: `maxRecords` records, or its bytes past the batch size.
    private boolean endRecord(RecordBatch batch, int end, int maxRecords) {
        batch.endRecord(recordCellCount, recordLine, end - batchStart);
        recordCellCount = 0;
        recordStart = end;
        recordLine = line;
        return batch.size == maxRecords || end - batchStart >= maxBatchBytes;
    }

    /// A cell still being read fails as soon as it is known to be too large, so that a huge cell
    /// is never buffered whole.
    private void checkCellSoFar() {
        checkCellSoFar(state, pos);
    }

    /// [#checkCellSoFar()] with the parser in state `st` at `p`.
    private void checkCellSoFar(int st, int p) {
        int length = switch (st) {
            case UNQUOTED -> p - cellStart;
            case QUOTED, QUOTE_SEEN -> write - cellStart;
            default -> 0;
        };
        if (length > maxFieldBytes) {
            throw CsvFailure.fieldTooLarge(recordCellCount + 1, recordLine, maxFieldBytes);
        }
    }

    private boolean finishAtEndOfInput(RecordBatch batch) {
        finished = true;
        switch (state) {
            case RECORD_START -> {
                return true;
            }
            case CELL_START -> addCell(pos, pos);
            case UNQUOTED -> addCell(cellStart, pos);
            case QUOTE_SEEN -> addCell(cellStart, write);
            case QUOTED -> {
                // Too large first, as in scan.
                checkCellSoFar();
                throw CsvFailure.quoteNotClosed(recordLine);
            }
            default -> throw new IllegalStateException("parser state " + state);
        }
        state = RECORD_START;
        endRecord(batch, filled, Integer.MAX_VALUE);
        return true;
    }

    /// The length (2 to 4) of the well-formed UTF-8 sequence at `p`, or 0 when its end has not
    /// been read yet. The rules are those of Unicode's table of well-formed byte sequences, as
    /// the JDK's strict decoder applies them: no overlong forms, no surrogates, nothing above
    /// U+10FFFF.
    ///
    /// @throws CsvFailure `invalid_utf8` for anything else
    private int utf8(byte[] b, int p, int n) {
        int lead = b[p] & 0xFF;
        int length;
        int low = 0x80;
        int high = 0xBF;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            low = lead == 0xE0 ? 0xA0 : 0x80;
            high = lead == 0xED ? 0x9F : 0xBF;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            low = lead == 0xF0 ? 0x90 : 0x80;
            high = lead == 0xF4 ? 0x8F : 0xBF;
        } else {
            throw CsvFailure.notUtf8(recordLine);
        }
        for (int i = 1; i < length; i++) {
            if (p + i >= n) {
                if (endOfInput) {
                    throw CsvFailure.notUtf8(recordLine);
                }
                return 0;
            }
            int next = b[p + i] & 0xFF;
            if (next < (i == 1 ? low : 0x80) || next > (i == 1 ? high : 0xBF)) {
                throw CsvFailure.notUtf8(recordLine);
            }
        }
        return length;
    }

    private boolean isWideDelimiter(byte[] b, int p, int available) {
        if (available < wideDelimiter.length) {
            return false;
        }
        for (int i = 0; i < wideDelimiter.length; i++) {
            if (b[p + i] != wideDelimiter[i]) {
                return false;
            }
        }
        return true;
    }
}
