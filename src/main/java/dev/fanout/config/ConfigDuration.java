package dev.fanout.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/// The text forms of a duration that the SPEC's "Configuration" section allows, shared by every
/// setting that takes one (the server's, each upstream's) and by `/v1/stats?window=`:
///
/// - ISO-8601, in any letter case: `PT0.5S`, `pt2s`, `P1D`;
/// - milliseconds, a whole number: `500ms`;
/// - seconds, a decimal number down to the nanosecond: `2s`, `0.25s`, `1.5s`;
/// - minutes, a whole number: `1m`.
///
/// White space around the text and between the number and its unit is ignored. A sign is
/// accepted, so `-1s` parses: whether a value must be positive is the caller's rule, stated with
/// the key. Stateless.
public final class ConfigDuration {
    private ConfigDuration() {
    }

    /// Parses one of the forms above.
    ///
    /// @throws IllegalArgumentException for anything else, quoting `text` (the caller adds the key)
    public static Duration parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("p")) {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            }
            if (t.endsWith("ms")) {
                return Duration.ofMillis(Long.parseLong(number(t, 2)));
            }
            if (t.endsWith("s")) {
                // BigDecimal, not double: "NaNs", "0x1p3s" or "2ds" are not durations, and 0.1s is exact.
                return Duration.ofNanos(new BigDecimal(number(t, 1)).movePointRight(9).longValueExact());
            }
            if (t.endsWith("m")) {
                return Duration.ofMinutes(Long.parseLong(number(t, 1)));
            }
        } catch (NumberFormatException | ArithmeticException | DateTimeParseException e) {
            throw notADuration(text, e);
        }
        throw notADuration(text, null);
    }

    private static String number(String text, int unitLength) {
        return text.substring(0, text.length() - unitLength).trim();
    }

    private static IllegalArgumentException notADuration(String text, @Nullable Exception cause) {
        return new IllegalArgumentException("'" + text + "' is not a duration (use PT0.5S, 500ms or 2s)", cause);
    }
}
