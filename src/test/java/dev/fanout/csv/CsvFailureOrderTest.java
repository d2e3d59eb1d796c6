package dev.fanout.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;

/// Which failure a record with two problems gets: a cell over the field limit is `field_too_large`
/// whatever else is wrong further on in it, with any buffer size — a small buffer stops on the
/// cell's size before it reads that far (found by `CsvSourceFuzzTest`: with the whole input in
/// one buffer the reader named the later problem, with a small one the size). Records before the
/// failure are kept. And a failure's message does not depend on how much was read either (found
/// by `EngineFuzzTest`).
class CsvFailureOrderTest {
    private static final int LIMIT = 4;
    /// Read sizes and batch sizes: the defaults, and tiny ones that make buffers fill, move and grow.
    private static final int[][] BUFFERS = {{4096, 256 * 1024}, {1, 8}, {3, 16}, {8, 64}};

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "bytes that are not UTF-8 | abcdefgh\\xff,x\\n",
        "an incomplete character at the end | abcdefgh\\xc3",
        "a character after the closing quote | \"abcdefgh\"x,y\\n",
        "bytes that are not UTF-8 after the closing quote | \"abcdefgh\"\\xff\\n",
        "no closing quote | \"abcdefgh",
        "no closing quote, quote escapes in it | \"ab\"\"cd\"\"ef"})
    void aCellOverTheLimitIsTooLargeWhateverElseIsWrongInIt(String problem, String csv) {
        for (int[] buffer : BUFFERS) {
            assertEquals(List.of("1: [id, x]", StreamErrorCode.FIELD_TOO_LARGE.wireName()), read("id,x\n" + csv, buffer),
                    problem + ", buffers " + buffer[0] + "/" + buffer[1]);
        }
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
        "bytes that are not UTF-8 | ab\\xff,x\\n | invalid_utf8",
        "an incomplete character at the end | ab\\xc3 | invalid_utf8",
        "a character after the closing quote | \"abcd\"x,y\\n | malformed_csv",
        "no closing quote | \"abcd | malformed_csv"})
    void aCellWithinTheLimitFailsWithItsOwnProblem(String problem, String csv, String code) {
        for (int[] buffer : BUFFERS) {
            assertEquals(List.of("1: [id, x]", code), read("id,x\n" + csv, buffer),
                    problem + ", buffers " + buffer[0] + "/" + buffer[1]);
        }
    }

    @Test
    void theCharacterAfterAClosingQuoteIsShownAsItsOwnBytesHoweverMuchWasRead() {
        // 'ԏ' (two bytes), then stray continuation bytes: a whole buffer used to show them too.
        String csv = "\"a\"\\xd4\\x8f\\xbf\\x93,b\\n";
        for (int[] buffer : BUFFERS) {
            assertEquals("'ԏ' after a closing quote in the record starting on line 2: a quoted field must end at a"
                    + " delimiter or a line break", failure("id,x\\n" + csv, buffer, new ArrayList<>()).getMessage(),
                    "buffers " + buffer[0] + "/" + buffer[1]);
        }
    }

    /// The records read (as `line: [cells]`) and then the failure's code; `\xNN` in `csv` is that byte.
    private static List<String> read(String csv, int[] buffer) {
        List<String> outcome = new ArrayList<>();
        outcome.add(failure(csv, buffer, outcome).code().wireName());
        return outcome;
    }

    /// The failure that reading `csv` ends with; the records before it are added to `records`.
    private static CsvFailure failure(String csv, int[] buffer, List<String> records) {
        var source = CsvSource.open(new ByteArrayInputStream(bytes(csv)), ',', LIMIT, 16, buffer[0], buffer[1]);
        var batch = new RecordBatch(16);
        return assertThrows(CsvFailure.class, () -> {
            while (true) {
                try {
                    if (source.fill(batch, 1)) {
                        return;
                    }
                } finally {
                    for (int r = 0; r < batch.size(); r++) {
                        records.add(batch.line(r) + ": " + List.of(batch.recordText(r)));
                    }
                }
            }
        });
    }

    private static byte[] bytes(String escaped) {
        var out = new java.io.ByteArrayOutputStream();
        String text = escaped.replace("\\n", "\n");
        for (int i = 0; i < text.length(); i++) {
            if (text.startsWith("\\x", i)) {
                out.write(Integer.parseInt(text.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                out.writeBytes(String.valueOf(text.charAt(i)).getBytes(StandardCharsets.UTF_8));
            }
        }
        return out.toByteArray();
    }
}
