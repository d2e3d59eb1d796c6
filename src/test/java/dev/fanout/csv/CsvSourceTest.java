package dev.fanout.csv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// What `CsvSource` promises besides reading FastCSV's dialect (`CsvSourceDifferentialTest`):
/// the messages of its failures, its batches' limits (records, bytes) and accessors, the bytes of
/// UTF-8 it accepts, its buffers, and the input's lifecycle.
class CsvSourceTest {
    private static final int LIMIT = 1 << 20;

    @ParameterizedTest
    @ValueSource(chars = {'"', '\r', '\n'})
    void aQuoteOrALineBreakCannotBeTheDelimiter(char delimiter) {
        var e = assertThrows(IllegalArgumentException.class,
                () -> CsvSource.open(new ByteArrayInputStream(new byte[0]), delimiter, LIMIT, 10));
        assertEquals("the delimiter cannot be a quote or a line break", e.getMessage());
    }

    /// After a plain cell's delimiter the scan starts the next cell itself when it is plain too,
    /// and leaves every other kind to the cell-start state: each reads the same whether the input
    /// comes whole or a byte at a time (the delimiter then ends the bytes at hand).
    @ParameterizedTest
    @ValueSource(strings = {"ab,cd\n=ab|cd", "ab,\"c,d\"\n=ab|c,d", "ab,,cd\n=ab||cd", "ab,\n=ab|",
        "ab,\r\n=ab|", "ab,\u00e9\n=ab|\u00e9", "ab,\tx\n=ab|\tx", "ab,a\"b\n=ab|a\"b", "ab,x=ab|x", "ab,=ab|",
        "abcdefghij,klmnopqrstu,v\n=abcdefghij|klmnopqrstu|v"})
    void everyKindOfCellAfterADelimiterReadsTheSameWholeOrByteByByte(String example) {
        assertReadsWholeAndByteByByte(example);
    }

    /// Quoted content is skipped eight bytes at a time until the cell's first `""`, and copied
    /// down a byte at a time after it: long quoted cells with escaped quotes, line breaks and
    /// multi-byte characters at various places read the same whole and one byte per read.
    @ParameterizedTest
    @ValueSource(strings = {"\"abcdefghijklmnop\",x\n=abcdefghijklmnop|x",
        "\"abcdefghij\"\"klmnopqrstuvwxyz\"\n=abcdefghij\"klmnopqrstuvwxyz",
        "\"\"\"abcdefghijklmnop\"\n=\"abcdefghijklmnop", "\"abcdefghijklmnopq\"\"\"\n=abcdefghijklmnopq\"",
        "\"ab\"\"cd\"\"efghijklmnopqrstuvw\"\"xyz\"\n=ab\"cd\"efghijklmnopqrstuvw\"xyz",
        "\"abcdefgh\r\nijklmnop\",\"q\"\n=abcdefgh\r\nijklmnop|q", "\"abcd\u00e9fghijkl\u20acmnopq\"\n=abcd\u00e9fghijkl\u20acmnopq",
        "\"abcdefg\u00e9\"\"hijklmnopqrs\"\n=abcdefg\u00e9\"hijklmnopqrs"})
    void longQuotedCellsReadTheSameWholeOrByteByByte(String example) {
        assertReadsWholeAndByteByByte(example);
    }

    /// `example` is `CSV=CELLS`: the CSV, one record, read whole and one byte per read, is one
    /// record whose cells joined by `|` are `CELLS`.
    private static void assertReadsWholeAndByteByByte(String example) {
        String csv = example.substring(0, example.lastIndexOf('='));
        String expected = example.substring(example.lastIndexOf('=') + 1);
        var whole = new RecordBatch(64);
        assertTrue(open(csv).fill(whole, 10));
        assertEquals(List.of(expected), texts(whole));
        var source = CsvSource.open(new OneByteAtATime(csv), ',', LIMIT, 10, 1, 1 << 16);
        var slow = new RecordBatch(64);
        assertTrue(source.fill(slow, 10));
        assertEquals(List.of(expected), texts(slow));
    }

