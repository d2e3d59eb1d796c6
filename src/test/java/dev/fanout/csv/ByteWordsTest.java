package dev.fanout.csv;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/// [ByteWords]' promise, checked byte value by byte value: the lowest flag is exact (a borrow may
/// flag bytes above a true one, never one below), and no flag means no such byte.
class ByteWordsTest {
    /// The scans find the first special byte of eight by `firstFlaggedByte`: it must name the
    /// lowest flagged byte whatever is flagged above it.
    @Test
    void theLowestFlaggedByteIsFoundWhateverIsFlaggedAboveIt() {
        for (int k = 0; k < 8; k++) {
            for (int above = 0; above < 1 << (7 - k); above++) {
                long flags = 0x80L << (8 * k);
                for (int j = 0; j < 7 - k; j++) {
                    if ((above & 1 << j) != 0) {
                        flags |= 0x80L << (8 * (k + 1 + j));
                    }
                }
                assertEquals(k, ByteWords.firstFlaggedByte(flags), Long.toHexString(flags));
            }
        }
    }

    /// Every byte value at every place, below and above it bytes that are and are not zero: the
    /// lowest flag is the lowest zero byte.
    @Test
    void zeroBytesFlagsTheLowestZeroByteExactly() {
        for (int place = 0; place < 8; place++) {
            for (int value = 0; value < 256; value++) {
                for (long filler : new long[] {0x4141414141414141L, 0x0100FF01800001FFL, -1L, 0L}) {
                    long word = withByte(fillBelow(filler, place, 0x61), place, value);
                    assertEquals(lowest(word, b -> b == 0), lowestFlag(ByteWords.zeroBytes(word) & ByteWords.HIGH_BITS),
                            () -> Long.toHexString(word));
                }
            }
        }
    }

    /// As above for "below a bound", for every bound the callers use and every byte value
    /// (bytes of 0x80 and above are never below it).
    @Test
    void bytesBelowFlagsTheLowestByteBelowTheBoundExactly() {
        for (int bound : new int[] {0x0E, 0x20, 0x21, 0x01, 0x80}) {
            long boundWord = bound * ByteWords.ONES;
            for (int place = 0; place < 8; place++) {
                for (int value = 0; value < 256; value++) {
                    for (long filler : new long[] {0x4141414141414141L, 0x0100FF01800001FFL, -1L, 0L}) {
                        long word = withByte(fillBelow(filler, place, 0x7E), place, value);
                        int expected = lowest(word, b -> b < bound);
                        assertEquals(expected, lowestFlag(ByteWords.bytesBelow(word, boundWord) & ByteWords.HIGH_BITS),
                                () -> Integer.toHexString(bound) + " " + Long.toHexString(word));
                    }
                }
            }
        }
    }

    private interface BytePredicate {
        boolean test(int b);
    }

    /// `word` with the bytes below `place` set to `plain`, so that the byte at `place` and above
    /// decide.
    private static long fillBelow(long word, int place, int plain) {
        long out = word;
        for (int i = 0; i < place; i++) {
            out = withByte(out, i, plain);
        }
        return out;
    }

    private static long withByte(long word, int place, int value) {
        return word & ~(0xFFL << (8 * place)) | (long) value << (8 * place);
    }

    /// The place of the lowest byte that `which` holds for, or 8 for none.
    private static int lowest(long word, BytePredicate which) {
        for (int i = 0; i < 8; i++) {
            if (which.test((int) (word >>> (8 * i)) & 0xFF)) {
                return i;
            }
        }
        return 8;
    }

    private static int lowestFlag(long flags) {
        return flags == 0 ? 8 : ByteWords.firstFlaggedByte(flags);
    }
}
