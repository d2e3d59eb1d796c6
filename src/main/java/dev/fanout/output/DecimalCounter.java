package dev.fanout.output;

/// A non-negative number kept as its decimal digits, for the `row` and `line` of consecutive row
/// lines: when the next number is one more than the last (nearly always), its digits are had by
/// incrementing the last ones in place rather than by dividing. Not thread-safe.
///
/// Numbers of up to eight digits (every row of a file of under 100 million) are kept in a `long`,
/// one digit a byte, and written with eight byte stores that the C2 compiler merges into one.
/// Kept in a byte array, they were copied out with an eight-byte read of a byte just stored on
/// its own, which the processor cannot forward from its store buffer: the two counters were
/// 3.6 % of `EngineBenchmark`'s samples and 4.8 % of the CLI's, most of it in that copy.
final class DecimalCounter {
    private static final int WORD_DIGITS = 8;

    /// Digits, most significant first, when there are more than eight.
    private final byte[] digits = new byte[24];
    /// Digits when there are at most eight: the most significant in the lowest byte.
    private long word;
    private int length;
    private long value = -2;

    /// Writes `next` in decimal at `at` in `dst` and returns where it ends. `dst` needs room for
    /// 24 bytes: eight are written whatever the number's length (the bytes past the digits land
    /// in room the caller reserved, and are written over after).
    int put(byte[] dst, int at, long next) {
        if (next != value + 1 || next <= 0 || !increment()) {
            render(next);
        }
        value = next;
        if (length <= WORD_DIGITS) {
            long w = word;
            dst[at] = (byte) w;
            dst[at + 1] = (byte) (w >>> 8);
            dst[at + 2] = (byte) (w >>> 16);
            dst[at + 3] = (byte) (w >>> 24);
            dst[at + 4] = (byte) (w >>> 32);
            dst[at + 5] = (byte) (w >>> 40);
            dst[at + 6] = (byte) (w >>> 48);
            dst[at + 7] = (byte) (w >>> 56);
        } else {
            System.arraycopy(digits, 0, dst, at, length);
        }
        return at + length;
    }

    /// Adds one to the digits; false when the result needs rendering (nine digits from eight).
    private boolean increment() {
        if (length > WORD_DIGITS) {
            incrementDigits();
            return true;
        }
        for (int shift = 8 * (length - 1); shift >= 0; shift -= 8) {
            if ((word >>> shift & 0xFF) != '9') {
                word += 1L << shift;
                return true;
            }
            // '9' -> '0', and carry on to the digit before.
            word -= (long) ('9' - '0') << shift;
        }
        if (length == WORD_DIGITS) {
            return false;
        }
        // 99…9 + 1: a leading one before the zeros.
        word = word << 8 | '1';
        length++;
        return true;
    }

    private void incrementDigits() {
        int i = length - 1;
        while (i >= 0 && digits[i] == '9') {
            digits[i] = '0';
            i--;
        }
        if (i >= 0) {
            digits[i]++;
            return;
        }
        // 99…9 + 1: one digit more.
        System.arraycopy(digits, 0, digits, 1, length);
        digits[0] = '1';
        length++;
    }

    private void render(long next) {
        if (next < 0) {
            throw new IllegalArgumentException("a row or line number is never negative: " + next);
        }
        String text = Long.toString(next);
        length = text.length();
        if (length <= WORD_DIGITS) {
            long w = 0;
            for (int i = length - 1; i >= 0; i--) {
                w = w << 8 | text.charAt(i);
            }
            word = w;
        } else {
            for (int i = 0; i < length; i++) {
                digits[i] = (byte) text.charAt(i);
            }
        }
    }
}
