package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/// The keys a run remembers for `unique`, `primaryKey` and self-references: held in a [KeySet]
/// with the row that first had each, paid for from the run's [KeyBudget], given back whole when
/// the run ends; a run whose budget runs out ends at the row it was deciding with `too_many_keys`,
/// after the same lines as a run without a bound, however the work was split.
class KeyBudgetTest {
    private static final Pattern ROW = Pattern.compile("^\\{\"row\":(\\d+),");
    private static final Pattern ERROR = Pattern.compile("\\{\"error\":\\{\"code\":\"too_many_keys\",\"message\":\"[^\"]*\",\"row\":(\\d+)}}\n$");

    @Test
    void aKeySetKeepsTheRowThatFirstHadEachKey() {
        var keys = new KeySet(KeyBudget.UNLIMITED);
        Map<String, Long> model = new HashMap<>();
        var random = new Random(7);
        for (long row = 1; row <= 200_000; row++) {
            String key = Integer.toString(random.nextInt(150_000));
            Long first = model.putIfAbsent(key, row);
            assertEquals(first == null ? -1 : first, keys.addFirst(KeySet.encode(key), row), key);
        }
        assertEquals(model.size(), keys.size());
        // Rows past what a four-byte varint holds come back whole.
        assertEquals(-1, keys.addFirst(KeySet.encode("late"), 5_000_000_000L));
        assertEquals(5_000_000_000L, keys.addFirst(KeySet.encode("late"), 5_000_000_001L));
    }

    /// W2's file with `"primaryKey": "id"`: four such uploads at once on the default launch each
    /// have 1 MiB on their place and one free place of 4 MiB for their keys. The set's table once
    /// held a byte of hash per slot at most half full, and its doubling at 131,073 keys took
    /// ~5.2 MB: one upload in four ended with `too_many_keys`.
    @Test
    void twoHundredThousandIdsWithTheirRowsFitInFiveMebibytesAtEveryMoment() {
        var budget = KeyBudget.of(5L << 20, "5 MiB");
        var keys = new KeySet(budget);
        for (long id = 1; id <= 200_000; id++) {
            assertEquals(-1, keys.addFirst(KeySet.encode(Long.toString(id)), id));
        }
        assertEquals(200_000, keys.size());
        keys.release();
        assertTrue(budget.take(5L << 20), "the whole budget is back");
    }

    /// A set told how many keys to expect grows straight to a table for them: the same keys and
    /// rows, the same memory once they are in, and a lower peak than doubling's (which holds the
    /// old table beside the new one at each step).
    @Test
    void aSetToldWhatToExpectGrowsStraightToItsSizeWithALowerPeak() {
        var doubling = new PeakBudget(KeyBudget.UNLIMITED);
        var doubled = new KeySet(doubling);
        var told = new PeakBudget(KeyBudget.UNLIMITED);
        var expecting = new KeySet(told);
        for (long id = 1; id <= 200_000; id++) {
            if (id == 20_000) {
                expecting.expect(200_000);
            }
            byte[] key = KeySet.encode(Long.toString(id % 150_000));
            assertEquals(doubled.addFirst(key, id), expecting.addFirst(key, id), "row " + id);
        }
        assertEquals(doubled.size(), expecting.size());
        assertEquals(doubled.bytes(), expecting.bytes(), "the same table and blocks in the end");
        assertEquals(doubling.inUse(), told.inUse());
        assertEquals(told.inUse(), told.peak(), "never more than it holds in the end");
        assertTrue(told.peak() < doubling.peak() - 300_000, "peaks " + told.peak() + " and " + doubling.peak());
        expecting.release();
        assertEquals(0, told.inUse(), "release gave every byte back");
    }

    /// An expectation the budget cannot pay for, with the expected keys' entries, is passed over:
    /// the set doubles as it would have, and holds every key a set not told would in the same
    /// budget. (A table for 150,000 keys fits this budget; with their entries it would not.)
    @Test
    void anExpectationTheBudgetCannotPayForIsPassedOver() {
        var doubling = new PeakBudget(KeyBudget.UNLIMITED);
        var doubled = new KeySet(doubling);
        for (int k = 0; k < 100_000; k++) {
            doubled.add(KeySet.encode("k" + k));
        }
        var budget = new PeakBudget(KeyBudget.of(doubling.peak() + 250_000, "a little more than doubling takes"));
        var keys = new KeySet(budget);
        for (int k = 0; k < 100_000; k++) {
            if (k >= 20_000) {
                keys.expect(150_000);
            }
            assertTrue(keys.add(KeySet.encode("k" + k)), "k" + k);
        }
        assertEquals(doubled.bytes(), keys.bytes());
        keys.release();
        assertEquals(0, budget.inUse(), "release gave every byte back");
    }

