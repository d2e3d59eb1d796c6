package dev.fanout.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/// One in-process `fanout` invocation with captured streams: the production entry point, fed a
/// fake standard input and reading back standard output and error.
record CliRun(int status, String stdout, String stderr) {

    static CliRun of(String... args) {
        return with(InputStream.nullInputStream(), false, args);
    }

    static CliRun withStdin(String stdin, String... args) {
        return with(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), false, args);
    }

    static CliRun with(InputStream stdin, boolean stderrIsTerminal, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        try (var stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
                var stderr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int status = Main.run(args, new CliContext(stdin, stdout, stderr, stderrIsTerminal));
            return new CliRun(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    /// Standard output split into NDJSON lines.
    List<String> lines() {
        return stdout.lines().toList();
    }

    /// Standard error split into lines.
    List<String> errorLines() {
        return stderr.lines().toList();
    }
}
