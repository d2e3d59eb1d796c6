package dev.fanout.output;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DecimalCounterTest {
    @Test
    void consecutiveNumbersAcrossEveryCarryAreTheirDecimals() {
        var counter = new DecimalCounter();
        for (long n = 1; n <= 100_001; n++) {
            assertEquals(Long.toString(n), put(counter, n));
        }
    }

    @Property(tries = 300)
    void anySequenceOfNumbersIsWrittenAsDecimals(@ForAll @LongRange(min = 0, max = Long.MAX_VALUE - 10) long start,
            @ForAll boolean consecutive) {
        var counter = new DecimalCounter();
        long n = start;
        for (int i = 0; i < 5; i++) {
            assertEquals(Long.toString(n), put(counter, n));
            n = consecutive ? n + 1 : n / 3 + i;
        }
    }

    @Test
    void consecutiveNumbersFromEightToNineDigitsAndBack() {
        var counter = new DecimalCounter();
        for (long n = 99_999_990; n <= 100_000_010; n++) {
            assertEquals(Long.toString(n), put(counter, n));
        }
        for (long n = 9_999_998; n <= 10_000_002; n++) {
            assertEquals(Long.toString(n), put(counter, n));
        }
        for (long n = 999_999_999_999L; n <= 1_000_000_000_001L; n++) {
            assertEquals(Long.toString(n), put(counter, n));
        }
        assertEquals("7", put(counter, 7));
        assertEquals("8", put(counter, 8));
    }

    @Test
    void theLargestNumbersFit() {
        var counter = new DecimalCounter();
        assertEquals(Long.toString(999_999_999_999_999_999L), put(counter, 999_999_999_999_999_999L));
        assertEquals("1000000000000000000", put(counter, 1_000_000_000_000_000_000L));
        assertEquals(Long.toString(Long.MAX_VALUE), put(counter, Long.MAX_VALUE));
    }

    private static String put(DecimalCounter counter, long value) {
        byte[] out = new byte[32];
        int end = counter.put(out, 0, value);
        return new String(out, 0, end, StandardCharsets.US_ASCII);
    }
}
