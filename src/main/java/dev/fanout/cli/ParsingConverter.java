package dev.fanout.cli;

import java.util.function.Function;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/// A picocli converter over one of our own parsers (`Mode.parse`, `ConfigDuration.parse`, …):
/// the parser's `IllegalArgumentException` becomes picocli's conversion error, with the parser's
/// message, so the command line words a bad value as the configuration and the HTTP API do.
/// Picocli builds converters by class, so each value type has a small subclass naming its parser.
/// Stateless and thread-safe.
abstract class ParsingConverter<T> implements ITypeConverter<T> {
    private final Function<String, T> parse;

    ParsingConverter(Function<String, T> parse) {
        this.parse = parse;
    }

    @Override
    public final T convert(String value) {
        try {
            return parse.apply(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
