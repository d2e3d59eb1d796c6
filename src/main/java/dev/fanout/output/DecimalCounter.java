package dev.fanout.output;

/// A non-negative number kept as its decimal digits, for the `row` and `line` of consecutive row
/// lines: when the next number is one more than the last (nearly always), its digits are had by
/// incrementing the last ones in place rather than by dividing. Not thread-safe.
final class DecimalCounter {
    /// Digits, most significant first, in `digits[0, length)`.
    private final byte[] digits = new byte[24];
    private int length;
    private long value = -2;

    /// Writes `next` in decimal at `at` in `dst` and returns where it ends. `dst` needs room for
    /// 24 bytes: up to eight are written whatever the number's length.
    int put(byte[] dst, int at, long next) {
        if (next == value + 1 && next > 0) {
            increment();
        } else {
            render(next);
        }
        value = next;
        if (length <= 8) {
            // A copy of constant length is a single move under C2 (a call otherwise); the bytes
            // past the digits land in room the caller reserved, and are written over after.
            System.arraycopy(digits, 0, dst, at, 8);
        } else {
            System.arraycopy(digits, 0, dst, at, length);
        }
        return at + length;
    }

    private void increment() {
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
        for (int i = 0; i < length; i++) {
            digits[i] = (byte) text.charAt(i);
        }
    }
}
