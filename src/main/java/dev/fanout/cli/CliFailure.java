package dev.fanout.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/// A command failed for a reason the user can act on; the message is printed as `fanout: <message>`
/// and the command exits with `ExitStatus.Common.ERROR`. The message says what failed and on which file,
/// never how (no stack trace, no class names).
final class CliFailure extends RuntimeException {

    CliFailure(String message) {
        super(message);
    }

    CliFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /// A failure to `action` (e.g. "read the schema file") `path`, worded after the I/O error.
    static CliFailure io(String action, String path, IOException e) {
        String why = switch (e) {
            case NoSuchFileException _ -> "no such file";
            case AccessDeniedException _ -> "permission denied";
            case FileAlreadyExistsException _ -> "file already exists";
            case NotDirectoryException _ -> "not a directory";
            default -> e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        };
        return new CliFailure("cannot " + action + " " + path + ": " + why, e);
    }
}
