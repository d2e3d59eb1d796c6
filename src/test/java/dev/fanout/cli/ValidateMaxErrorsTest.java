package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `fanout validate --max-errors N` and `--fail-fast`: a file's output stops at its Nth invalid
/// row with the `max_errors` error line (after the summary line, with `--summary`, saying it
/// stopped), stderr says where it stopped, the exit status is 1, and the rest of the input is not
/// read. With several files each has its own limit.
class ValidateMaxErrorsTest {
    private static final String HEADER = "id,name,email,age,city\n";
    private static final String FOUR_ROWS = HEADER + "1,Ada,ada@example.org,36,\n2,Bob,bob@example.org,abc,\n"
            + "3,,cy@example.org,40,\n4,Di,di@example.org,41,\n";

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void maxErrorsStopsAtTheNthInvalidRowAndExitsOne() throws IOException {
        Path csv = file("four.csv", FOUR_ROWS);

        CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--max-errors", "2", "--summary");

        assertEquals(1, run.status(), run.stderr());
        List<String> lines = run.lines();
        assertEquals(5, lines.size(), run.stdout());
        assertTrue(lines.get(2).startsWith("{\"row\":3,"), lines.get(2));
        assertEquals("{\"summary\":{\"rows\":3,\"valid\":1,\"invalid\":2,\"elapsedMs\":0,\"stopped\":\"max_errors\"}}",
                lines.get(3).replaceAll("\"elapsedMs\":[0-9.]+", "\"elapsedMs\":0"));
        assertEquals("{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 2 invalid rows (max-errors=2)\",\"row\":3}}",
                lines.get(4));
        assertTrue(run.stderr().contains("fanout: 3 rows, 1 valid, 2 invalid"), run.stderr());
        assertTrue(run.stderr().contains("fanout: max_errors at row 3: stopped after 2 invalid rows (max-errors=2)"), run.stderr());
    }

    @Test
    void failFastIsMaxErrorsOne() throws IOException {
        Path csv = file("four.csv", FOUR_ROWS);

        CliRun failFast = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--fail-fast");
        CliRun one = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--max-errors=1");

        assertEquals(1, failFast.status(), failFast.stderr());
        assertEquals(one.stdout(), failFast.stdout());
        assertEquals(3, failFast.lines().size(), failFast.stdout());
        assertEquals("{\"error\":{\"code\":\"max_errors\",\"message\":\"stopped after 1 invalid row (max-errors=1)\",\"row\":2}}",
                failFast.lines().get(2));
    }

    @Test
    void aLimitNotReachedExitsAsBefore() throws IOException {
        Path csv = file("four.csv", FOUR_ROWS);

        CliRun limited = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--max-errors", "3");
        CliRun plain = CliRun.of("validate", csv.toString(), "--schema-name", "people");

        assertEquals(1, limited.status(), limited.stderr());
        assertEquals(plain.stdout(), limited.stdout());
        assertEquals(0, CliRun.of("validate", file("ok.csv", HEADER + "1,Ada,ada@example.org,36,\n").toString(),
                "--schema-name", "people", "--fail-fast").status());
    }

    @Test
    void badValuesAreUsageErrors() throws IOException {
        Path csv = file("four.csv", FOUR_ROWS);
        for (String value : List.of("0", "-2", "x")) {
            CliRun run = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--max-errors", value);
            assertEquals(2, run.status(), value + ": " + run.stderr());
            assertTrue(run.stderr().contains("--max-errors"), run.stderr());
            assertEquals("", run.stdout());
        }
        CliRun both = CliRun.of("validate", csv.toString(), "--schema-name", "people", "--fail-fast", "--max-errors", "2");
        assertEquals(2, both.status(), both.stderr());
        assertTrue(both.stderr().contains("--fail-fast"), both.stderr());
    }

    @Test
    void eachFileHasItsOwnLimit() throws IOException {
        Path a = file("a.csv", FOUR_ROWS);
        Path b = file("b.csv", FOUR_ROWS);

        CliRun run = CliRun.of("validate", a.toString(), b.toString(), "--schema-name", "people", "--fail-fast");

        assertEquals(1, run.status(), run.stderr());
        List<String> lines = run.lines();
        // Each block: its file line, rows 1 and 2, the error line.
        assertEquals(8, lines.size(), run.stdout());
        assertTrue(lines.get(3).contains("\"max_errors\"") && lines.get(7).contains("\"max_errors\""), run.stdout());
        assertTrue(lines.get(4).startsWith("{\"file\":"), run.stdout());
    }

    @Test
    void theRestOfTheInputIsNotRead() {
        long rows = 5_000_000;
        var input = new GeneratedPeople(rows);

        CliRun run = CliRun.with(input, false, "validate", "-", "--schema-name", "people", "--fail-fast", "--workers", "2");

        assertEquals(1, run.status(), run.stderr());
        assertEquals(2, run.lines().size(), run.stdout());
        assertTrue(input.bytesRead < 8L << 20, input.bytesRead + " bytes of about " + rows * 30 + " were read");
    }

    /// A people CSV produced as it is read, whose first row is invalid, counting what was read.
    private static final class GeneratedPeople extends InputStream {
        private final long rows;
        private long row;
        private byte[] pending = HEADER.getBytes(StandardCharsets.US_ASCII);
        private int at;
        long bytesRead;

        GeneratedPeople(long rows) {
            this.rows = rows;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at == pending.length) {
                if (row == rows) {
                    return -1;
                }
                row++;
                pending = (row + ",Name" + row + ",n" + row + "@example.org," + (row == 1 ? "old" : "30") + ",\n")
                        .getBytes(StandardCharsets.US_ASCII);
                at = 0;
            }
            int n = Math.min(len, pending.length - at);
            System.arraycopy(pending, at, b, off, n);
            at += n;
            bytesRead += n;
            return n;
        }
    }
}