    @Test
    void nextReadsRecordByRecordWithTheirLinesThenNothing() {
        var source = open("a,b\n\n\"c\nd\",e,f\r\ng\n");
        CsvRecord first = source.next().orElseThrow();
        assertEquals(1, first.line());
        assertArrayEquals(new String[] {"a", "b"}, first.cells());
        assertEquals(2, first.size());
        CsvRecord second = source.next().orElseThrow();
        assertEquals(3, second.line());
        assertEquals(List.of("c\nd", "e", "f"), List.of(second.cells()));
        assertEquals(3, second.size());
        assertEquals(5, source.next().orElseThrow().line());
        assertTrue(source.next().isEmpty());
        assertTrue(source.next().isEmpty());
    }

    /// A record far longer than the source's buffer (4 KiB at first) is read whole, by `next`
    /// (one batch reused) as by `fill`.
    @Test
    void aRecordLongerThanTheBufferIsReadWhole() {
        String cell = "x".repeat(20_000);
        var source = open("h\n" + cell + "\n" + cell + "y\n");
        assertEquals("h", source.next().orElseThrow().cells()[0]);
        assertEquals(cell, source.next().orElseThrow().cells()[0]);
        assertEquals(cell + "y", source.next().orElseThrow().cells()[0]);
        assertTrue(source.next().isEmpty());
    }

    /// The same with the smallest buffers and batches, so that the record is moved and the
    /// buffer grown many times within one `next`.
    @Test
    void aRecordLongerThanTinyBuffersIsReadWholeByNext() {
        var source = CsvSource.open(new OneByteAtATime("ab,cdefghijklmnopqrstuvwxyz,0123456789\nz\n"), ',', LIMIT, 10, 1, 4);
        assertEquals(List.of("ab", "cdefghijklmnopqrstuvwxyz", "0123456789"), List.of(source.next().orElseThrow().cells()));
        assertEquals(List.of("z"), List.of(source.next().orElseThrow().cells()));
        assertTrue(source.next().isEmpty());
    }

    @Test
    void fillStopsAtMaxRecordsAndSaysWhenTheInputHasEnded() {
        var source = CsvSource.open(new OneByteAtATime("h\n1\n2\n\"3\"\n4\n5"), ',', LIMIT, 10);
        var batch = new RecordBatch(64);
        assertFalse(source.fill(batch, 1));
        assertEquals(List.of("h"), texts(batch));
        assertFalse(source.fill(batch, 2));
        assertEquals(List.of("1", "2"), texts(batch));
        // Fewer records than asked for: the input ends, and a one-byte-at-a-time input does not
        // end the batch early.
        assertTrue(source.fill(batch, 10));
        assertEquals(List.of("3", "4", "5"), texts(batch));
        assertTrue(source.fill(batch, 10));
        assertEquals(0, batch.size());
    }

    @Test
    void fillsEndWithTheRecordThatFillsTheBatchWhateverItsLastCell() {
        // The records end in an empty cell, an unquoted one and a quoted one.
        var source = open("a,\nb,c\nd,\"e\"\n");
        var batch = new RecordBatch(64);
        for (String expected : new String[] {"a|", "b|c", "d|e"}) {
            assertFalse(source.fill(batch, 1));
            assertEquals(List.of(expected), texts(batch));
        }
        assertTrue(source.fill(batch, 1));
        assertEquals(0, batch.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "\uFEFF", "\n\n", "\uFEFF\r\n"})
    void anInputWithoutRecordsEndsAtOnce(String csv) {
        var batch = new RecordBatch(64);
        assertTrue(open(csv).fill(batch, 10));
        assertEquals(0, batch.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "ab", "abc", "\uFEFFa", "\uFEFFabc"})
    void shortInputsAreOneRecordWithoutTheByteOrderMark(String csv) {
        for (int minRead = 1; minRead <= 4; minRead++) {
            var source = CsvSource.open(new OneByteAtATime(csv), ',', LIMIT, 10, minRead, 8);
            var batch = new RecordBatch(64);
            assertTrue(source.fill(batch, 10));
            assertEquals(List.of(csv.replace("\uFEFF", "")), texts(batch));
        }
    }

