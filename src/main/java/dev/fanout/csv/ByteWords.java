package dev.fanout.csv;

/// Bit tricks on eight bytes read as one little-endian `long`, shared by the CSV reader, the
/// escaping of JSON strings and the e-mail check: the bytes that are zero, the bytes below a
/// bound, and the lowest byte flagged. The classic "some byte is zero / less than n" tricks: a
/// borrow can flag a byte above a true one, never below, so the lowest flag is exact.
///
/// Each method is a few bytecodes, under the 35 that C1 (the CLI's only compiler) inlines: they
/// run once per eight bytes of every cell.
public final class ByteWords {
    /// `0x01` in every byte: a byte value times this is that byte in every byte of a word.
    public static final long ONES = 0x0101010101010101L;
    /// The high bit of every byte: what the flag masks keep.
    public static final long HIGH_BITS = 0x8080808080808080L;

    private ByteWords() {
    }

    /// High bits where a byte of `x` is zero (and perhaps above those).
    public static long zeroBytes(long x) {
        return (x - ONES) & ~x;
    }

    /// High bits where a byte of `word` is below the byte that fills `bound` (`n * ONES`, `n` at
    /// most 0x80), and perhaps above those; bytes of 0x80 and above are not flagged.
    public static long bytesBelow(long word, long bound) {
        return (word - bound) & ~word;
    }

    /// The index (0-7, from the low end) of the lowest byte flagged in `flags`, whose only bits
    /// are the bytes' high bits. By a multiply rather than `Long.numberOfTrailingZeros`, which C1
    /// runs as Java code: the lowest flag, shifted to bit 0 of its byte, moves
    /// `0x0001020304050607` left by whole bytes so that the top byte is that byte's index.
    public static int firstFlaggedByte(long flags) {
        return (int) ((((flags & -flags) >>> 7) * 0x0001020304050607L) >>> 56);
    }
}
