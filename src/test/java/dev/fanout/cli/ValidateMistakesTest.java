package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `fanout validate` given something other than it expects — a data file as the schema, the input
/// as the output, a schema with lookups, an output it cannot open, files among the options —
/// answers in one line with status 2 (or validates, where the command line is right), destroys
/// nothing, and reads the command line alike on its quick parser and on picocli.
class ValidateMistakesTest {
    private static final String HEADER = "id,name,email,age,city\n";
    private static final String ROW = "1,Ada,ada@example.org,36,London\n";

    @TempDir
    Path dir;

    private Path file(String name, String content) throws IOException {
        return Files.writeString(dir.resolve(name), content, StandardCharsets.UTF_8);
    }

    private static void assertOneErrorLine(CliRun run, String contained) {
        assertEquals(2, run.status(), run.stderr());
        assertEquals(1, run.errorLines().size(), run.stderr());
        assertTrue(run.stderr().startsWith("fanout: ") && run.stderr().contains(contained), run.stderr());
        assertFalse(run.stderr().contains("internal error") || run.stderr().contains("\tat "), run.stderr());
    }

    /// A data file given as `--schema` was read whole: under the launcher's 64 MB heap, past ~64 MB
    /// it ran out of memory with a stack trace and status 1 ("some rows invalid").
    @Test
    void aSchemaFileLargerThanAnySchemaIsRefused() throws IOException {
        Path data = file("data.csv", HEADER + ROW);
        Path notASchema = dir.resolve("big.csv");
        try (var out = Files.newBufferedWriter(notASchema)) {
            out.write(HEADER);
            while (Files.size(notASchema) <= ValidateCommand.MAX_SCHEMA_FILE_BYTES) {
                for (int i = 0; i < 10_000; i++) {
                    out.write(ROW);
                }
                out.flush();
            }
        }

        CliRun run = CliRun.of("validate", data.toString(), "--schema", notASchema.toString());

        assertOneErrorLine(run, "over 8 MiB");
    }

    /// `-o` naming the input emptied it before it was read past its first 4 KiB: a few rows
    /// validated, no error, and the data gone.
    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputKept() throws IOException {
        String content = HEADER + ROW.repeat(1_000);
        Path data = file("data.csv", content);

        CliRun run = CliRun.of("validate", data.toString(), "--schema-name", "people", "-o", data.toString());

        assertOneErrorLine(run, "is also an input");
        assertEquals(content, Files.readString(data));
    }

    /// The engine refused a schema with lookups as an internal error naming an exception class.
    @Test
    void aSchemaWithLookupsIsRefusedInPlainWords() throws IOException {
        Path data = file("data.csv", "customer\nc1\n");
        Path schema = file("crm.json", """
                {"fields":[{"name":"customer","x-lookup":{"upstream":"crm","path":"/c/{value}"}}]}""");

        CliRun run = CliRun.of("validate", data.toString(), "--schema", schema.toString());

        assertOneErrorLine(run, "field 'customer' has an x-lookup");
    }

    /// With several files, an `-o` that cannot be opened was reported once per file.
    @Test
    void anOutputThatCannotBeOpenedIsReportedOnce() throws IOException {
        Path a = file("a.csv", HEADER + ROW);
        Path b = file("b.csv", HEADER + ROW);

        CliRun run = CliRun.of("validate", a.toString(), b.toString(), "--schema-name", "people",
                "-o", dir.resolve("no-such-folder").resolve("out.ndjson").toString());

        assertOneErrorLine(run, "cannot write");
    }

    /// Files may stand anywhere among the options. `--summary=true` sends the command line to
    /// picocli (the quick parser reads plain flags only), which took one file at index 0 and
    /// refused the next as an unmatched argument.
    @Test
    void filesAmongTheOptionsAreReadAlikeByBothParsers() throws IOException {
        Path a = file("a.csv", HEADER + ROW);
        Path b = file("b.csv", HEADER + ROW);

        CliRun quick = CliRun.of("validate", a.toString(), "--schema-name", "people", b.toString(), "--summary");
        CliRun picocli = CliRun.of("validate", a.toString(), "--schema-name", "people", b.toString(), "--summary=true");

        assertEquals(0, picocli.status(), picocli.stderr());
        assertEquals(stable(quick.stdout()), stable(picocli.stdout()));
        assertEquals(List.of("{\"file\":\"" + a + "\"}", "{\"file\":\"" + b + "\"}"),
                picocli.lines().stream().filter(line -> line.startsWith("{\"file\"")).toList());
    }

    /// `-o -` wrote a file named `-`; as for the inputs, `-` is the standard stream.
    @Test
    void anOutputOfDashIsStandardOutput() throws IOException {
        Path data = file("data.csv", HEADER + ROW);

        CliRun dash = CliRun.of("validate", data.toString(), "--schema-name", "people", "-o", "-");
        CliRun plain = CliRun.of("validate", data.toString(), "--schema-name", "people");

        assertEquals(0, dash.status(), dash.stderr());
        assertEquals(plain.stdout(), dash.stdout());
        assertFalse(Files.exists(Path.of("-")), "no file named -");
    }

    private static String stable(String ndjson) {
        return ndjson.replaceAll("\"elapsedMs\":[0-9.]+", "\"elapsedMs\":0");
    }
}