    /// A run told its input's size writes the same lines as one not told, whatever the size it
    /// is told, and within the budget that was enough for the run not told: a true size takes no
    /// more at any moment, and an expectation the budget cannot pay for is passed over.
    @Test
    void aRunToldItsInputsSizeWritesTheSameLinesInTheSameBudget(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("keys.csv");
        Files.write(file, keys(120_000));
        long size = Files.size(file);
        var options = EngineOptions.defaults().withWorkers(2).withSummary(true);
        var notTold = new PeakBudget(KeyBudget.UNLIMITED);
        String expected = runFile(file, options, notTold, 0);
        assertTrue(expected.contains("\"summary\"") && !expected.contains("too_many_keys"), expected.substring(expected.length() - 200));
        for (long told : new long[] {size, size / 50, size * 100}) {
            var budget = new PeakBudget(KeyBudget.of(notTold.peak(), "the peak of a run not told"));
            assertEquals(expected, runFile(file, options, budget, told), "told " + told + " bytes");
            assertEquals(0, budget.inUse());
        }
    }

    private static String runFile(Path file, EngineOptions options, KeyBudget budget, long inputBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return EngineFixture.run(in, EngineEquivalenceTest.SCHEMA, options, budget, inputBytes).stable();
        }
    }

    /// A budget that notes the most it lent at once.
    private static final class PeakBudget implements KeyBudget {
        private final KeyBudget budget;
        private final AtomicLong inUse = new AtomicLong();
        private final AtomicLong peak = new AtomicLong();

        PeakBudget(KeyBudget budget) {
            this.budget = budget;
        }

        @Override
        public boolean take(long bytes) {
            if (!budget.take(bytes)) {
                return false;
            }
            peak.accumulateAndGet(inUse.addAndGet(bytes), Math::max);
            return true;
        }

        @Override
        public void giveBack(long bytes) {
            inUse.addAndGet(-bytes);
            budget.giveBack(bytes);
        }

        @Override
        public long left() {
            return budget.left();
        }

        @Override
        public String describe() {
            return budget.describe();
        }

        long inUse() {
            return inUse.get();
        }

        long peak() {
            return peak.get();
        }
    }

    @Test
    void aKeyLongerThanABlockHasABlockOfItsOwn() {
        var keys = new KeySet(KeyBudget.UNLIMITED);
        String huge = "k".repeat(600_000);
        assertEquals(-1, keys.addFirst(KeySet.encode("a"), 1));
        assertEquals(-1, keys.addFirst(KeySet.encode(huge), 2));
        assertEquals(-1, keys.addFirst(KeySet.encode("b"), 3));
        assertEquals(2, keys.addFirst(KeySet.encode(huge), 4));
        assertEquals(1, keys.addFirst(KeySet.encode("a"), 5));
        assertEquals(3, keys.addFirst(KeySet.encode("b"), 6));
        assertEquals(-1, keys.addFirst(KeySet.encode(huge + "k"), 7));
    }

    /// A set that grows reads its keys again block by block: every key, and its row, is found
    /// after many growths over blocks of every kind (filled to their end or not, a huge key's own).
    @Test
    // On a thread of its own: a table that misplaced its keys while growing can probe for ever.
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void aSetThatGrowsOverBlocksOfEveryKindFindsEveryKeyWithItsRow() {
        var keys = new KeySet(KeyBudget.UNLIMITED);
        Map<String, Long> model = new HashMap<>();
        var random = new Random(11);
        for (long row = 1; row <= 60_000; row++) {
            // Entries of many sizes, so that blocks end with room left; now and then a key longer
            // than a block, which has a block of its own.
            String key = row % 6_000 == 0 ? "h".repeat(300_000) + row
                    : random.nextInt(40_000) + "x".repeat(random.nextInt(400));
            Long first = model.putIfAbsent(key, row);
            assertEquals(first == null ? -1 : (long) first, keys.addFirst(KeySet.encode(key), row));
        }
        assertEquals(model.size(), keys.size());
        for (var entry : model.entrySet()) {
            assertEquals((long) entry.getValue(), keys.addFirst(KeySet.encode(entry.getKey()), 1_000_000));
        }
        assertEquals(model.size(), keys.size(), "nothing was added again");
    }

    @Test
    void aRefusedGrowthLeavesTheSetAsItWasAndReleaseGivesEverythingBack() {
        long total = 200_000;
        KeyBudget budget = KeyBudget.of(total, "a test's 200 kB");
        var keys = new KeySet(budget);
        int added = 0;
        KeyBudget.Exhausted refused = null;
        while (refused == null) {
            try {
                assertEquals(-1, keys.addFirst(KeySet.encode("key" + added), added + 1));
                added++;
            } catch (KeyBudget.Exhausted e) {
                refused = e;
            }
        }
        assertTrue(added > 5_000, "a 200 kB budget holds thousands of short keys: " + added);
        assertEquals(added, keys.size());
        assertFalse(keys.contains(KeySet.encode("key" + added)), "the refused key was not added");
        for (int i = 0; i < added; i++) {
            assertEquals(i + 1, keys.addFirst(KeySet.encode("key" + i), 0), "key" + i);
        }
        assertFalse(budget.take(total), "the set holds part of the budget");
        keys.release();
        assertTrue(budget.take(total), "release gave every byte back");
    }

    @Test
    void aBudgetNeverGoesBelowNothing() {
        KeyBudget budget = KeyBudget.of(100, "100 bytes");
        assertTrue(budget.take(60));
        assertFalse(budget.take(41));
        assertTrue(budget.take(40));
        budget.giveBack(100);
        assertTrue(budget.take(100));
        assertThrows(IllegalArgumentException.class, () -> KeyBudget.of(-1, "less than nothing"));
    }

    @Property(tries = 25)
    void aRunStopsAtTheSameRowWithTheSameLinesForAnySplitAndMode(@ForAll @IntRange(min = 1, max = 600) int chunkRows,
            @ForAll @IntRange(min = 1, max = 3) int workers, @ForAll @IntRange(min = 1, max = 5) int chunksInFlight,
            @ForAll boolean summary, @ForAll Mode mode) {
        byte[] csv = keys(30_000);
        var options = EngineOptions.defaults().withWorkers(workers).withChunkRows(chunkRows).withChunksInFlight(chunksInFlight)
                .withSummary(summary).withMode(mode);
        String all = run(csv, options, KeyBudget.UNLIMITED);
        KeyBudget budget = KeyBudget.of(300_000, "a test's 300 kB");
        String cut = run(csv, options, budget);
        Matcher error = ERROR.matcher(cut);
        assertTrue(error.find(), cut.substring(Math.max(0, cut.length() - 300)));
        long row = Long.parseLong(error.group(1));
        assertTrue(row > 1 && row < 30_000, "stopped at row " + row);
        assertTrue(cut.contains("outgrew a test's 300 kB"), cut.substring(error.start()));
        // Every line an unbounded run writes for the rows before the one that could not be
        // decided, and then the error line alone: no summary.
        var before = new StringBuilder();
        for (String line : all.split("\n")) {
            Matcher number = ROW.matcher(line);
            if (number.find() && Long.parseLong(number.group(1)) < row) {
                before.append(line).append('\n');
            }
        }
        assertEquals(before.toString(), cut.substring(0, error.start()));
        assertTrue(budget.take(300_000), "the run gave its keys' budget back");
        // The same budget, given back, lets the next run stop at the same row.
        budget.giveBack(300_000);
        assertEquals(cut, run(csv, options, budget));
    }

    @Test
    void aSelfReferenceIsPaidForFromTheSameBudget() {
        var schema = dev.fanout.schema.Schema.parse("""
                {"fields":[{"name":"id","type":"integer"},{"name":"parent","type":"integer"}],
                 "foreignKeys":[{"fields":"parent","reference":{"resource":"","fields":"id"}}]}"""
                .getBytes(StandardCharsets.UTF_8));
        var csv = new StringBuilder("id,parent\n");
        for (int i = 1; i <= 50_000; i++) {
            csv.append(i).append(',').append(i == 1 ? "" : Integer.toString(i - 1)).append('\n');
        }
        KeyBudget budget = KeyBudget.of(200_000, "a test's 200 kB");
        var result = EngineFixture.run(new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)), schema,
                EngineOptions.defaults().withWorkers(2).withChunkRows(1_000), budget);
        Matcher error = ERROR.matcher(result.stable());
        assertTrue(error.find(), result.stable().substring(result.stable().length() - 300));
        assertNotNull(result.stable());
        assertTrue(budget.take(200_000), "the run gave its keys' budget back");
    }

    private static String run(byte[] csv, EngineOptions options, KeyBudget budget) {
        return EngineFixture.run(new ByteArrayInputStream(csv), EngineEquivalenceTest.SCHEMA, options, budget).stable();
    }

    /// Rows whose `id` and `code` are distinct but every tenth row's, which repeat an earlier
    /// row's (a `unique` error), and every seventh row has an age out of range.
    private static byte[] keys(int rows) {
        var csv = new StringBuilder("id,name,email,age,code\n");
        for (int r = 1; r <= rows; r++) {
            int key = r % 10 == 0 ? r / 2 : r;
            csv.append(key).append(",n,a@b.org,").append(r % 7 == 0 ? 200 : 1).append(",c").append(key).append('\n');
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }
}