    /// A batch ends once its records' bytes reach the batch size, and says how many they are.
    @Test
    void aBatchEndsWhenItsBytesReachTheBatchSize() {
        var source = CsvSource.open(new ByteArrayInputStream(ascii("ab,\n\"c\"\nd\ne\nfgh\nij\n")), ',', LIMIT, 10, 64, 8);
        var batch = new RecordBatch(64);
        List<String> sizes = new ArrayList<>();
        boolean ended;
        do {
            ended = source.fill(batch, 100);
            sizes.add(texts(batch) + " in " + batch.byteSize());
        } while (!ended);
        assertEquals(List.of("[ab|, c] in 8", "[d, e, fgh] in 8", "[ij] in 3"), sizes);
    }

    /// Every accessor of a batch, on records of several cells, an empty record and a quoted cell
    /// whose escapes are removed; and batches of many records and cells, whose indexes grow.
    @Test
    void aBatchTellsWhereEachCellLies() {
        var source = open("ab,c,\"d\"\"e\"\n\nfg\n,\n");
        var batch = new RecordBatch(1);
        assertTrue(source.fill(batch, 10));
        assertEquals(3, batch.size());
        assertEquals(List.of(1L, 3L, 4L), List.of(batch.line(0), batch.line(1), batch.line(2)));
        assertEquals(List.of(3, 1, 2), List.of(batch.cellCount(0), batch.cellCount(1), batch.cellCount(2)));
        assertEquals(List.of(0, 3, 4), List.of(batch.firstCellIndex(0), batch.firstCellIndex(1), batch.firstCellIndex(2)));
        assertEquals("d\"e", batch.cellText(0, 2));
        assertArrayEquals(new String[] {"", ""}, batch.recordText(2));
        byte[] bytes = batch.bytes();
        assertSame(bytes, batch.buffer());
        int[] bounds = batch.cellBounds();
        for (int r = 0; r < batch.size(); r++) {
            for (int c = 0; c < batch.cellCount(r); c++) {
                int k = batch.firstCellIndex(r) + c;
                assertEquals(batch.cellStart(r, c), bounds[2 * k]);
                assertEquals(batch.cellEnd(r, c), bounds[2 * k + 1]);
                assertEquals(batch.cellText(r, c),
                        new String(bytes, bounds[2 * k], bounds[2 * k + 1] - bounds[2 * k], StandardCharsets.UTF_8));
            }
        }
        // From the first cell's start to the last one's end, which for a quoted cell is the end
        // of its unescaped content: `ab,c,"d""e"` spans 9 bytes.
        assertEquals(9, batch.cellSpan(0));
        assertEquals(2, batch.cellSpan(1));
        assertEquals(batch.cellEnd(2, 1) - batch.cellStart(2, 0), batch.cellSpan(2));
        assertEquals(18, batch.byteSize());
    }

    @Test
    void aBatchOfManyRecordsAndCellsHoldsThemAll() {
        var csv = new StringBuilder();
        for (int r = 0; r < 300; r++) {
            csv.append(r).append(",x").append(r).append(',').append("y".repeat(r % 3)).append('\n');
        }
        var batch = new RecordBatch(64);
        assertTrue(open(csv.toString()).fill(batch, 1000));
        assertEquals(300, batch.size());
        for (int r = 0; r < 300; r++) {
            assertEquals(List.of(Integer.toString(r), "x" + r, "y".repeat(r % 3)), List.of(batch.recordText(r)));
            assertEquals(r + 1, batch.line(r));
        }
    }

    @Test
    void aRecordOfManyCellsKeepsThemAll() {
        String[] cells = new String[200];
        for (int c = 0; c < cells.length; c++) {
            cells[c] = "c" + c;
        }
        var source = open(String.join(",", cells) + "\n");
        assertArrayEquals(cells, source.next().orElseThrow().cells());
    }

    /// Cells up to the limit are read, also when the buffer fills up while one is read (which is
    /// when a cell is checked before it ends), and after a long first cell.
    @Test
    void cellsAsLongAsTheLimitAreRead() {
        String first = "y".repeat(90);
        String cell = "x".repeat(100);
        var source = CsvSource.open(new OneByteAtATime("a,b\n" + first + "," + cell + "\n\"" + first + "\",\"" + cell
                + "\"\n"), ',', 100, 10, 4, 8);
        assertEquals(List.of("a", "b"), List.of(source.next().orElseThrow().cells()));
        assertEquals(List.of(first, cell), List.of(source.next().orElseThrow().cells()));
        assertEquals(List.of(first, cell), List.of(source.next().orElseThrow().cells()));
        assertTrue(source.next().isEmpty());
    }

