package dev.fanout.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.memory.WideRecordGate;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/// A record that outgrows a batch (64 bytes here) takes a turn at the wide records' gate before
/// more of it is read, and the batch that holds it keeps the turn until it is left; a record that
/// finds no turn in time fails with `overloaded`, and one still being read when its turn runs out
/// with `upload_too_slow`, after the records before it.
class WideRecordTurnTest {
    private static final int BATCH_BYTES = 64;
    private static final String WIDE = "x".repeat(5 * BATCH_BYTES);

    @Test
    void narrowRecordsTakeNoTurn() throws Exception {
        var gate = fullGate(Duration.ofMillis(1));
        var csv = new StringBuilder("a,b\n");
        for (int i = 0; i < 100; i++) {
            csv.append(i).append(",").append("y".repeat(BATCH_BYTES / 2)).append('\n');
        }
        List<String> firsts = readAll(open(csv.toString(), gate), new ArrayList<>());
        assertEquals(100, firsts.size(), "every record read, though the gate is full");
    }

    @Test
    void aWideRecordTakesATurnThatItsBatchKeepsUntilItLeaves() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofSeconds(10));
        var source = afterHeader("a,b\n1,2\n3," + WIDE + "\n4,5\n", gate);
        List<RecordBatch> batches = new ArrayList<>();
        List<String> firsts = new ArrayList<>();
        boolean ended = false;
        while (!ended) {
            var batch = new RecordBatch(16);
            ended = source.fill(batch, 10);
            batches.add(batch);
            for (int r = 0; r < batch.size(); r++) {
                firsts.add(batch.cellText(r, 0));
            }
        }
        assertEquals(List.of("1", "3", "4"), firsts);
        assertEquals(1, gate.held(), "the batch holding the wide record holds the turn");
        source.close();
        assertEquals(1, gate.held(), "closing the source leaves a batch's turn to the batch");
        batches.forEach(RecordBatch::leaveWideGate);
        assertEquals(0, gate.held());
        batches.forEach(RecordBatch::leaveWideGate);
        assertEquals(0, gate.held(), "leaving twice gives back once");
    }

    @Test
    void aWideRecordThatFindsNoTurnFailsWithOverloadedAfterTheRecordsBeforeIt() throws Exception {
        var gate = fullGate(Duration.ofMillis(30));
        var source = afterHeader("a,b\n1,2\n3,4\n5," + WIDE + "\n6,7\n", gate);
        var batch = new RecordBatch(16);
        List<String> firsts = new ArrayList<>();
        CsvFailure failure = null;
        while (failure == null) {
            try {
                if (source.fill(batch, 10)) {
                    break;
                }
            } catch (CsvFailure e) {
                failure = e;
            }
            for (int r = 0; r < batch.size(); r++) {
                firsts.add(batch.cellText(r, 0));
            }
        }
        assertEquals(List.of("1", "3"), firsts);
        assertEquals(StreamErrorCode.OVERLOADED, failure.code());
        assertEquals("the record starting on line 4 is longer than 64 bytes, and the server holds at most 1 such record"
                + " at once (fanout.limits.max-concurrent-wide-records), and waited 30 ms for a turn; retry when it is"
                + " less busy", failure.getMessage());
        assertEquals(1, gate.held(), "the failed record took no turn");
    }

    /// A record between one and two batches long takes a turn too, though the batch it is in holds
    /// less than two batches' input.
    @Test
    void aRecordJustOverABatchTakesATurn() throws Exception {
        var gate = fullGate(Duration.ofMillis(30));
        var source = afterHeader("a,b\n1," + "x".repeat(BATCH_BYTES + 10) + "\n", gate);
        assertEquals(StreamErrorCode.OVERLOADED, assertThrows(CsvFailure.class, () -> source.fill(new RecordBatch(16), 10)).code());
        var under = afterHeader("a,b\n1," + "x".repeat(BATCH_BYTES - 10) + "\n", gate);
        var batch = new RecordBatch(16);
        assertTrue(under.fill(batch, 10), "a record under a batch takes none");
        assertEquals(1, batch.size());
    }

    /// A batch that grew for one wide record, filled again without growing, still takes a turn for
    /// the next one, though that one was read ahead whole under the first one's turn: the turn
    /// follows what is in hand, not the buffer's growth or the reads.
    @Test
    void aBatchWhoseBufferGrewBeforeTakesATurnForItsNextWideRecord() throws Exception {
        // Long enough for the first record to be read under its turn on a slow machine.
        var gate = WideRecordGate.of(1, Duration.ofMillis(500));
        // The first record grows the buffer to 1 KiB, whose rest the second one fits in.
        var source = afterHeader("a,b\n1," + "x".repeat(600) + "\n2," + "x".repeat(200) + "\n3,4\n", gate);
        var batch = new RecordBatch(16);
        source.fill(batch, 1);
        assertEquals("1", batch.cellText(0, 0));
        batch.leaveWideGate();
        assertTrue(gate.enter(() -> false), "another run takes the only turn");
        assertEquals(StreamErrorCode.OVERLOADED, assertThrows(CsvFailure.class, () -> source.fill(batch, 1)).code());
    }

    @Test
    void aWideHeadersTurnGoesToTheFirstBatchOrIsLeftOnClose() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofSeconds(10));
        String header = "a," + WIDE + "\n";
        var source = open(header + "1,2\n", gate);
        assertEquals(2, source.next().orElseThrow().cells().length);
        assertEquals(1, gate.held());
        var batch = new RecordBatch(16);
        assertTrue(source.fill(batch, 10));
        source.close();
        assertEquals(1, gate.held(), "the first batch took the header's turn over with its buffer");
        batch.leaveWideGate();
        assertEquals(0, gate.held());

        var headerOnly = open(header, gate);
        headerOnly.next();
        assertEquals(1, gate.held());
        headerOnly.close();
        assertEquals(0, gate.held());
    }

    /// A client that sends a wide record slowly but steadily (never stalling) would hold its turn
    /// for as long as it liked: a read under a turn that has run out fails with
    /// `upload_too_slow`, after the records before it; the batch keeps the turn until it is left.
    @Test
    @Timeout(10)
    void aWideRecordStillBeingReadWhenItsTurnRunsOutFailsWithUploadTooSlow() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofMillis(100));
        // 16 bytes every 20 ms: the wide record's 320 bytes take ~400 ms.
        var source = open(new Dribble("a,b\n1,2\n3," + WIDE + "\n4,5\n", Duration.ofMillis(20)), gate);
        source.next();
        var batch = new RecordBatch(16);
        var failure = assertThrows(CsvFailure.class, () -> {
            while (!source.fill(batch, 10)) {
                assertEquals("1", batch.cellText(0, 0), "only the record before the wide one is read");
            }
        });
        assertEquals(StreamErrorCode.UPLOAD_TOO_SLOW, failure.code());
        assertEquals("the record starting on line 3 is longer than 64 bytes, and was still being sent 100 ms after it took"
                + " its turn: the server holds at most 1 such record at once (fanout.limits.max-concurrent-wide-records),"
                + " each for up to fanout.limits.upload-read-timeout; send it faster", failure.getMessage());
        assertEquals(1, gate.held(), "the batch keeps the turn");
        batch.leaveWideGate();
        source.close();
        assertEquals(0, gate.held());
    }

    @Test
    @Timeout(10)
    void aWideHeaderStillBeingReadWhenItsTurnRunsOutFailsWithUploadTooSlow() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofMillis(100));
        var source = open(new Dribble("a," + WIDE + "\n1,2\n", Duration.ofMillis(20)), gate);
        assertEquals(StreamErrorCode.UPLOAD_TOO_SLOW, assertThrows(CsvFailure.class, source::next).code());
        assertEquals(1, gate.held());
        source.close();
        assertEquals(0, gate.held(), "closing the source gives the header's turn back");
    }

    /// A wide header's turn goes on to the first batch, which reads the records after it under
    /// that turn: sent slowly, they are cut when the header's turn is up, and the message says
    /// which record took the turn and how far the input had come.
    @Test
    @Timeout(10)
    void recordsReadUnderAWideHeadersTurnAreCutWhenItRunsOut() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofMillis(60));
        String header = "a," + WIDE + "\n";
        var rows = new StringBuilder();
        for (int i = 1; i <= 30; i++) {
            rows.append(i).append(",y\n");
        }
        // The header at once, then 16 bytes every 20 ms: the first batch's 64 bytes take ~80 ms.
        var source = open(new Dribble(header + rows, Duration.ofMillis(20), header.length()), gate);
        source.next();
        var batch = new RecordBatch(16);
        var failure = assertThrows(CsvFailure.class, () -> source.fill(batch, 100));
        assertEquals(StreamErrorCode.UPLOAD_TOO_SLOW, failure.code());
        assertTrue(failure.getMessage().startsWith("the record starting on line 1 is longer than 64 bytes, and what follows it,"
                + " up to line "), failure.getMessage());
        assertTrue(batch.size() > 0, "the records read before the cut are kept");
        assertEquals(1, gate.held(), "the batch holds the header's turn");
        batch.leaveWideGate();
        source.close();
        assertEquals(0, gate.held());
    }

    /// Only a record read under a turn is timed: narrow records sent as slowly are all read, though
    /// their reading takes many times the turn's time.
    @Test
    @Timeout(10)
    void narrowRecordsSentSlowlyAreNeverCut() throws Exception {
        var gate = WideRecordGate.of(1, Duration.ofMillis(20));
        var csv = new StringBuilder("a,b\n");
        for (int i = 0; i < 20; i++) {
            csv.append(i).append(",").append("y".repeat(BATCH_BYTES / 2)).append('\n');
        }
        long start = System.nanoTime();
        List<String> firsts = readAll(open(new Dribble(csv.toString(), Duration.ofMillis(5)), gate), new ArrayList<>());
        assertEquals(20, firsts.size());
        assertTrue(System.nanoTime() - start > TimeUnit.MILLISECONDS.toNanos(100), "slower than the turn's time");
        assertEquals(0, gate.held());
    }

    @Test
    @Timeout(10)
    void aReaderWaitingForATurnGivesUpWhenTold() throws Exception {
        var gate = fullGate(Duration.ofSeconds(30));
        var source = afterHeader("a,b\n1," + WIDE + "\n", gate);
        var reading = CompletableFuture.supplyAsync(() -> assertThrows(CsvFailure.class, () -> source.fill(new RecordBatch(16), 10)));
        Thread.sleep(150);
        source.stopWaiting();
        CsvFailure failure = reading.get(5, TimeUnit.SECONDS);
        assertEquals(StreamErrorCode.READ_FAILED, failure.code());
        assertEquals(1, gate.held());
    }

    @Test
    @Timeout(10)
    void anInterruptedWaitFailsAndKeepsTheInterrupt() throws Exception {
        var gate = fullGate(Duration.ofSeconds(30));
        var source = afterHeader("a,b\n1," + WIDE + "\n", gate);
        Thread.currentThread().interrupt();
        try {
            assertEquals(StreamErrorCode.READ_FAILED, assertThrows(CsvFailure.class, () -> source.fill(new RecordBatch(16), 10)).code());
            assertTrue(Thread.currentThread().isInterrupted(), "the interrupt is kept for the run to see");
        } finally {
            Thread.interrupted();
        }
    }

    /// Input that comes 16 bytes at a time, `pause` apart, after its first `fast` bytes at once: a
    /// client that sends slowly but steadily.
    private static final class Dribble extends java.io.InputStream {
        private final ByteArrayInputStream bytes;
        private final long pauseMillis;
        private int fast;

        Dribble(String text, Duration pause) {
            this(text, pause, 0);
        }

        Dribble(String text, Duration pause, int fast) {
            this.bytes = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
            this.pauseMillis = pause.toMillis();
            this.fast = fast;
        }

        @Override
        public int read() {
            throw new UnsupportedOperationException("the source reads arrays");
        }

        @Override
        public int read(byte[] b, int off, int len) throws java.io.IOException {
            if (fast > 0) {
                int n = bytes.read(b, off, Math.min(len, fast));
                fast -= Math.max(n, 0);
                return n;
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException();
            }
            return bytes.read(b, off, Math.min(len, 16));
        }
    }

    /// A gate of one turn, taken.
    private static WideRecordGate fullGate(Duration maxWait) throws InterruptedException {
        var gate = WideRecordGate.of(1, maxWait);
        assertTrue(gate.enter(() -> false));
        return gate;
    }

    /// A source over `csv` whose header is read.
    private static CsvSource afterHeader(String csv, WideRecordGate gate) {
        var source = open(csv, gate);
        source.next();
        return source;
    }

    private static CsvSource open(String csv, WideRecordGate gate) {
        return open(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)), gate);
    }

    private static CsvSource open(java.io.InputStream in, WideRecordGate gate) {
        return CsvSource.open(in, ',', 1 << 20, 10, Integer.MAX_VALUE, gate, 16, BATCH_BYTES);
    }

    private static List<String> readAll(CsvSource source, List<String> firsts) {
        source.next();
        var batch = new RecordBatch(16);
        boolean ended = false;
        while (!ended) {
            ended = source.fill(batch, 4);
            for (int r = 0; r < batch.size(); r++) {
                firsts.add(batch.cellText(r, 0));
            }
        }
        return firsts;
    }
}
