package dev.fanout.output;

import dev.fanout.csv.ByteWords;
import dev.fanout.memory.BufferPool;
import java.io.OutputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/// A growable byte buffer that rendering writes into, with the few JSON encodings that row lines
/// need; the bytes are then handed on without copying. Not thread-safe.
public final class ByteSink extends OutputStream {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    /// The bytes a JSON string cannot hold as they are: control characters, `"` and `\`.
    private static final boolean[] NEEDS_ESCAPE = new boolean[256];

    static {
        for (int c = 0; c < 0x20; c++) {
            NEEDS_ESCAPE[c] = true;
        }
        NEEDS_ESCAPE['"'] = true;
        NEEDS_ESCAPE['\\'] = true;
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final byte[] DIGIT_PAIRS = new byte[200];

    static {
        for (int i = 0; i < 100; i++) {
            DIGIT_PAIRS[2 * i] = (byte) ('0' + i / 10);
            DIGIT_PAIRS[2 * i + 1] = (byte) ('0' + i % 10);
        }
    }

    private byte[] bytes;
    private int size;
    /// Where a larger array comes from, and the full one goes back to, when the sink grows;
    /// null for a sink of its own arrays.
    private final @Nullable BufferPool pool;
    /// For [#appendJsonString(String)], made on first use: most sinks only copy bytes.
    private char @Nullable [] scratch;

    public ByteSink(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
        pool = null;
    }

    /// A sink that writes into `buffer` first (a larger array replaces it when it is full).
    public ByteSink(byte[] buffer) {
        bytes = buffer;
        pool = null;
    }

    /// A sink that writes into `buffer`, taken from `pool`: when it is full, a larger array is
    /// taken from `pool` and `buffer` given back to it, so that whoever gives the sink's last
    /// array back returns every array the sink used. A rendered chunk that outgrew its first
    /// array otherwise left both to the collector, the larger one while the chunk was in flight:
    /// under uploads of invalid rows, whose lines outgrow the first guess, the gateway's heap
    /// filled with them (bench/RESULTS.md, "Issue 11, thirty-sixth pass").
    public ByteSink(byte[] buffer, BufferPool pool) {
        bytes = buffer;
        this.pool = pool;
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    /// Appends all of `b`.
    public void append(byte[] b) {
        write(b, 0, b.length);
    }

    /// Makes room for `more` bytes after [#size()] and returns the backing array, for writers
    /// that then write without checks ([#put], [#putJsonString]) and set [#size(int)].
    public byte[] reserve(int more) {
        ensure(more);
        return bytes;
    }

    /// Sets the number of bytes written, after writing into the array [#reserve] returned.
    public void size(int newSize) {
        // Objects.checkIndex rather than a test and a message of our own: small enough for C1
        // (the CLI's compiler) to inline, and every row line ends here.
        size = Objects.checkIndex(newSize, bytes.length + 1);
    }

    /// Writes all of `piece` at `at` (`dst` has room for it) and returns where it ends: the
    /// constant pieces of every row line. A plain `System.arraycopy`: copying eight bytes at a
    /// time through a `VarHandle` was as fast under C2 and ~10 % of `fanout validate`'s time
    /// slower under C1, the CLI's only compiler, which does not inline the unaligned accesses.
    public static int put(byte[] dst, int at, byte[] piece) {
        System.arraycopy(piece, 0, dst, at, piece.length);
        return at + piece.length;
    }

    /// Appends text known to be ASCII (e.g. a JSON number's text), one byte per char.
    public void appendAscii(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size + i] = (byte) ascii.charAt(i);
        }
        size += n;
    }