    /// A cell that never ends fails as soon as it is over the limit, unquoted or quoted: it is
    /// never buffered whole.
    @ParameterizedTest
    @ValueSource(strings = {"a,b\n1,", "a,b\n1,\"", "a,b\n1,\"x\"\""})
    void aCellThatNeverEndsFailsAtTheLimit(String head) {
        var endless = new Endless(ascii(head));
        var source = CsvSource.open(endless, ',', 10_000, 10);
        source.next();
        var e = assertThrows(CsvFailure.class, source::next);
        assertEquals(StreamErrorCode.FIELD_TOO_LARGE, e.code());
        assertEquals("field 2 of the record starting on line 2 is longer than the limit of 10000 bytes", e.getMessage());
        assertTrue(endless.served < 40_000, endless.served + " bytes read");
    }

    /// A record is held whole to be validated: one that reaches `maxRecordBytes` fails with
    /// `record_too_large` though each of its cells is under the field limit, and is not read on.
    @Test
    void aRecordOverItsLimitFailsThoughEveryCellIsUnderTheirs() {
        String cell = "y".repeat(9_000);
        String csv = "a,b,c\n1,2,3\n" + cell + "," + cell + "," + cell + "\n4,5,6\n";
        var source = CsvSource.open(new ByteArrayInputStream(ascii(csv)), ',', 10_000, 10, 20_000);
        source.next();
        assertEquals(List.of("1", "2", "3"), List.of(source.next().orElseThrow().cells()));
        var e = assertThrows(CsvFailure.class, source::next);
        assertEquals(StreamErrorCode.RECORD_TOO_LARGE, e.code());
        assertEquals("the record starting on line 3 is longer than the limit of 20000 bytes", e.getMessage());
        // Under the limit, the same record is read.
        var roomy = CsvSource.open(new ByteArrayInputStream(ascii(csv)), ',', 10_000, 10, 30_000);
        roomy.next();
        roomy.next();
        assertEquals(List.of(cell, cell, cell), List.of(roomy.next().orElseThrow().cells()));
        // A record that never ends is refused within a few times the limit, not read on.
        var endless = new Endless(ascii("a\n"));
        var unending = CsvSource.open(endless, ',', 100_000, 10, 20_000);
        unending.next();
        assertEquals(StreamErrorCode.RECORD_TOO_LARGE, assertThrows(CsvFailure.class, unending::next).code());
        assertTrue(endless.served < 80_000, endless.served + " bytes read");
    }

    @Test
    void failuresSayWhatAndWhere() {
        assertFailure("a\n\"b\"x\n", StreamErrorCode.MALFORMED_CSV,
                "'x' after a closing quote in the record starting on line 2: a quoted field must end at a delimiter or a line break");
        assertFailure("a\n\n\"b\nc\",\"d\" \n", StreamErrorCode.MALFORMED_CSV,
                "' ' after a closing quote in the record starting on line 3: a quoted field must end at a delimiter or a line break");
        assertFailure("a\n\"b\"c,d\n", StreamErrorCode.MALFORMED_CSV, "'c' after a closing quote in the record starting on line 2:"
                + " a quoted field must end at a delimiter or a line break");
        assertFailure("a\n\"b\nc", StreamErrorCode.MALFORMED_CSV,
                "a quoted field of the record starting on line 2 is not closed before the end of the input");
        assertFailure("a,b\nc,dddddd\n", StreamErrorCode.FIELD_TOO_LARGE,
                "field 2 of the record starting on line 2 is longer than the limit of 5 bytes");
        assertFailure("a,b\nccccccc,d\n", StreamErrorCode.FIELD_TOO_LARGE,
                "field 1 of the record starting on line 2 is longer than the limit of 5 bytes");
        assertFailure("a\n\nb,c,d,e\n", StreamErrorCode.TOO_MANY_COLUMNS, "the record starting on line 3 has more than 3 fields");
    }

