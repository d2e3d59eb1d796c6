package dev.fanout.http1;

/// The grammar of a response head's lines (RFC 9112 section 4, RFC 9110 section 5.6), read in
/// place from a line buffer: the status line, field-name tokens, comma-separated lists of
/// tokens, decimal lengths and hex chunk sizes. Static methods over a byte range, so that
/// [ResponseFraming]'s line handling stays free of virtual calls and allocations; a value that
/// does not parse comes back as -1 (or false) and the framing says what was wrong.
final class HeadSyntax {
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 'a' + 'A'] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    private HeadSyntax() {
    }

    /// The status of `HTTP/1.0 NNN[ reason]` or `HTTP/1.1 NNN[ reason]` in `line[0, length)`, or -1.
    static int status(byte[] line, int length) {
        if (length < 12 || line[0] != 'H' || line[1] != 'T' || line[2] != 'T' || line[3] != 'P' || line[4] != '/'
                || line[5] != '1' || line[6] != '.' || (line[7] != '0' && line[7] != '1')
                || line[8] != ' ' || (length > 12 && line[12] != ' ')) {
            return -1;
        }
        int code = 0;
        for (int i = 9; i < 12; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            code = code * 10 + digit;
        }
        return code < 100 ? -1 : code;
    }

    /// Where the colon after a field name of token characters is in `line[0, length)`, or -1
    /// when the name is empty, holds a character outside `tchar` or has no colon after it.
    static int nameEnd(byte[] line, int length) {
        int colon = 0;
        while (colon < length && line[colon] != ':') {
            int b = line[colon];
            if (b < 0 || !TCHAR[b]) {
                return -1;
            }
            colon++;
        }
        return colon == 0 || colon == length ? -1 : colon;
    }

    /// Whether `line[from, to)` is `lowerCaseName`, ignoring ASCII case.
    static boolean nameIs(byte[] line, int from, int to, String lowerCaseName) {
        if (to - from != lowerCaseName.length()) {
            return false;
        }
        for (int i = 0; i < lowerCaseName.length(); i++) {
            int b = line[from + i];
            char expected = lowerCaseName.charAt(i);
            // Only letters fold: `b | 0x20` would also take a CR for the '-' of a name.
            if (b != expected && !(expected >= 'a' && expected <= 'z' && b == expected - ('a' - 'A'))) {
                return false;
            }
        }
        return true;
    }

    /// Whether the comma-separated list in `line[from, to)` has `lowerCaseToken`, ignoring case
    /// and the spaces around each entry.
    static boolean hasToken(byte[] line, int from, int to, String lowerCaseToken) {
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || line[i] == ',') {
                int a = start;
                int b = i;
                while (a < b && isSpace(line[a])) {
                    a++;
                }
                while (b > a && isSpace(line[b - 1])) {
                    b--;
                }
                if (nameIs(line, a, b, lowerCaseToken)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /// Whether the last entry of the comma-separated list in `line[from, to)` is `lowerCaseToken`.
    static boolean lastTokenIs(byte[] line, int from, int to, String lowerCaseToken) {
        int comma = from - 1;
        for (int i = from; i < to; i++) {
            if (line[i] == ',') {
                comma = i;
            }
        }
        return hasToken(line, comma + 1, to, lowerCaseToken);
    }

    /// The decimal number of 1 to `maxDigits` (at most 18) digits in `line[from, to)`, or -1.
    static long decimal(byte[] line, int from, int to, int maxDigits) {
        if (from == to || to - from > maxDigits) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = line[i] - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /// The chunk size in `line[0, length)`: 1 to 15 hex digits, then optionally spaces and `;`
    /// extensions (not read); or -1.
    static long chunkSize(byte[] line, int length) {
        int to = 0;
        while (to < length && line[to] != ';') {
            to++;
        }
        while (to > 0 && isSpace(line[to - 1])) {
            to--;
        }
        if (to == 0 || to > 15) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < to; i++) {
            int digit = Character.digit(line[i], 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    /// Optional whitespace (RFC 9110 section 5.6.3): a space or a tab.
    static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }
}
