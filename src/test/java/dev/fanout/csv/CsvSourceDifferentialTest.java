package dev.fanout.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/// The byte-level `CsvSource` reads every input exactly as the FastCSV-based reader it replaced
/// (`FastCsvSource`, FastCSV over a strict UTF-8 decoder): the same records, cells and starting
/// lines, and the same failure code after the same records — on random hostile input (quotes in
/// every position, CR, LF, CRLF, blank lines, BOMs, multi-byte and invalid UTF-8, control bytes,
/// wide delimiters), fed in random pieces down to one byte, and cut into batches of random sizes.
class CsvSourceDifferentialTest {
    private static final String[] TOKENS = {"a", "bc", "x y", ",", ",", ";", "\t", "\"", "\"", "\"\"", "\r", "\n", "\r\n",
        "\n\n", "é", "李", "😀", "§", " ", "\u0000", "\u0007"};
    private static final byte[][] BAD_BYTES = {{(byte) 0xFF}, {(byte) 0xC3}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF0, (byte) 0x9F}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE2, (byte) 0x82}};

    @Property(tries = 3000)
    void readsWhatFastCsvReads(@ForAll("hostileCsv") byte[] csv, @ForAll("delimiters") char delimiter,
            @ForAll long seed, @ForAll @IntRange(min = 1, max = 7) int batchRecords) {
        var expected = oracle(csv, delimiter, 1 << 20, 1024);
        var actual = ours(csv, delimiter, 1 << 20, 1024, new Random(seed), batchRecords);
        assertReadsAsFastCsv(expected, actual, () -> "input: " + Arrays.toString(csv) + " = " + printable(csv));
        // Tiny reads and batch sizes: records span buffers, buffers move, grow and are carried.
        var tiny = ours(csv, delimiter, 1 << 20, 1024, new Random(seed), batchRecords, 1 + (int) (seed & 7), 8);
        assertReadsAsFastCsv(expected, tiny, () -> "with tiny buffers, input: " + printable(csv));
    }

    @Property(tries = 1000)
    void enforcesTheSameLimits(@ForAll("wellFormedCsv") byte[] csv, @ForAll @IntRange(min = 1, max = 12) int maxFieldBytes,
            @ForAll @IntRange(min = 1, max = 6) int maxColumns, @ForAll long seed) {
        var expected = oracle(csv, ',', maxFieldBytes, maxColumns);
        var actual = ours(csv, ',', maxFieldBytes, maxColumns, new Random(seed), 3);
        assertReadsAsFastCsv(expected, actual, () -> "input: " + printable(csv));
    }

    /// Asserts that `CsvSource` read what FastCSV read, but for the one difference its javadoc
    /// gives: a cell over the field limit fails as `field_too_large` even when something further
    /// on in it is wrong too, where FastCSV, which measures a field once it ends, names that
    /// other problem. The records before the failure are the same either way.
    static void assertReadsAsFastCsv(Outcome fastCsv, Outcome ours, Supplier<String> message) {
        boolean tooLargeFirst = StreamErrorCode.FIELD_TOO_LARGE.equals(ours.failure())
                && (StreamErrorCode.MALFORMED_CSV.equals(fastCsv.failure()) || StreamErrorCode.INVALID_UTF8.equals(fastCsv.failure()));
        if (tooLargeFirst) {
            assertEquals(fastCsv.records(), ours.records(), message);
        } else {
            assertEquals(fastCsv, ours, message);
        }
    }

    @Provide
    Arbitrary<byte[]> hostileCsv() {
        Arbitrary<byte[]> token = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(30, Arbitraries.of(TOKENS).map(t -> t.getBytes(StandardCharsets.UTF_8))),
                net.jqwik.api.Tuple.of(1, Arbitraries.of(BAD_BYTES)));
        return token.list().ofMaxSize(60).flatMap(tokens -> Arbitraries.of(true, false, false).map(bom -> concat(bom, tokens)));
    }

    @Provide
    Arbitrary<byte[]> wellFormedCsv() {
        return Arbitraries.of("a", "bcdefg", "é", "李", ",", ",", "\n", "\r\n", "\"q,\"\"\"", "\"\"")
                .map(t -> t.getBytes(StandardCharsets.UTF_8)).list().ofMaxSize(40).map(tokens -> concat(false, tokens));
    }

    @Provide
    Arbitrary<Character> delimiters() {
        return Arbitraries.of(',', ',', ';', '\t', '§', 'a');
    }

    /// What a reader produced: each record as `line: [cells]`, then the failure code if any.
    record Outcome(List<String> records, StreamErrorCode failure) {
    }

    static Outcome oracle(byte[] csv, char delimiter, int maxFieldBytes, int maxColumns) {
        List<String> records = new ArrayList<>();
        try (var source = FastCsvSource.open(new ByteArrayInputStream(csv), delimiter, maxFieldBytes, maxColumns)) {
            while (true) {
                var record = source.next();
                if (record.isEmpty()) {
                    return new Outcome(records, null);
                }
                records.add(record.get().line() + ": " + Arrays.toString(record.get().cells()));
            }
        } catch (CsvFailure e) {
            return new Outcome(records, e.code());
        }
    }

    private static Outcome ours(byte[] csv, char delimiter, int maxFieldBytes, int maxColumns, Random random,
            int batchRecords) {
        return ours(csv, delimiter, maxFieldBytes, maxColumns, random, batchRecords, 4096, 256 * 1024);
    }

    static Outcome ours(byte[] csv, char delimiter, int maxFieldBytes, int maxColumns, Random random,
            int batchRecords, int minRead, int maxBatchBytes) {
        List<String> records = new ArrayList<>();
        var source = CsvSource.open(new RandomPieces(new ByteArrayInputStream(csv), random), delimiter, maxFieldBytes,
                maxColumns, minRead, maxBatchBytes);
        // Two batches in turn, as the engine hands a filled one on while it fills the next.
        RecordBatch[] batches = {new RecordBatch(1 + random.nextInt(100)), new RecordBatch(1 + random.nextInt(100))};
        boolean ended = false;
        try {
            for (int i = 0; !ended; i++) {
                RecordBatch batch = batches[i % 2];
                try {
                    ended = source.fill(batch, batchRecords);
                } finally {
                    for (int r = 0; r < batch.size(); r++) {
                        records.add(batch.line(r) + ": " + Arrays.toString(batch.recordText(r)));
                    }
                }
            }
            return new Outcome(records, null);
        } catch (CsvFailure e) {
            return new Outcome(records, e.code());
        }
    }

    private static byte[] concat(boolean bom, List<byte[]> tokens) {
        var out = new java.io.ByteArrayOutputStream();
        if (bom) {
            out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        }
        tokens.forEach(out::writeBytes);
        return out.toByteArray();
    }

    static String printable(byte[] csv) {
        return new String(csv, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n");
    }

    /// Hands out the input in pieces of 1 to 16 bytes.
    private static final class RandomPieces extends FilterInputStream {
        private final Random random;

        RandomPieces(InputStream in, Random random) {
            super(in);
            this.random = random;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return super.read(b, off, Math.min(len, 1 + random.nextInt(random.nextBoolean() ? 2 : 16)));
        }
    }
}