    @Test
    void bytesThatAreNotUtf8AreReportedWithTheirRecordsLine() {
        byte[] csv = bytes("610a0a62c3280a");
        var e = assertThrows(CsvFailure.class, () -> readAll(new ByteArrayInputStream(csv), ','));
        assertEquals(StreamErrorCode.INVALID_UTF8, e.code());
        assertEquals("the record starting on line 3 contains bytes that are not valid UTF-8", e.getMessage());
    }

    /// What follows a closing quote is shown as itself when it is printable, else as its byte.
    @Test
    void whatFollowsAClosingQuoteIsShownReadably() {
        assertEquals("'~'", shownAfterQuote("~"));
        assertEquals("byte 0x7F", shownAfterQuote("\u007f"));
        assertEquals("byte 0x1F", shownAfterQuote("\u001f"));
        assertEquals("byte 0x00", shownAfterQuote("\u0000"));
        assertEquals("'\u00e9'", shownAfterQuote("\u00e9,"));
        assertEquals("'\u0080'", shownAfterQuote("\u0080"));
        assertEquals("'\u674e'", shownAfterQuote("\u674e\u00e9"));
        assertEquals("'\ud83d\ude00'", shownAfterQuote("\ud83d\ude00\u00e9"));
        // At most one character's bytes, even when a stray continuation byte follows it:
        // `"q"`, U+1F600 and 0x80.
        var source = CsvSource.open(new ByteArrayInputStream(bytes("227122f09f9880800a")), ',', LIMIT, 10);
        assertTrue(assertThrows(CsvFailure.class, source::next).getMessage().startsWith("'\ud83d\ude00' after a closing quote"));
    }

    @Test
    void everyLaterFillThrowsTheSameFailure() {
        var source = open("a\n\"b\"x\n");
        var batch = new RecordBatch(64);
        var first = assertThrows(CsvFailure.class, () -> source.fill(batch, 10));
        assertEquals(List.of("a"), texts(batch));
        assertSame(first, assertThrows(CsvFailure.class, () -> source.fill(batch, 10)));
        assertSame(first, assertThrows(CsvFailure.class, source::next));
    }

    /// The UTF-8 the JDK's strict decoder accepts, at the edges of each sequence length: the
    /// cell reads back as that text (checked inside and outside quotes, and before a delimiter).
    @ParameterizedTest
    @ValueSource(strings = {"c280", "dfbf", "e0a080", "e0bfbf", "e1808f", "ed9fbf", "ee8080", "efbfbf", "f0908080",
        "f0bfbfbf", "f1808080", "f48fbfbf"})
    void wellFormedUtf8IsRead(String hex) {
        byte[] character = bytes(hex);
        String text = new String(character, StandardCharsets.UTF_8);
        for (String template : new String[] {"%s\n", "\"%s\"\n", "x%s,y\n", "%s"}) {
            byte[] csv = template.formatted("\u0000").getBytes(StandardCharsets.UTF_8);
            byte[] record = splice(csv, character);
            String expected = template.startsWith("x") ? "x" + text : text;
            assertEquals(expected, readAll(new ByteArrayInputStream(record), ',').getFirst().getFirst(),
                    hex + " in " + template);
        }
    }

    /// Overlong forms, surrogates, code points above U+10FFFF, stray continuation bytes and
    /// sequences cut short, anywhere in a cell.
    @ParameterizedTest
    @ValueSource(strings = {"80", "bf", "c0af", "c1bf", "c27f", "c2c0", "e09fbf", "e0a07f", "eda080", "edbfbf", "e080",
        "f08fbfbf", "f0907f80", "c0f0908080", "f4908080", "f5808080", "ff", "e2", "f09f98"})
    void malformedUtf8IsAFailure(String hex) {
        for (String template : new String[] {"%s\n", "\"%s\"\n", "x%s\n", "\"a\"%s\n"}) {
            byte[] csv = splice(template.formatted("\u0000").getBytes(StandardCharsets.UTF_8), bytes(hex));
            var e = assertThrows(CsvFailure.class, () -> readAll(new ByteArrayInputStream(csv), ','), hex + " in " + template);
            assertEquals(StreamErrorCode.INVALID_UTF8, e.code(), hex + " in " + template);
        }
    }

