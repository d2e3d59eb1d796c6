package dev.fanout.bench;

/// Tells whether a response body, fed in pieces as it arrives, is a complete NDJSON answer of the
/// gateway: every line exactly one JSON object, `{` first and its `}` right before the newline,
/// no `{"error":…}` line (the gateway's sign that the stream broke off), and — when the request
/// asked for `summary=true` — a summary line last. A truncated body, a broken line or an error
/// line all make it malformed.
///
/// A byte-at-a-time state machine over the JSON grammar (RFC 8259: objects, arrays, strings with
/// every escape, numbers, literals; UTF-8 validity is not checked), so the answer and its reason
/// never depend on where the network cut the body, nothing is buffered, and a 4 KB answer costs a
/// few microseconds: the generator must not be what a benchmark measures. (Jackson's non-blocking
/// parser did the same job at half of the generator's CPU, and takes `{"a":1,}` when the input is
/// cut right after the comma.) One instance checks one body; not thread-safe.
final class NdjsonCheck {
    // What the next byte may be.
    private static final int LINE_START = 0;     // depth 0: '{' opens a line; the body may end here
    private static final int AFTER_ROOT = 1;     // depth 0: the line's object closed; '\n' must follow
    private static final int KEY_OR_END = 2;     // after '{': a name or '}'
    private static final int KEY = 3;            // after ',' in an object: a name
    private static final int COLON = 5;          // after a name: ':'
    private static final int VALUE = 6;          // after ':' or ',' in an array: a value
    private static final int VALUE_OR_END = 7;   // after '[': a value or ']'
    private static final int IN_STRING = 8;
    private static final int NUMBER = 9;         // inside a number; see numberState
    private static final int LITERAL = 10;       // inside true/false/null
    private static final int AFTER_VALUE = 11;   // ',' or the closing bracket of the container

    // Number sub-states, after: '-', leading '0', integer digits, '.', fraction digits, 'e',
    // exponent sign, exponent digits. Only ZERO, INT, FRAC and EXP may end a number.
    private static final int N_MINUS = 0;
    private static final int N_ZERO = 1;
    private static final int N_INT = 2;
    private static final int N_DOT = 3;
    private static final int N_FRAC = 4;
    private static final int N_E = 5;
    private static final int N_E_SIGN = 6;
    private static final int N_EXP = 7;

    private static final int MAX_DEPTH = 512;
    private static final byte[] TRUE = {'t', 'r', 'u', 'e'};
    private static final byte[] FALSE = {'f', 'a', 'l', 's', 'e'};
    private static final byte[] NULL = {'n', 'u', 'l', 'l'};
    private static final long ERROR_KEY = pack("error");
    private static final long SUMMARY_KEY = pack("summary");

    private final boolean expectSummary;
    // Open containers, innermost last: '{' or '['.
    private final byte[] stack = new byte[MAX_DEPTH];
    private int depth;
    private int state = LINE_START;
    private int numberState;
    private byte[] literal;
    private int literalIndex;
    // Inside a string: whether it is a name, and whether it is a name of the line's object (to
    // capture); after a backslash; hex digits of a \\u escape still due.
    private boolean inName;
    private boolean capture;
    private boolean escape;
    private int hexDue;
    // The first 8 bytes of a name of the line's object, to spot "error" and "summary".
    private long key;
    private int keyLength;
    private boolean keyEscaped;
    private long lines;
    private boolean lastWasSummary;
    private String problem;

    NdjsonCheck(boolean expectSummary) {
        this.expectSummary = expectSummary;
    }

    /// Checks the next `length` bytes of the body at `offset` of `bytes`.
    void feed(byte[] bytes, int offset, int length) {
        int end = offset + length;
        for (int i = offset; i < end && problem == null; i++) {
            if (state == IN_STRING && !escape && hexDue == 0) {
                // The hot loop: most of a body is string content.
                while (i < end) {
                    int b = bytes[i] & 0xff;
                    if (b == '"' || b == '\\' || b < 0x20) {
                        break;
                    }
                    if (capture) {
                        keyByte(b);
                    }
                    i++;
                }
                if (i == end) {
                    break;
                }
            }
            step(bytes[i] & 0xff);
        }
    }

    /// Ends the body; returns why it is not a complete answer, or `null` when it is.
    String finish() {
        if (problem == null) {
            if (state == AFTER_ROOT) {
                problem = "the last line has no newline";
            } else if (state != LINE_START) {
                problem = "the body ends inside a JSON object";
            } else if (expectSummary && !lastWasSummary) {
                problem = "no summary line at the end";
            }
        }
        return problem;
    }

    private void step(int b) {
        switch (state) {
            case LINE_START -> {
                if (b == '{') {
                    lines++;
                    lastWasSummary = false;
                    open(b);
                    state = KEY_OR_END;
                } else if (b == '\n') {
                    fail("line " + (lines + 1) + " is blank");
                } else {
                    fail("line " + (lines + 1) + " does not start with '{'");
                }
            }
            case AFTER_ROOT -> {
                if (b == '\n') {
                    state = LINE_START;
                } else {
                    fail("line " + lines + " goes on after its object");
                }
            }
            case KEY_OR_END, KEY -> {
                if (b == '"') {
                    startString(true);
                } else if (b == '}' && state == KEY_OR_END) {
                    close(b);
                } else if (!blank(b)) {
                    fail(unexpected(b, "a name"));
                }
            }
            case IN_STRING -> string(b);
            case COLON -> {
                if (b == ':') {
                    state = VALUE;
                } else if (!blank(b)) {
                    fail(unexpected(b, "':'"));
                }
            }
            case VALUE, VALUE_OR_END -> {
                if (b == ']' && state == VALUE_OR_END) {
                    close(b);
                } else if (!blank(b)) {
                    startValue(b);
                }
            }
            case NUMBER -> number(b);
            case LITERAL -> {
                if (b != literal[literalIndex]) {
                    fail(unexpected(b, "'" + (char) literal[literalIndex] + "'"));
                } else if (++literalIndex == literal.length) {
                    state = AFTER_VALUE;
                }
            }
            case AFTER_VALUE -> afterValue(b);
            default -> throw new IllegalStateException("state " + state);
        }
    }

