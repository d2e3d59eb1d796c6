package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// How a `fanout` process starts and ends, in a JVM of its own: `validate` and `infer` halt rather
/// than exit (`System.exit` first looks for a logging provider in every jar), which must lose
/// neither the exit status, nor output, nor a flight recording's dump on exit; `validate` loads
/// no picocli class on its common path; and standard error's terminal flag comes from the
/// launcher when it says.
class ProcessEndTest {
    @TempDir
    Path dir;

    @Test
    void validateEndsWithItsStatusAndAllItsOutput() throws Exception {
        Path csv = dir.resolve("people.csv");
        // 2,000 rows, one invalid (age 200): status 1, every line written before the halt.
        Files.writeString(csv, StatsCommandTest.people(2_000).replace("\n7,Name7,user7@example.org,30,",
                "\n7,Name7,user7@example.org,200,"));
        Path out = dir.resolve("out.ndjson");
        Ended ended = fanout(List.of(), "validate", csv.toString(), "--schema-name", "people", "-o", out.toString());
        assertEquals(ExitStatus.Validate.SOME_INVALID.code(), ended.status(), ended.stderr());
        assertEquals(2_000, Files.readAllLines(out).size());
        assertTrue(ended.stderr().contains("2000 rows, 1999 valid, 1 invalid"), ended.stderr());
        // To standard output too: the last line is there.
        Ended toStdout = fanout(List.of(), "validate", csv.toString(), "--schema-name", "people");
        assertEquals(2_000, toStdout.stdout().lines().count());
        assertTrue(toStdout.stdout().endsWith("\"row\":2000,\"line\":2001,\"valid\":true,"
                + "\"data\":{\"id\":2000,\"name\":\"Name2000\",\"email\":\"user2000@example.org\",\"age\":30,"
                + "\"city\":\"Here\"}}\n"), toStdout.stdout());
    }