    /// A delimiter outside ASCII is matched as its UTF-8 bytes (here U+00A7 is C2 A7, and U+00A2
    /// C2 A2 starts with the same byte).
    @Test
    void aWideDelimiterSplitsCellsAndOnlyItDoes() {
        assertEquals(List.of(List.of("a", "b\u00a2\u00e9", "c")), readAll(new ByteArrayInputStream(
                "a\u00a7b\u00a2\u00e9\u00a7\"c\"\n".getBytes(StandardCharsets.UTF_8)), '\u00a7'));
        assertEquals(List.of(List.of("a", "b")), readAll(new ByteArrayInputStream(
                "a\u0080b\n".getBytes(StandardCharsets.UTF_8)), '\u0080'));
        // A lone surrogate as the delimiter can never match UTF-8 text.
        assertEquals(List.of(List.of("a\ud83d\ude00b")), readAll(new ByteArrayInputStream(
                "a\ud83d\ude00b\n".getBytes(StandardCharsets.UTF_8)), '\ud83d'));
    }

    @Test
    void bytesReadCountsTheInputConsumed() {
        byte[] csv = ascii("a,b\n1,2\n");
        var source = CsvSource.open(new ByteArrayInputStream(csv), ',', LIMIT, 10);
        assertEquals(0, source.bytesRead());
        source.next();
        assertEquals(csv.length, source.bytesRead());
    }

    @Test
    void aReadFailureEndsTheStreamWithItsLine() {
        var broken = new InputStream() {
            private final InputStream head = new ByteArrayInputStream(ascii("a\nb\nc"));

            @Override
            public int read() {
                throw new UnsupportedOperationException();
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                int n = head.read(b, off, len);
                if (n < 0) {
                    throw new IOException("connection reset");
                }
                return n;
            }
        };
        var source = CsvSource.open(broken, ',', LIMIT, 10);
        var batch = new RecordBatch(64);
        var e = assertThrows(CsvFailure.class, () -> source.fill(batch, 10));
        assertEquals(StreamErrorCode.READ_FAILED, e.code());
        assertEquals("the input could not be read after line 2: connection reset", e.getMessage());
        assertEquals(List.of("a", "b"), texts(batch));
    }

    /// A stream's own failure with a SPEC code (an upload over its limit), thrown as such or
    /// wrapped unchecked, keeps its code and message.
    @Test
    void anInputExceptionKeepsItsCode() {
        var tooLarge = new InputException(StreamErrorCode.UPLOAD_TOO_LARGE, "the upload is larger than 10 bytes");
        assertEquals(StreamErrorCode.UPLOAD_TOO_LARGE, tooLarge.code());
        for (RuntimeException wrapped : new RuntimeException[] {null, new UncheckedIOException(tooLarge)}) {
            InputStream failing = new InputStream() {
                @Override
                public int read() throws IOException {
                    if (wrapped != null) {
                        throw wrapped;
                    }
                    throw tooLarge;
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return read();
                }
            };
            var e = assertThrows(CsvFailure.class, () -> CsvSource.open(failing, ',', LIMIT, 10).next());
            assertEquals(StreamErrorCode.UPLOAD_TOO_LARGE, e.code());
            assertEquals("the upload is larger than 10 bytes", e.getMessage());
            assertSame(tooLarge, e.getCause());
        }
    }

    @Test
    void closingClosesTheInput() {
        var closed = new int[1];
        var in = new ByteArrayInputStream(ascii("a\n")) {
            @Override
            public void close() {
                closed[0]++;
            }
        };
        var source = CsvSource.open(in, ',', LIMIT, 10);
        source.next();
        source.close();
        assertEquals(1, closed[0]);
        // Closing again is harmless.
        source.close();
    }

    @Test
    void anInputThatFailsToCloseIsReportedUnchecked() {
        var in = new ByteArrayInputStream(new byte[0]) {
            @Override
            public void close() throws IOException {
                throw new IOException("broken pipe");
            }
        };
        var e = assertThrows(UncheckedIOException.class, () -> CsvSource.open(in, ',', LIMIT, 10).close());
        assertEquals("closing the CSV input failed", e.getMessage());
        assertEquals("broken pipe", e.getCause().getMessage());
    }

