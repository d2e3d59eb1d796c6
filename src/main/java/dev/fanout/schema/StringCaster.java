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
final class StringCaster implements Caster {
    private final StringFormat format;

    StringCaster(StringFormat format) {
        this.format = format;
    }

    @Override
    public Object cast(String raw, List<Violation> violations) {
        switch (format) {
            case DEFAULT -> { }
            case EMAIL -> {
                if (!isEmail(raw)) {
                    violations.add(Violation.of(ErrorCode.FORMAT, raw, "is not a valid email address"));
                }
            }
            case URI -> {
                if (!isAbsoluteUri(raw)) {
                    violations.add(Violation.of(ErrorCode.FORMAT, raw,
                            "is not a valid URI (an absolute URI with a scheme is required)"));
                }
            }
            case UUID -> {
                if (!isUuid(raw)) {
                    violations.add(Violation.of(ErrorCode.FORMAT, raw,
                            "is not a valid UUID (8-4-4-4-12 hexadecimal digits)"));
                }
            }
        }
        return raw;
    }

    static boolean isEmail(String s) {
        int at = s.indexOf('@');
        if (at <= 0 || s.indexOf('@', at + 1) >= 0) {
            return false;
        }
        int labelLength = 0;
        int dots = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c == 0x7F || (c >= 0x80 && (Character.isWhitespace(c) || Character.isISOControl(c)))) {
                return false;
            }
            if (i <= at) {
                continue;
            }
            if (c == '.') {
                if (labelLength == 0) {
                    return false;
                }
                dots++;
                labelLength = 0;
            } else {
                labelLength++;
            }
        }
        return dots > 0 && labelLength > 0;
    }

    static boolean isAbsoluteUri(String s) {
        try {
            return new URI(s).isAbsolute();
        } catch (URISyntaxException e) {
            // Not a URI: that is the answer, not an error.
            return false;
        }
    }

    static boolean isUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean ok = (i == 8 || i == 13 || i == 18 || i == 23)
                    ? c == '-'
                    : (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
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
        };
    }
}
