package dev.fanout.cli;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/// picocli's converter for `--delimiter` ([Delimiters] reads the value). Stateless and thread-safe.
final class DelimiterConverter implements ITypeConverter<Character> {
    @Override
    public Character convert(String value) {
        try {
            return Delimiters.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