    @Test
    void inferEndsWithItsSchemaWritten() throws Exception {
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, StatsCommandTest.people(50));
        Ended ended = fanout(List.of(), "infer", csv.toString());
        assertEquals(0, ended.status(), ended.stderr());
        assertTrue(ended.stdout().strip().endsWith("}"), ended.stdout());
        assertTrue(ended.stdout().contains("\"name\": \"email\""), ended.stdout());
    }

    @Test
    void aFlightRecordingIsStillDumpedOnExit() throws Exception {
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, StatsCommandTest.people(20));
        Path recording = dir.resolve("run.jfr");
        Ended ended = fanout(List.of("-XX:StartFlightRecording:filename=" + recording),
                "validate", csv.toString(), "--schema-name", "people", "--delimiter", ",", "-o", dir.resolve("out.ndjson").toString());
        assertEquals(0, ended.status(), ended.stderr());
        assertTrue(Files.size(recording) > 0, "the recording was not dumped");
    }

    /// The keys of `primaryKey` are held within the heap but 32 MB: 500,000 of them fit a 64 MB
    /// heap (the old map filled it at ~520,000); a 32 MB heap leaves 8 MB for them, and the run
    /// ends with `too_many_keys`, its status an error's, rather than out of memory.
    @Test
    void keysThatOutgrowTheHeapEndTheRunWithTooManyKeys() throws Exception {
        Path schema = Files.writeString(dir.resolve("keyed.json"),
                "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"}],\"primaryKey\":\"id\"}");
        var rows = new StringBuilder("id\n");
        for (int id = 1; id <= 500_000; id++) {
            rows.append(id).append('\n');
        }
        Path csv = Files.writeString(dir.resolve("ids.csv"), rows);
        Path out = dir.resolve("out.ndjson");
        Ended fits = fanout(List.of("-Xmx64m"), "validate", csv.toString(), "--schema", schema.toString(), "-o", out.toString());
        assertEquals(0, fits.status(), fits.stderr());
        assertTrue(fits.stderr().contains("500000 rows, 500000 valid, 0 invalid"), fits.stderr());
        Ended cut = fanout(List.of("-Xmx32m"), "validate", csv.toString(), "--schema", schema.toString(), "-o", out.toString());
        assertEquals(ExitStatus.Validate.ERROR.code(), cut.status(), cut.stderr());
        assertTrue(cut.stderr().contains("fanout: too_many_keys at row "), cut.stderr());
        assertTrue(cut.stderr().contains("the heap of 32 MiB leaves for them (a larger -Xmx"), cut.stderr());
        List<String> lines = Files.readAllLines(out);
        assertTrue(lines.getLast().startsWith("{\"error\":{\"code\":\"too_many_keys\""), lines.getLast());
        assertTrue(lines.size() > 100_000, "the rows before the cut were written: " + lines.size());
    }

    /// `validate`'s common path does not touch picocli: its classes cannot be in the AOT cache, and
    /// the class loader finds them only after opening every other jar of the class path (~20 ms of
    /// a 20-row run). A class that throws picocli's `ParameterException` itself loads it as it is
    /// verified; `UsageErrors` makes them instead. A `--delimiter` is read without picocli's
    /// converter interface (`Delimiters`).
    @Test
    void validateLoadsNoPicocliClassUnlessTheArgumentsAreWrong() throws Exception {
        Path csv = peopleFile();
        Ended ended = runLoadsNoPicocliClass("ValidateCommand", "validate", csv.toString(),
                "--schema-name", "people", "--delimiter", ",", "-o", dir.resolve("out.ndjson").toString());
        assertEquals(0, ended.status(), ended.stderr());
        usageErrorLoadsPicocli("fanout: invalid schema name 'no good'", "validate", csv.toString(), "--schema-name", "no good");
    }

    /// `infer`'s common path does not touch picocli either: with it, a 20-row `infer` took 0.35 s
    /// against 0.17 s.
    @Test
    void inferLoadsNoPicocliClassUnlessTheArgumentsAreWrong() throws Exception {
        Path csv = peopleFile();
        Ended ended = runLoadsNoPicocliClass("InferCommand", "infer", csv.toString(), "--delimiter", ",", "--sample-rows", "10");
        assertEquals(0, ended.status(), ended.stderr());
        assertTrue(ended.stdout().contains("\"fields\""), ended.stdout());
        usageErrorLoadsPicocli("fanout: --sample-rows must be at least 1, not 0", "infer", csv.toString(), "--sample-rows", "0");
    }

    /// Nor does `serve`'s: picocli took ~0.2 s of the gateway's start. A configuration file that
    /// does not exist ends the run right after the parse.
    @Test
    void serveLoadsNoPicocliClassUnlessTheArgumentsAreWrong() throws Exception {
        Path missing = dir.resolve("missing.yaml");
        Ended ended = runLoadsNoPicocliClass("ServeCommand", "serve", "--port", "0", "--host", "127.0.0.1",
                "--config", missing.toString());
        assertEquals(ExitStatus.Common.ERROR.code(), ended.status(), ended.stderr());
        assertEquals("fanout: config file " + missing + " does not exist", ended.stderr().strip());
        usageErrorLoadsPicocli("fanout: Invalid value for option '--port'", "serve", "--port", "http");
    }

    private Path peopleFile() throws IOException {
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, StatsCommandTest.people(20));
        return csv;
    }

    /// Runs `fanout ARGS`, which must load the class `command` of this package and no class of picocli.
    private Ended runLoadsNoPicocliClass(String command, String... args) throws IOException, InterruptedException {
        Path classes = dir.resolve("classes.log");
        Ended ended = fanout(List.of("-Xlog:class+load=info:file=" + classes), args);
        List<String> loaded = Files.readAllLines(classes);
        assertTrue(loaded.stream().anyMatch(line -> line.contains(" dev.fanout.cli." + command + " ")), "no class log");
        assertEquals(List.of(), loaded.stream().filter(line -> line.contains(" picocli.")).toList());
        return ended;
    }

    /// Runs `fanout ARGS`, a usage error: it still comes through picocli, with its message.
    private void usageErrorLoadsPicocli(String message, String... args) throws IOException, InterruptedException {
        Path classes = dir.resolve("classes.log");
        Ended wrong = fanout(List.of("-Xlog:class+load=info:file=" + classes), args);
        assertEquals(ExitStatus.Common.ERROR.code(), wrong.status(), wrong.stderr());
        assertTrue(wrong.stderr().startsWith(message), wrong.stderr());
        assertTrue(Files.readAllLines(classes).stream().anyMatch(line -> line.contains(" picocli.CommandLine$ParameterException ")));
    }

    @Test
    void onlyValidateAndInferHaltAndNotUnderARecording() {
        // This JVM records nothing: validate and infer may halt; the gateway and the rest exit.
        assertTrue(Main.mayHalt(new String[] {"validate", "x.csv"}));
        assertTrue(Main.mayHalt(new String[] {"infer", "x.csv"}));
        assertFalse(Main.mayHalt(new String[] {"serve"}));
        assertFalse(Main.mayHalt(new String[] {"bench", "--url", "http://127.0.0.1:1/"}));
        assertFalse(Main.mayHalt(new String[0]));
    }

    @Test
    void theLaunchersWordOnTheTerminalIsTaken() {
        String before = System.getProperty(Main.STDERR_TERMINAL_PROPERTY);
        try {
            System.setProperty(Main.STDERR_TERMINAL_PROPERTY, "true");
            assertTrue(Main.stderrIsTerminal());
            System.setProperty(Main.STDERR_TERMINAL_PROPERTY, "false");
            assertFalse(Main.stderrIsTerminal());
            // Without it, System.console() guesses: never a terminal under the test runner.
            System.clearProperty(Main.STDERR_TERMINAL_PROPERTY);
            assertFalse(Main.stderrIsTerminal());
        } finally {
            if (before == null) {
                System.clearProperty(Main.STDERR_TERMINAL_PROPERTY);
            } else {
                System.setProperty(Main.STDERR_TERMINAL_PROPERTY, before);
            }
        }
    }

    private record Ended(int status, String stdout, String stderr) {
    }

    /// Runs `fanout ARGS` in a JVM of its own with `jvmOptions` (at most 60 s).
    private Ended fanout(List<String> jvmOptions, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-preview");
        command.add("-Xmx128m");
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.fanout.cli.Main");
        command.addAll(List.of(args));
        Path stdout = dir.resolve("stdout.txt");
        Path stderr = dir.resolve("stderr.txt");
        Process process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("fanout did not end within 60 s");
        }
        return new Ended(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
