package dev.fanout.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/// Reads a `--delimiter` value: one character, or the two-character escape `\t` for a tab (a
/// literal tab is awkward to type in a shell). Stateless and thread-safe.
final class DelimiterConverter implements ITypeConverter<Character> {
    @Override
    public Character convert(String value) {
        if ("\\t".equals(value) || "tab".equalsIgnoreCase(value)) {
            return '\t';
        }
        if (value.length() != 1) {
            throw new TypeConversionException("the delimiter must be one character (or \\t), not '" + value + "'");
        }
        char c = value.charAt(0);
        if (c == '"' || c == '\r' || c == '\n') {
            throw new TypeConversionException("the delimiter cannot be a quote or a line break");
        }
        return c;
    }
}