    /// Appends a long in decimal, two digits at a time.
    public void appendLong(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                appendAscii(Long.toString(value));
                return;
            }
            write('-');
            value = -value;
        }
        int digits = 1;
        for (long limit = 10; digits < 19 && value >= limit; limit *= 10) {
            digits++;
        }
        ensure(digits);
        byte[] b = bytes;
        int at = size + digits;
        size = at;
        while (value >= 100) {
            int pair = (int) (value % 100) * 2;
            value /= 100;
            b[--at] = DIGIT_PAIRS[pair + 1];
            b[--at] = DIGIT_PAIRS[pair];
        }
        if (value >= 10) {
            int pair = (int) value * 2;
            b[--at] = DIGIT_PAIRS[pair + 1];
            b[--at] = DIGIT_PAIRS[pair];
        } else {
            b[--at] = (byte) ('0' + value);
        }
    }

    /// Appends `text` as a JSON string: quoted, UTF-8, with `"`, `\` and control characters
    /// escaped the way Jackson does (`\n`, `\t`, `\r`, `\b`, `\f`, else a six-character `u00XX` escape).
    public void appendJsonString(String text) {
        ensure(1);
        bytes[size++] = '"';
        appendJsonChars(text);
        ensure(1);
        bytes[size++] = '"';
    }

    /// Appends `text` as the inside of a JSON string, as [#appendJsonString(String)] writes it
    /// between the quotes.
    public void appendJsonChars(String text) {
        int n = text.length();
        if (scratch == null || scratch.length < n) {
            scratch = new char[Math.max(n, scratch == null ? 64 : scratch.length * 2)];
        }
        // Copying out the chars at once is much cheaper than charAt per char (no per-call checks).
        char[] chars = scratch;
        text.getChars(0, n, chars, 0);
        ensure(n);
        byte[] b = bytes;
        int at = size;
        int i = 0;
        while (i < n) {
            // The common case: a run of plain ASCII, one byte per char, capacity already ensured.
            int room = b.length - at - 1;
            int stop = Math.min(n, i + room);
            while (i < stop) {
                char c = chars[i];
                if (c >= 0x80 || c < 0x20 || c == '"' || c == '\\') {
                    break;
                }
                b[at++] = (byte) c;
                i++;
            }
            if (i == n) {
                break;
            }
            size = at;
            ensure(12 + (n - i));
            b = bytes;
            char c = chars[i];
            if (c < 0x20 || c == '"' || c == '\\') {
                at = putEscape(b, at, c);
            } else if (c < 0x80) {
                b[at++] = (byte) c;
            } else if (c < 0x800) {
                b[at++] = (byte) (0xC0 | (c >> 6));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(chars[i + 1])) {
                int cp = Character.toCodePoint(c, chars[++i]);
                b[at++] = (byte) (0xF0 | (cp >> 18));
                b[at++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                b[at++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (cp & 0x3F));
            } else if (Character.isSurrogate(c)) {
                // A lone surrogate cannot be UTF-8; strict decoding never yields one, but be safe.
                b[at++] = (byte) 0xEF;
                b[at++] = (byte) 0xBF;
                b[at++] = (byte) 0xBD;
            } else {
                b[at++] = (byte) (0xE0 | (c >> 12));
                b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                b[at++] = (byte) (0x80 | (c & 0x3F));
            }
            i++;
        }
        size = at;
    }

    /// Appends the UTF-8 text `utf8[start, end)` as a JSON string: the same bytes as
    /// [#appendJsonString(String)] writes for that text.
    public void appendJsonString(byte[] utf8, int start, int end) {
        ensure(6 * (end - start) + 10);
        size = putJsonString(bytes, size, utf8, start, end);
    }

    /// Writes the UTF-8 text `utf8[start, end)` as a JSON string at `at` and returns where it
    /// ends; `dst` must have room for `6 * (end - start) + 10` bytes (every byte escaped, and
    /// a word's slack). Runs
    /// that need no escape (everything but `"`, `\` and control characters; multi-byte
    /// characters are copied as they are) are copied eight bytes at a time, with no decoding.
    public static int putJsonString(byte[] dst, int at, byte[] utf8, int start, int end) {
        byte[] b = dst;
        b[at++] = '"';
        int i = start;
        while (true) {
            while (i + 8 <= end) {
                long word = (long) LONGS.get(utf8, i);
                if (escapeBytes(word) != 0) {
                    break;
                }
                LONGS.set(b, at, word);
                i += 8;
                at += 8;
            }
            int left = end - i;
            if (left < 8 && i + 8 <= utf8.length) {
                // The last bytes, in one word read past the cell (bytes of the same array) and
                // written past the string (room reserved): only the cell's bytes are checked.
                long word = (long) LONGS.get(utf8, i);
                long mask = (1L << (8 * left)) - 1;
                if (escapeBytes(word & mask | ~mask & 0x4141414141414141L) == 0) {
                    LONGS.set(b, at, word);
                    at += left;
                    break;
                }
            }
            int stop = Math.min(end, i + 8);
            while (i < stop) {
                byte c = utf8[i];
                if (NEEDS_ESCAPE[c & 0xFF]) {
                    break;
                }
                b[at++] = c;
                i++;
            }
            if (i == end) {
                break;
            }
            if (i == stop) {
                continue;
            }
            at = putEscape(b, at, utf8[i++]);
        }
        b[at++] = '"';
        return at;
    }

    /// How many bytes [#putJsonString] writes for `utf8[start, end)`, quotes included.
    public static int jsonStringLength(byte[] utf8, int start, int end) {
        long length = 2L + (end - start);
        for (int i = start; i < end; i++) {
            int c = utf8[i] & 0xFF;
            if (NEEDS_ESCAPE[c]) {
                length += c == '"' || c == '\\' || c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f' ? 1 : 5;
            }
        }
        if (length > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("a JSON string of " + length + " bytes does not fit in an array");
        }
        return (int) length;
    }

    /// Copies `src[start, end)` (no more than the room reserved) to `dst` at `at` and returns
    /// where it ends: up to eight bytes as one word when `src` has a word there, else by
    /// `System.arraycopy`, whose call costs more than a short copy.
    public static int putBytes(byte[] dst, int at, byte[] src, int start, int end) {
        int length = end - start;
        if (length <= 8 && start + 8 <= src.length) {
            LONGS.set(dst, at, (long) LONGS.get(src, start));
        } else {
            System.arraycopy(src, start, dst, at, length);
        }
        return at + length;
    }

    /// Writes the escape of `c` (a control character, `"` or `\\`) at `at` the way Jackson does
    /// (`\\n`, `\\t`, `\\r`, `\\b`, `\\f`, else a six-character `u00XX` escape); returns where it ends.
    private static int putEscape(byte[] b, int at, int c) {
        b[at++] = '\\';
        switch (c) {
            case '"' -> b[at++] = '"';
            case '\\' -> b[at++] = '\\';
            case '\n' -> b[at++] = 'n';
            case '\r' -> b[at++] = 'r';
            case '\t' -> b[at++] = 't';
            case '\b' -> b[at++] = 'b';
            case '\f' -> b[at++] = 'f';
            default -> {
                b[at++] = 'u';
                b[at++] = '0';
                b[at++] = '0';
                b[at++] = HEX[c >> 4];
                b[at++] = HEX[c & 0xF];
            }
        }
        return at;
    }

    /// High bits where a byte of `word` is a control character, `"` or `\` (and perhaps above
    /// those), 0 when none is: the classic bit tricks for "some byte is less than n" and "some
    /// byte is zero", exact as a whole (bytes of 0x80 and above never match).
    ///
    /// Made of [ByteWords]' small methods, each inlined by C1 (the CLI's compiler): it runs once
    /// per eight bytes of every string, and as one method of 78 bytecodes it was a call each time.
    private static long escapeBytes(long word) {
        return (ByteWords.bytesBelow(word, 0x2020202020202020L) | ByteWords.zeroBytes(word ^ 0x2222222222222222L)
                | ByteWords.zeroBytes(word ^ 0x5C5C5C5C5C5C5C5CL)) & ByteWords.HIGH_BITS;
    }

    /// The number of bytes written.
    public int size() {
        return size;
    }

    /// The backing array; only the first `size()` bytes are meaningful.
    public byte[] array() {
        return bytes;
    }

    /// A copy of the bytes written at `[from, to)`.
    public byte[] copyOfRange(int from, int to) {
        Objects.checkFromToIndex(from, to, size);
        return Arrays.copyOfRange(bytes, from, to);
    }

    /// A copy of the bytes written.
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    // The check apart from the growing: small enough for C1 (the CLI's compiler) to inline, and
    // every row line reserves its room through it.
    private void ensure(int more) {
        if (size + more > bytes.length) {
            grow(more);
        }
    }

    private void grow(int more) {
        int length = Math.max(bytes.length * 2, size + more);
        if (pool == null) {
            bytes = Arrays.copyOf(bytes, length);
            return;
        }
        byte[] larger = pool.take(length);
        System.arraycopy(bytes, 0, larger, 0, size);
        pool.give(bytes);
        bytes = larger;
    }
}
