package dev.fanout.output;

import java.io.OutputStream;
import java.util.Arrays;

/// A growable byte buffer that rendering writes into, with the few JSON encodings that row lines
/// need; the bytes are then handed on without copying. Not thread-safe.
public final class ByteSink extends OutputStream {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private byte[] bytes;
    private int size;
    private char[] scratch = new char[64];

    public ByteSink(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
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

    /// Appends text known to be ASCII (e.g. a JSON number's text), one byte per char.
    public void appendAscii(String ascii) {
        int n = ascii.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            bytes[size + i] = (byte) ascii.charAt(i);
        }
        size += n;
    }

    /// Appends a long in decimal.
    public void appendLong(long value) {
        if (value < 0) {
            if (value == Long.MIN_VALUE) {
                appendAscii(Long.toString(value));
                return;
            }
            write('-');
            value = -value;
        }
        ensure(20);
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        int end = size + digits;
        for (int i = end - 1; i >= size; i--) {
            bytes[i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        size = end;
    }

    /// Appends `text` as a JSON string: quoted, UTF-8, with `"`, `\` and control characters
    /// escaped the way Jackson does (`\n`, `\t`, `\r`, `\b`, `\f`, else a six-character `u00XX` escape).
    public void appendJsonString(String text) {
        int n = text.length();
        if (scratch.length < n) {
            scratch = new char[Math.max(n, scratch.length * 2)];
        }
        // Copying out the chars at once is much cheaper than charAt per char (no per-call checks).
        char[] chars = scratch;
        text.getChars(0, n, chars, 0);
        ensure(n + 2);
        byte[] b = bytes;
        int at = size;
        b[at++] = '"';
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
        ensure(1);
        bytes[size++] = '"';
    }

    /// The number of bytes written.
    public int size() {
        return size;
    }

    /// The backing array; only the first `size()` bytes are meaningful.
    public byte[] array() {
        return bytes;
    }

    /// A copy of the bytes written.
    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
        }
    }
}
