package dev.fanout.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.fanout.csv.CsvSourceDifferentialTest.Outcome;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/// Coverage-guided fuzzing of [CsvSource], the byte-level reader every upload goes through, on
/// arbitrary bytes. Its contract: no exception but a [CsvFailure]; the same records (cells and
/// starting lines) and the same failure whether the input is read whole, record by record, or in
/// pieces down to one byte into batches of random sizes and tiny buffers; and all of it as the
/// FastCSV-based reader it replaced ([FastCsvSource], the oracle of [CsvSourceDifferentialTest],
/// whose helpers this reuses) reads the same bytes, but for the one documented difference (a cell
/// over the limit is too large before whatever else is wrong in it).
///
/// Each input is read twice: with `,` and generous limits, and with another delimiter (a wide one
/// among them) and small limits, both chosen from the input's hash so that a finding replays.
///
/// Regression inputs: `src/test/resources/dev/fanout/csv/CsvSourceFuzzTestInputs/csvSource/`;
/// `scripts/fuzz csv` searches for new ones.
class CsvSourceFuzzTest {
    private static final char[] OTHER_DELIMITERS = {';', '\t', '|', '§', '李', 'a', ' '};

    @FuzzTest
    void csvSource(byte[] csv) {
        int hash = Arrays.hashCode(csv);
        readsAlike(csv, ',', 1 << 20, 1024, hash);
        var random = new Random(hash);
        readsAlike(csv, OTHER_DELIMITERS[random.nextInt(OTHER_DELIMITERS.length)], 1 + random.nextInt(12),
                1 + random.nextInt(6), hash);
    }

    private static void readsAlike(byte[] csv, char delimiter, int maxFieldBytes, int maxColumns, int seed) {
        Outcome whole = whole(csv, delimiter, maxFieldBytes, maxColumns);
        var random = new Random(seed);
        Outcome pieces = CsvSourceDifferentialTest.ours(csv, delimiter, maxFieldBytes, maxColumns, random,
                1 + random.nextInt(7), 1 + random.nextInt(8), 8 + random.nextInt(64));
        String shown = "delimiter '" + delimiter + "', limits " + maxFieldBytes + "/" + maxColumns + ", input: "
                + CsvSourceDifferentialTest.printable(csv);
        assertEquals(whole, pieces, () -> "read whole vs. in pieces into small batches; " + shown);
        CsvSourceDifferentialTest.assertReadsAsFastCsv(
                CsvSourceDifferentialTest.oracle(csv, delimiter, maxFieldBytes, maxColumns), whole,
                () -> "FastCSV vs. CsvSource; " + shown);
    }

    /// The input in one read, record by record through [CsvSource#next()] (as the header and
    /// schema inference are read).
    private static Outcome whole(byte[] csv, char delimiter, int maxFieldBytes, int maxColumns) {
        List<String> records = new ArrayList<>();
        try (var source = CsvSource.open(new ByteArrayInputStream(csv), delimiter, maxFieldBytes, maxColumns)) {
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
}
