package dev.fanout.schema;

import java.net.URI;
import java.net.URISyntaxException;
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
                    violations.add(Violation.of(ErrorCode.FORMAT, cell.text(), "is not a valid email address"));
                }
            }
            case URI -> {
                if (!isAbsoluteUri(cell.text())) {
                    violations.add(Violation.of(ErrorCode.FORMAT, cell.text(),
                            "is not a valid URI (an absolute URI with a scheme is required)"));
                }
            }
            case UUID -> {
                if (!isUuid(cell.bytes(), cell.start(), cell.end())) {
                    violations.add(Violation.of(ErrorCode.FORMAT, cell.text(),
                            "is not a valid UUID (8-4-4-4-12 hexadecimal digits)"));
                }
            }
            case BINARY -> {
                if (!isBase64(cell.bytes(), cell.start(), cell.end())) {
                    violations.add(Violation.of(ErrorCode.FORMAT, cell.text(),
                            "is not valid base64 (RFC 4648: A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4)"));
                }
            }
        }
    }

    /// The e-mail shape on UTF-8 bytes. A character is whitespace or a control character as
    /// `Character` says of its UTF-16 unit, which for a supplementary character (four bytes) is
    /// never. One pass: the local part up to the `@`, then the domain's labels.
    static boolean isEmail(byte[] b, int start, int end) {
        int i = start;
        // Local part: anything but whitespace, control characters and '@'.
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
        int labelLength = 0;
        int dots = 0;
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
