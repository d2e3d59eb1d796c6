package dev.fanout.schema;

import dev.fanout.csv.ByteWords;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteOrder;
import java.util.List;

/// Casts `string` cells: every cell is a string, and the `email`, `uri` and `uuid` formats add a
/// shape check whose failure is a `format` violation. The typed value is the cell itself.
/// Immutable and thread-safe.
///
/// - `email`: exactly one `@`, a non-empty local part, a domain of two or more non-empty
///   dot-separated labels, and no whitespace or control characters anywhere. Deliberately
///   loose: whether an address exists is not knowable from its text.
/// - `uri`: parses as a `java.net.URI` and is absolute (has a scheme).
/// - `uuid`: `8-4-4-4-12` hexadecimal digits, either case, any version.
/// - `binary`: base64 as RFC 4648 writes it: the standard alphabet (`A-Z a-z 0-9 + /`), a length
///   that is a multiple of 4, and `=` padding only at the end (one or two). No whitespace or
///   line breaks, no URL-safe alphabet. The value stays the base64 text, not the bytes.
final class StringCaster implements Caster {
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final StringFormat format;

    StringCaster(StringFormat format) {
        this.format = format;
    }

    StringFormat format() {
        return format;
    }

    @Override
    public void cast(Cell cell, List<Violation> violations) {
        switch (format) {
            case DEFAULT -> { }
            case EMAIL -> {
                if (!isEmail(cell.bytes(), cell.start(), cell.end())) {
                    violations.add(Violation.of(ErrorCode.FORMAT, cell, "is not a valid email address"));
                }
            }
            case URI -> {
                if (!isAbsoluteUri(cell.text())) {
                    violations.add(Violation.of(ErrorCode.FORMAT, cell,
                            "is not a valid URI (an absolute URI with a scheme is required)"));
                }
            }
            case UUID -> {
                if (!isUuid(cell.bytes(), cell.start(), cell.end())) {
                    violations.add(Violation.of(ErrorCode.FORMAT, cell,
                            "is not a valid UUID (8-4-4-4-12 hexadecimal digits)"));
                }
            }
            case BINARY -> {
                if (!isBase64(cell.bytes(), cell.start(), cell.end())) {
                    violations.add(Violation.of(ErrorCode.FORMAT, cell,
                            "is not valid base64 (RFC 4648: A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4)"));
                }
            }
        }
    }

    /// The e-mail shape on UTF-8 bytes. A character is whitespace or a control character as
    /// `Character` says of its UTF-16 unit, which for a supplementary character (four bytes) is
    /// never. One pass: the local part up to the `@`, then the domain's labels, eight bytes at a
    /// time (bytewise, this was a tenth of the engine's CPU): the local part's words are skipped
    /// up to the first special byte (whitespace, a control character, `@`, DEL or part of a
    /// multi-byte character), the domain's words checked with their dots found in the word (the
    /// last one read past the cell, within the array, its extra bytes taken as letters); a byte
    /// at a time from a special byte in the domain, or where no word can be read.
    static boolean isEmail(byte[] b, int start, int end) {
        int i = start;
        // Local part: anything but whitespace, control characters and '@'.
        while (i + 8 <= end) {
            long special = specialBytes((long) LONGS.get(b, i));
            if (special != 0) {
                // The lowest flag is a special byte (only bytes above one can be flagged falsely).
                i += ByteWords.firstFlaggedByte(special);
                break;
            }
            i += 8;
        }
        while (i < end) {
            int c = b[i];
            if (c > ' ' && c != '@' && c != 0x7F) {
                i++;
            } else if (c < 0) {
                i = afterNonAscii(b, i);
                if (i < 0) {
                    return false;
                }
            } else {
                break;
            }
        }
        if (i == start || i == end || b[i] != '@') {
            return false;
        }
        i++;
        // Only whether they are zero matters: the current label's length and the dots so far.
        int labelLength = 0;
        int dots = 0;
        while (i < end && i + 8 <= b.length) {
            int left = end - i;
            long word = (long) LONGS.get(b, i);
            long lastBit = 0x8000000000000000L;
            if (left < 8) {
                long cell = (1L << 8 * left) - 1;
                word = word & cell | ~cell & 0x4141414141414141L;
                lastBit = 0x80L << 8 * (left - 1);
            }
            if (specialBytes(word) != 0) {
                break;
            }
            long dotBytes = dotBytes(word);
            // No empty label: no dot first after a dot or the '@', no two dots side by side.
            if (labelLength == 0 && (dotBytes & 0x80) != 0 || (dotBytes & dotBytes << 8) != 0) {
                return false;
            }
            if (dotBytes != 0) {
                dots++;
            }
            labelLength = (dotBytes & lastBit) != 0 ? 0 : 1;
            i += Math.min(left, 8);
        }
        while (i < end) {
            int c = b[i];
            if (c > ' ' && c != '.' && c != '@' && c != 0x7F) {
                labelLength++;
                i++;
            } else if (c == '.') {
                if (labelLength == 0) {
                    return false;
                }
                dots++;
                labelLength = 0;
                i++;
            } else if (c < 0) {
                i = afterNonAscii(b, i);
                if (i < 0) {
                    return false;
                }
                labelLength++;
            } else {
                return false;
            }
        }
        return dots > 0 && labelLength > 0;
    }

