package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `fanout validate A B C`: each file's NDJSON in turn after a `{"file":…}` line, byte for byte what
/// a run on that file alone writes; one summary per file on stderr; the worst exit status; a file
/// that cannot be read does not stop the others.
class ValidateSeveralFilesTest {
    private static final String HEADER = "id,name,email,age,city\n";

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    @Test
    void eachFilesLinesFollowItsNameAndAreWhatItsOwnRunWrites() throws IOException {
        Path valid = file("valid.csv", HEADER + "1,Ada,ada@example.org,36,London\n");
        Path invalid = file("invalid.csv", HEADER + "2,,bob@example.org,abc,\n3,Cy,cy@example.org,40,Oslo\n");

        CliRun both = CliRun.of("validate", valid.toString(), invalid.toString(), "--schema-name", "people", "--summary");
        CliRun first = CliRun.of("validate", valid.toString(), "--schema-name", "people", "--summary");
        CliRun second = CliRun.of("validate", invalid.toString(), "--schema-name", "people", "--summary");

        assertEquals(1, both.status(), both.stderr());
        String expected = "{\"file\":" + quoted(valid) + "}\n" + first.stdout()
                + "{\"file\":" + quoted(invalid) + "}\n" + second.stdout();
        assertEquals(stable(expected), stable(both.stdout()));
        List<String> summaries = both.errorLines();
        assertEquals(2, summaries.size(), both.stderr());
        assertTrue(summaries.get(0).startsWith("fanout: " + valid + ": 1 rows, 1 valid, 0 invalid"), summaries.get(0));
        assertTrue(summaries.get(1).startsWith("fanout: " + invalid + ": 2 rows, 1 valid, 1 invalid"), summaries.get(1));
    }

    @Test
    void theExitStatusIsTheWorstAndAnUnreadableFileDoesNotStopTheOthers() throws IOException {
        Path valid = file("valid.csv", HEADER + "1,Ada,ada@example.org,36,London\n");
        Path badHeader = file("bad.csv", "id,shoe\n1,x\n");
        Path absent = dir.resolve("absent.csv");

        CliRun run = CliRun.of("validate", absent.toString(), badHeader.toString(), valid.toString(),
                "--schema-name", "people");

        assertEquals(2, run.status(), run.stderr());
        assertTrue(run.stderr().contains("fanout: " + absent + ": "), run.stderr());
        assertTrue(run.stderr().contains("fanout: " + badHeader + ": missing_column"), run.stderr());
        assertTrue(run.stderr().contains("fanout: " + valid + ": 1 rows, 1 valid"), run.stderr());
        assertFalse(run.stderr().contains("\tat "), run.stderr());
        // Only the file that was validated has a block.
        assertEquals(List.of("{\"file\":" + quoted(valid) + "}"), run.lines().stream().filter(l -> l.startsWith("{\"file\"")).toList());
        assertEquals(2, run.lines().size(), run.stdout());
    }

    /// A reference table is read again when its file changes: one that went away while the first
    /// input ran makes each later input fail as an invalid schema, and the run goes on to the
    /// next, as for any other file that cannot be validated.
    @Test
    void aReferenceTableGoneDuringARunFailsTheLaterFilesWithoutStoppingTheRun() throws IOException {
        Files.writeString(dir.resolve("cities.json"), """
                {"fields":[{"name":"city"},{"name":"country"}],
                 "foreignKeys":[{"fields":"country","reference":{"resource":"countries","fields":"code"}}]}""");
        Path countries = Files.writeString(dir.resolve("countries.csv"), "code\nDE\n");
        Path b = file("b.csv", "city,country\nBerlin,DE\n");
        Path c = file("c.csv", "city,country\nBonn,DE\n");
        // Standard input, the first input: the table goes while it is read, and the table's next
        // check, at most once a second, comes when b.csv opens.
        var first = new ByteArrayInputStream("city,country\nHamburg,DE\n".getBytes(StandardCharsets.UTF_8)) {
            private boolean gone;

            @Override
            public synchronized int read(byte[] bytes, int off, int len) {
                if (!gone) {
                    gone = true;
                    try {
                        Files.delete(countries);
                        Thread.sleep(1_100);
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }
                return super.read(bytes, off, len);
            }
        };

        CliRun run = CliRun.with(first, false, "validate", "-", b.toString(), c.toString(),
                "--schema", dir.resolve("cities.json").toString());

        assertEquals(2, run.status(), run.stderr());
        assertTrue(run.stderr().contains("fanout: -: 1 rows, 1 valid"), run.stderr());
        for (Path later : List.of(b, c)) {
            assertTrue(run.stderr().contains("fanout: " + later + ": invalid schema: foreignKeys #1: reference table 'countries'"),
                    run.stderr());
        }
        assertFalse(run.stderr().contains("internal error"), run.stderr());
    }

    @Test
    void allValidFilesExitZeroIntoOneOutputFile() throws IOException {
        Path a = file("a.csv", HEADER + "1,Ada,ada@example.org,36,London\n");
        Path b = file("b.csv", HEADER + "2,Bo,bo@example.org,,\n");
        Path out = dir.resolve("out.ndjson");

        CliRun run = CliRun.of("validate", a.toString(), b.toString(), "--schema-name", "people", "-o", out.toString());

        assertEquals(0, run.status(), run.stderr());
        assertEquals("", run.stdout());
        List<String> lines = Files.readAllLines(out);
        assertEquals(4, lines.size(), lines.toString());
        assertEquals("{\"file\":" + quoted(a) + "}", lines.get(0));
        assertEquals("{\"file\":" + quoted(b) + "}", lines.get(2));
    }

    private static String quoted(Path path) {
        return "\"" + path.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String stable(String ndjson) {
        return ndjson.replaceAll("\"elapsedMs\":[0-9.]+", "\"elapsedMs\":0");
    }
}