    private void startValue(int b) {
        switch (b) {
            case '{' -> {
                open(b);
                state = KEY_OR_END;
            }
            case '[' -> {
                open(b);
                state = VALUE_OR_END;
            }
            case '"' -> startString(false);
            case 't' -> startLiteral(TRUE);
            case 'f' -> startLiteral(FALSE);
            case 'n' -> startLiteral(NULL);
            case '-' -> startNumber(N_MINUS);
            case '0' -> startNumber(N_ZERO);
            default -> {
                if (b >= '1' && b <= '9') {
                    startNumber(N_INT);
                } else {
                    fail(unexpected(b, "a value"));
                }
            }
        }
    }

    private void afterValue(int b) {
        if (b == ',') {
            state = stack[depth - 1] == '{' ? KEY : VALUE;
        } else if (b == '}' || b == ']') {
            close(b);
        } else if (!blank(b)) {
            fail(unexpected(b, "',' or a closing bracket"));
        }
    }

    private void string(int b) {
        if (escape) {
            escape = false;
            switch (b) {
                case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
                case 'u' -> hexDue = 4;
                default -> fail("not JSON: a bad escape '\\" + (char) b + "'");
            }
            keyEscaped |= capture;
        } else if (hexDue > 0) {
            if (Character.digit(b, 16) < 0) {
                fail("not JSON: a bad \\u escape");
            }
            hexDue--;
        } else if (b == '"') {
            if (capture) {
                endKey();
            }
            state = inName ? COLON : AFTER_VALUE;
        } else if (b == '\\') {
            escape = true;
        } else if (b < 0x20) {
            fail(b == '\n' ? "line " + lines + " ends inside a string" : "not JSON: a control character in a string");
        } else if (capture) {
            keyByte(b);
        }
    }

    private void number(int b) {
        boolean digit = b >= '0' && b <= '9';
        switch (numberState) {
            case N_MINUS -> digitOr(b, b == '0' ? N_ZERO : N_INT);
            case N_ZERO, N_INT -> {
                if (digit && numberState == N_INT) {
                    return;
                }
                if (b == '.') {
                    numberState = N_DOT;
                } else if (b == 'e' || b == 'E') {
                    numberState = N_E;
                } else if (digit) {
                    fail("not JSON: a number with a leading zero");
                } else {
                    endNumber(b);
                }
            }
            case N_DOT -> digitOr(b, N_FRAC);
            case N_FRAC -> {
                if (b == 'e' || b == 'E') {
                    numberState = N_E;
                } else if (!digit) {
                    endNumber(b);
                }
            }
            case N_E -> {
                if (b == '+' || b == '-') {
                    numberState = N_E_SIGN;
                } else {
                    digitOr(b, N_EXP);
                }
            }
            case N_E_SIGN -> digitOr(b, N_EXP);
            case N_EXP -> {
                if (!digit) {
                    endNumber(b);
                }
            }
            default -> throw new IllegalStateException("number state " + numberState);
        }
    }

    /// A digit must come: then the number goes on in `next`.
    private void digitOr(int b, int next) {
        if (b >= '0' && b <= '9') {
            numberState = next;
        } else {
            fail(unexpected(b, "a digit"));
        }
    }

    /// `b` ended a number: it is the first byte after the value.
    private void endNumber(int b) {
        state = AFTER_VALUE;
        afterValue(b);
    }

    private void open(int bracket) {
        if (depth == MAX_DEPTH) {
            fail("JSON nested deeper than " + MAX_DEPTH);
            return;
        }
        stack[depth++] = (byte) bracket;
    }

    private void close(int bracket) {
        byte open = stack[depth - 1];
        if ((open == '{') != (bracket == '}')) {
            fail("not JSON: '" + (char) bracket + "' closes '" + (char) open + "'");
            return;
        }
        depth--;
        state = depth == 0 ? AFTER_ROOT : AFTER_VALUE;
    }

    private void startString(boolean name) {
        state = IN_STRING;
        inName = name;
        capture = name && depth == 1;
        key = 0;
        keyLength = 0;
        keyEscaped = false;
    }

    private void startLiteral(byte[] word) {
        literal = word;
        literalIndex = 1;
        state = LITERAL;
    }

    private void startNumber(int first) {
        numberState = first;
        state = NUMBER;
    }

    private void keyByte(int b) {
        if (keyLength < 8) {
            key = key << 8 | b;
        }
        keyLength++;
    }

    private void endKey() {
        if (keyEscaped || keyLength > 8) {
            return;
        }
        if (key == ERROR_KEY && keyLength == 5) {
            fail("the stream ended with an error line");
        } else if (key == SUMMARY_KEY && keyLength == 7) {
            lastWasSummary = true;
        }
    }

    private static long pack(String name) {
        long packed = 0;
        for (int i = 0; i < name.length(); i++) {
            packed = packed << 8 | name.charAt(i);
        }
        return packed;
    }

    private static boolean blank(int b) {
        return b == ' ' || b == '\t' || b == '\r';
    }

    private void fail(String reason) {
        if (problem == null) {
            problem = reason;
        }
    }

    private String unexpected(int b, String expected) {
        String what = b == '\n' ? "the end of line " + lines : "'" + (char) b + "'";
        return "not JSON: " + what + " where " + expected + " was due";
    }
}
