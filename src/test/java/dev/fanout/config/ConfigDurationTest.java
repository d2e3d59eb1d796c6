package dev.fanout.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/// Every form a duration setting accepts, and the look-alikes it refuses. The settings that take
/// durations (`ServerSettings`, `UpstreamSettings`, `?window=`) only test that they use this parser.
class ConfigDurationTest {
    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("PT0.5S", Duration.ofMillis(500)),
                Arguments.of("pt2s", Duration.ofSeconds(2)),
                Arguments.of("PT1M30S", Duration.ofSeconds(90)),
                Arguments.of("P1D", Duration.ofDays(1)),
                Arguments.of(" PT10S ", Duration.ofSeconds(10)),
                Arguments.of("500ms", Duration.ofMillis(500)),
                Arguments.of("0ms", Duration.ZERO),
                Arguments.of("250 ms", Duration.ofMillis(250)),
                Arguments.of("500MS", Duration.ofMillis(500)),
                Arguments.of("2s", Duration.ofSeconds(2)),
                Arguments.of("0.25s", Duration.ofMillis(250)),
                Arguments.of("1.5 s", Duration.ofMillis(1500)),
                Arguments.of("0.000000001s", Duration.ofNanos(1)),
                Arguments.of("1m", Duration.ofMinutes(1)),
                Arguments.of("-1s", Duration.ofSeconds(-1)));
    }

    @ParameterizedTest(name = "\"{0}\" → {1}")
    @MethodSource("accepted")
    void parsesIsoMillisSecondsAndMinutes(String text, Duration expected) {
        assertEquals(expected, ConfigDuration.parse(text));
    }

    static Stream<String> rejected() {
        return Stream.of("", " ", "2", "soon", "s", "ms", "P", "PT", "2 seconds", "2h", "1.5ms", "1.5m",
                "0.0000000001s", "NaNs", "Infinitys", "0x1p3s", "2ds", "9223372036854775808ms",
                "999999999999999999m");
    }

    @ParameterizedTest(name = "\"{0}\"")
    @MethodSource("rejected")
    void rejectsAnythingElseQuotingTheText(String text) {
        var e = assertThrows(IllegalArgumentException.class, () -> ConfigDuration.parse(text));
        assertEquals("'" + text + "' is not a duration (use PT0.5S, 500ms or 2s)", e.getMessage());
    }
}
