package dev.fanout.cli;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/// What a command may touch of its process: the standard streams, and whether stderr is a
/// terminal (which decides whether a progress line is drawn). Passed in so that tests run commands
/// in-process with their own streams. The streams are shared with the caller and never closed here.
record CliContext(InputStream stdin, PrintStream stdout, PrintStream stderr, boolean stderrIsTerminal) {
    /// The argument that names standard input instead of a file.
    static final String STDIN = "-";

    CliContext {
        Objects.requireNonNull(stdin, "stdin must not be null");
        Objects.requireNonNull(stdout, "stdout must not be null");
        Objects.requireNonNull(stderr, "stderr must not be null");
    }

    /// The size of the input [#openInput] opens, when it is a regular file; 0 otherwise (standard
    /// input, a pipe, a device).
    long inputSize(String fileOrDash) {
        if (STDIN.equals(fileOrDash)) {
            return 0;
        }
        try {
            // One stat, on every file's way to the engine.
            var attributes = Files.readAttributes(Path.of(fileOrDash), BasicFileAttributes.class);
            return attributes.isRegularFile() ? attributes.size() : 0;
        } catch (IOException | InvalidPathException e) {
            // Only a hint: openInput reports what is wrong with the input.
            return 0;
        }
    }

    /// Opens the CSV input named on the command line: standard input for `-` (closing the result
    /// leaves it open), else the file.
    ///
    /// @throws CliFailure when the file cannot be opened
    InputStream openInput(String fileOrDash) {
        if (STDIN.equals(fileOrDash)) {
            return new FilterInputStream(stdin) {
                @Override
                public void close() {
                    // Standard input belongs to the process, not to this command.
                }
            };
        }
        Path path = Path.of(fileOrDash);
        if (Files.isDirectory(path)) {
            throw new CliFailure("cannot read " + fileOrDash + ": it is a directory");
        }
        try {
            return Files.newInputStream(path);
        } catch (IOException e) {
            throw CliFailure.io("read", fileOrDash, e);
        }
    }
}
