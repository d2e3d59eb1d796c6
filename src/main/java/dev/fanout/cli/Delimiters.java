package dev.fanout.cli;

/// Reads a `--delimiter` value: one character, or the two-character escape `\t` (or `tab`) for a
/// tab, which is awkward to type in a shell. Apart from [DelimiterConverter] so that the commands'
/// quick parses ([QuickArguments]) read it without loading picocli's converter interface.
final class Delimiters {
    private Delimiters() {
    }

    /// The delimiter `value` names.
    ///
    /// @throws IllegalArgumentException when it names none, with a message for the user
    static char parse(String value) {
        if ("\\t".equals(value) || "tab".equalsIgnoreCase(value)) {
            return '\t';
        }
        if (value.length() != 1) {
            throw new IllegalArgumentException("the delimiter must be one character (or \\t), not '" + value + "'");
        }
        char c = value.charAt(0);
        if (c == '"' || c == '\r' || c == '\n') {
            throw new IllegalArgumentException("the delimiter cannot be a quote or a line break");
        }
        return c;
    }
}