    /// Zero when no byte of `word` is below `!`, `@`, DEL or above DEL; else not (the high bits of
    /// the lowest such byte and perhaps of bytes above it).
    private static long specialBytes(long word) {
        // Small enough for C1 (the CLI's compiler) to inline, under 36 bytes of bytecode.
        return (ByteWords.bytesBelow(word, 0x2121212121212121L) | ByteWords.zeroBytes(word ^ 0x4040404040404040L)
                | ByteWords.zeroBytes(word ^ 0x7F7F7F7F7F7F7F7FL) | word) & ByteWords.HIGH_BITS;
    }

    /// The high bits of exactly the bytes of `word` that are dots; every byte below 0x80.
    private static long dotBytes(long word) {
        return ~((word ^ 0x2E2E2E2E2E2E2E2EL) + 0x7F7F7F7F7F7F7F7FL) & ByteWords.HIGH_BITS;
    }

    /// The index after the multi-byte character at `i`, or -1 when it is whitespace or a control character.
    private static int afterNonAscii(byte[] b, int i) {
        int c = b[i];
        int length = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : 4;
        if (length < 4) {
            int cp = length == 2 ? (c & 0x1F) << 6 | (b[i + 1] & 0x3F)
                    : (c & 0x0F) << 12 | (b[i + 1] & 0x3F) << 6 | (b[i + 2] & 0x3F);
            if (Character.isWhitespace(cp) || Character.isISOControl(cp)) {
                return -1;
            }
        }
        return i + length;
    }

    static boolean isAbsoluteUri(String s) {
        try {
            return new URI(s).isAbsolute();
        } catch (URISyntaxException e) {
            // Not a URI: that is the answer, not an error.
            return false;
        }
    }

    static boolean isUuid(byte[] b, int start, int end) {
        if (end - start != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            byte c = b[start + i];
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23)
                    ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static boolean isBase64(byte[] b, int start, int end) {
        int length = end - start;
        if (length % 4 != 0) {
            return false;
        }
        int padding = length > 0 && b[end - 1] == '=' ? (b[end - 2] == '=' ? 2 : 1) : 0;
        for (int i = start; i < end - padding; i++) {
            byte c = b[i];
            boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Object uniqueKey(Object typed) {
        return typed;
    }

    @Override
    public int compare(Object left, Object right) {
        throw new UnsupportedOperationException("strings have no order in this schema subset");
    }

    @Override
    public String describe() {
        return switch (format) {
            case DEFAULT -> "a string";
            case EMAIL -> "an email address";
            case URI -> "a URI";
            case UUID -> "a UUID";
            case BINARY -> "base64 binary";
        };
    }
}