    /// A batch that grew for one huge record gets a buffer of ordinary size again when it is
    /// filled with ordinary records: a long run's batches are not all as large as its largest record.
    @Test
    void aRecycledBatchThatGrewForAHugeRecordShrinksAgain() {
        int batchBytes = 16 * 1024;
        var csv = new StringBuilder("h\n").append("x".repeat(200_000)).append('\n');
        for (int r = 0; r < 2000; r++) {
            csv.append("row ").append(r).append('\n');
        }
        var source = CsvSource.open(new ByteArrayInputStream(ascii(csv.toString())), ',', LIMIT, 10, 4096, batchBytes);
        source.next();
        // Two batches in turn, as the engine's chunks are.
        RecordBatch[] batches = {new RecordBatch(new byte[0]), new RecordBatch(new byte[0])};
        List<String> rows = new ArrayList<>();
        int largest = 0;
        int lastBuffer = 0;
        boolean ended = false;
        for (int i = 0; !ended; i++) {
            RecordBatch batch = batches[i % 2];
            ended = source.fill(batch, 100);
            for (int r = 0; r < batch.size(); r++) {
                rows.add(batch.cellText(r, 0));
            }
            largest = Math.max(largest, batch.buffer().length);
            lastBuffer = Math.max(lastBuffer, i >= 10 ? batch.buffer().length : 0);
        }
        assertEquals(2001, rows.size());
        assertEquals(200_000, rows.getFirst().length());
        assertEquals("row 1999", rows.getLast());
        assertTrue(largest >= 200_000, "largest " + largest);
        assertTrue(lastBuffer <= 2 * batchBytes, "later buffers " + lastBuffer);
    }

    private static void assertFailure(String csv, StreamErrorCode code, String message) {
        var source = CsvSource.open(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), ',', 5, 3);
        var e = assertThrows(CsvFailure.class, () -> {
            while (source.next().isPresent()) {
                // read on to the failure
            }
        });
        assertEquals(code, e.code(), csv);
        if (message != null) {
            assertEquals(message, e.getMessage(), csv);
        }
    }

    /// How the failure after `"q"` names what follows the closing quote.
    private static String shownAfterQuote(String after) {
        var source = open("\"q\"" + after + "\n");
        var e = assertThrows(CsvFailure.class, source::next);
        String message = e.getMessage();
        return message.substring(0, message.indexOf(" after a closing quote"));
    }

    private static List<List<String>> readAll(InputStream in, char delimiter) {
        List<List<String>> records = new ArrayList<>();
        var source = CsvSource.open(in, delimiter, LIMIT, 1000);
        for (var record = source.next(); record.isPresent(); record = source.next()) {
            records.add(List.of(record.get().cells()));
        }
        return records;
    }

    private static List<String> texts(RecordBatch batch) {
        List<String> texts = new ArrayList<>();
        for (int r = 0; r < batch.size(); r++) {
            texts.add(String.join("|", batch.recordText(r)));
        }
        return texts;
    }

    private static CsvSource open(String csv) {
        return CsvSource.open(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), ',', LIMIT, 1000);
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] bytes(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    /// `csv` with its one NUL byte replaced by `insert`.
    private static byte[] splice(byte[] csv, byte[] insert) {
        var out = new ByteArrayOutputStream();
        for (byte b : csv) {
            if (b == 0) {
                out.writeBytes(insert);
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    /// Hands out the input one byte per read, as a slow network would.
    private static final class OneByteAtATime extends FilterInputStream {
        OneByteAtATime(String text) {
            super(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1));
        }
    }

    /// `head`, then `x` for ever; counts the bytes it served.
    private static final class Endless extends InputStream {
        private final byte[] head;
        private long served;

        Endless(byte[] head) {
            this.head = head;
        }

        @Override
        public int read() {
            int b = served < head.length ? head[(int) served] : 'x';
            served++;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            int n = Math.min(len, 512);
            for (int i = 0; i < n; i++) {
                b[off + i] = (byte) read();
            }
            return n;
        }
    }
}
