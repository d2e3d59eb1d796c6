package dev.fanout.schema;

import dev.fanout.schema.JsonValue.Arr;
import dev.fanout.schema.JsonValue.Bool;
import dev.fanout.schema.JsonValue.Null;
import dev.fanout.schema.JsonValue.Num;
import dev.fanout.schema.JsonValue.Obj;
import dev.fanout.schema.JsonValue.Str;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Reads one JSON document (RFC 8259, UTF-8, a byte-order mark skipped) into [JsonValue]s as
/// strictly as jackson-core's defaults do — no comments, `NaN`, leading zeros, single quotes or
/// trailing commas; duplicate keys and anything after the document refused; nesting at most 1,000
/// deep and numbers at most 1,000 characters long — and more strictly in two places: strings must
/// be well-formed UTF-8 (jackson-core decodes overlong forms and encoded surrogates) and may not
/// hold an unpaired surrogate (which no UTF-8 text can carry, nor any cell match). Integers are
/// read as `BigInteger`, other numbers as `BigDecimal` without trailing zeros, as databind's tree
/// reads them.
///
/// Ours rather than jackson-core's parser because every jackson-core parser initializes
/// `BigDecimal` (its base class holds `BigDecimal` constants), and JDK 25's `BigDecimal`
/// initializer computes 5^65536 in the interpreter: ~12 ms at the start of every
/// `fanout validate`, a seventh of a 20-row run, though a schema without decimals needs no
/// `BigDecimal` at all (bench/RESULTS.md, issue 11). One reader per document; not thread-safe.
final class JsonReader {
    /// jackson-core's default nesting limit: deeper documents are refused, not a stack overflow.
    static final int MAX_DEPTH = 1000;
    /// jackson-core's default number length: a longer number is refused rather than parsed.
    static final int MAX_NUMBER_LENGTH = 1000;

    private final byte[] in;
    private final int maxValues;
    private int values;
    private int pos;
    private int depth;

    private JsonReader(byte[] in, int maxValues) {
        this.in = in;
        this.maxValues = maxValues;
    }

    /// The document in `json`, or [JsonValue#MISSING] when it holds nothing but white space;
    /// duplicate keys and content after the document are errors.
    ///
    /// @throws MalformedJsonException when the bytes are not one JSON document
    static JsonValue read(byte[] json) throws MalformedJsonException {
        return read(json, Integer.MAX_VALUE);
    }

    /// As [#read(byte[])], refusing a document of more than `maxValues` values (objects, arrays,
    /// strings, numbers and literals, at any depth): its tree takes ~80 bytes a value.
    ///
    /// @throws TooManyValuesException when the document holds more values
    static JsonValue read(byte[] json, int maxValues) throws MalformedJsonException {
        var reader = new JsonReader(json, maxValues);
        if (json.length >= 3 && json[0] == (byte) 0xEF && json[1] == (byte) 0xBB && json[2] == (byte) 0xBF) {
            reader.pos = 3;
        }
        reader.skipSpace();
        if (reader.pos == json.length) {
            return JsonValue.MISSING;
        }
        JsonValue value = reader.value();
        reader.skipSpace();
        if (reader.pos < json.length) {
            throw reader.unexpected("after the document");
        }
        return value;
    }

    private JsonValue value() throws MalformedJsonException {
        if (pos == in.length) {
            throw endOfInput("expected a value");
        }
        if (++values > maxValues) {
            throw new TooManyValuesException(maxValues, in, pos);
        }
        return switch (in[pos]) {
            case '{' -> object();
            case '[' -> array();
            case '"' -> new Str(string());
            case 't' -> literal("true", new Bool(true));
            case 'f' -> literal("false", new Bool(false));
            case 'n' -> literal("null", new Null());
            case '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9' -> number();
            default -> throw unexpected("expected a value");
        };
    }

    private Obj object() throws MalformedJsonException {
        enter();
        Map<String, JsonValue> members = new LinkedHashMap<>();
        if (closes('}')) {
            return new Obj(members);
        }
        while (true) {
            skipSpace();
            if (pos == in.length) {
                throw endOfInput("expected a field name");
            }
            if (in[pos] != '"') {
                throw in[pos] == ']' ? closeMarker('}') : unexpected("expected a double-quoted field name");
            }
            String name = string();
            if (members.containsKey(name)) {
                throw new MalformedJsonException("Duplicate field '" + name + "'", in, pos);
            }
            skipSpace();
            if (pos == in.length) {
                throw endOfInput("expected ':'");
            }
            if (in[pos] != ':') {
                throw unexpected("expected ':' after a field name");
            }
            pos++;
            skipSpace();
            members.put(name, value());
            if (endOf('}')) {
                return new Obj(members);
            }
        }
    }

    private Arr array() throws MalformedJsonException {
        enter();
        List<JsonValue> items = new ArrayList<>();
        if (closes(']')) {
            return new Arr(items);
        }
        while (true) {
            skipSpace();
            if (pos < in.length && in[pos] == '}') {
                throw closeMarker(']');
            }
            items.add(value());
            if (endOf(']')) {
                return new Arr(items);
            }
        }
    }

    private void enter() throws MalformedJsonException {
        if (++depth > MAX_DEPTH) {
            throw new MalformedJsonException("Document nesting depth exceeds the maximum allowed ("
                    + MAX_DEPTH + ")", in, pos);
        }
        pos++;
    }

    /// After a member or an item: true past the `close` that ends its container, false past the
    /// comma before the next one.
    private boolean endOf(char close) throws MalformedJsonException {
        if (closes(close)) {
            return true;
        }
        if (pos == in.length) {
            throw endOfInput("expected ',' or '" + close + "'");
        }
        byte b = in[pos];
        if (b == ',') {
            pos++;
            return false;
        }
        throw b == '}' || b == ']' ? closeMarker(close) : unexpected("expected ',' or '" + close + "'");
    }

    /// Past white space and `close` when that comes next, leaving the container: true; else false,
    /// `pos` at the next non-blank byte.
    private boolean closes(char close) {
        skipSpace();
        if (pos < in.length && in[pos] == close) {
            pos++;
            depth--;
            return true;
        }
        return false;
    }

    private JsonValue literal(String word, JsonValue value) throws MalformedJsonException {
        for (int i = 0; i < word.length(); i++, pos++) {
            if (pos == in.length) {
                throw endOfInput("expected '" + word + "'");
            }
            if (in[pos] != word.charAt(i)) {
                throw unexpected("expected '" + word + "'");
            }
        }
        return value;
    }

    private Num number() throws MalformedJsonException {
        int start = pos;
        if (in[pos] == '-') {
            pos++;
        }
        if (pos < in.length && in[pos] == '0') {
            pos++;
            if (pos < in.length && isDigit(in[pos])) {
                throw new MalformedJsonException("Leading zeros are not allowed in a number", in, pos);
            }
        } else {
            digits("expected a digit");
        }
        boolean integral = true;
        if (pos < in.length && in[pos] == '.') {
            pos++;
            digits("expected a digit after the decimal point");
            integral = false;
        }
        if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (pos < in.length && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            digits("expected a digit in the exponent");
            integral = false;
        }
        int length = pos - start;
        if (length > MAX_NUMBER_LENGTH) {
            throw new MalformedJsonException("Number length (" + length + ") exceeds the maximum allowed ("
                    + MAX_NUMBER_LENGTH + ")", in, pos);
        }
        String text = new String(in, start, length, StandardCharsets.ISO_8859_1);
        if (integral) {
            return new Num(new BigInteger(text));
        }
        try {
            BigDecimal decimal = new BigDecimal(text);
            // As databind's tree does: decimals lose their trailing zeros.
            return new Num(decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros());
        } catch (NumberFormatException | ArithmeticException e) {
            // An exponent beyond an int, or one that stripping the zeros takes beyond it
            // (100e2147483647): no BigDecimal holds the number.
            throw new MalformedJsonException("A number's exponent is out of range", in, pos);
        }
    }

    /// One or more digits, or a problem saying `expected`.
    private void digits(String expected) throws MalformedJsonException {
        if (pos == in.length) {
            throw endOfInput(expected);
        }
        if (!isDigit(in[pos])) {
            throw unexpected(expected);
        }
        while (pos < in.length && isDigit(in[pos])) {
            pos++;
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /// The string that starts at `pos` (its opening quote), `pos` left past its closing quote.
    private String string() throws MalformedJsonException {
        int start = ++pos;
        // Most strings of a schema are ASCII without escapes: one pass, one copy. A signed byte
        // below 0x20 is a control character or a byte of a multi-byte sequence.
        for (int i = start; i < in.length; i++) {
            byte b = in[i];
            if (b == '"') {
                pos = i + 1;
                return new String(in, start, i - start, StandardCharsets.ISO_8859_1);
            }
            if (b == '\\' || b < 0x20) {
                break;
            }
        }
        var text = new StringBuilder();
        while (true) {
            if (pos == in.length) {
                throw endOfInput("expected the end of a string");
            }
            byte b = in[pos];
            if (b == '"') {
                pos++;
                return wellFormed(text.toString());
            }
            if (b == '\\') {
                escape(text);
            } else if (b >= 0x20) {
                text.append((char) b);
                pos++;
            } else if (b >= 0) {
                throw new MalformedJsonException("Illegal unescaped control character (code " + b
                        + ") in a string: it must be escaped", in, pos);
            } else {
                int codePoint = codePointAt();
                text.appendCodePoint(codePoint);
                pos += codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
            }
        }
    }

    private void escape(StringBuilder text) throws MalformedJsonException {
        if (++pos == in.length) {
            throw endOfInput("expected an escape");
        }
        byte b = in[pos++];
        switch (b) {
            case '"', '\\', '/' -> text.append((char) b);
            case 'b' -> text.append('\b');
            case 'f' -> text.append('\f');
            case 'n' -> text.append('\n');
            case 'r' -> text.append('\r');
            case 't' -> text.append('\t');
            case 'u' -> {
                int unit = 0;
                for (int i = 0; i < 4; i++, pos++) {
                    if (pos == in.length) {
                        throw endOfInput("expected a hex digit of a \\u escape");
                    }
                    int digit = Character.digit(in[pos], 16);
                    if (digit < 0) {
                        throw unexpected("expected a hex digit of a \\u escape");
                    }
                    unit = unit << 4 | digit;
                }
                text.append((char) unit);
            }
            default -> {
                pos--;
                throw unexpected("not an escape (\\\", \\\\, \\/, \\b, \\f, \\n, \\r, \\t or \\uXXXX)");
            }
        }
    }

    /// `text`, unless a `\\u` escape left a surrogate without its pair in it.
    private String wellFormed(String text) throws MalformedJsonException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new MalformedJsonException("A string holds an unpaired surrogate (\\u%04X)".formatted((int) c),
                        in, pos);
            }
        }
        return text;
    }

    /// The code point of the well-formed UTF-8 sequence at `pos` (a non-ASCII lead byte).
    private int codePointAt() throws MalformedJsonException {
        int lead = in[pos] & 0xFF;
        int length;
        int min;
        int codePoint;
        if (lead >= 0xC2 && lead <= 0xDF) {
            length = 2;
            min = 0x80;
            codePoint = lead & 0x1F;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            length = 3;
            min = 0x800;
            codePoint = lead & 0x0F;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            length = 4;
            min = 0x10000;
            codePoint = lead & 0x07;
        } else {
            throw invalidUtf8();
        }
        for (int i = 1; i < length; i++) {
            if (pos + i == in.length) {
                throw endOfInput("expected the rest of a UTF-8 sequence");
            }
            int next = in[pos + i] & 0xFF;
            if ((next & 0xC0) != 0x80) {
                throw invalidUtf8();
            }
            codePoint = codePoint << 6 | next & 0x3F;
        }
        if (codePoint < min || codePoint > Character.MAX_CODE_POINT
                || codePoint >= Character.MIN_SURROGATE && codePoint <= Character.MAX_SURROGATE) {
            throw invalidUtf8();
        }
        return codePoint;
    }

    private MalformedJsonException invalidUtf8() {
        return new MalformedJsonException("Invalid UTF-8 (a sequence from byte 0x%02X)".formatted(in[pos] & 0xFF),
                in, pos);
    }

    private void skipSpace() {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }

    private MalformedJsonException endOfInput(String expected) {
        return new MalformedJsonException("Unexpected end-of-input: " + expected, in, in.length);
    }

    private MalformedJsonException closeMarker(char expected) {
        return new MalformedJsonException("Unexpected close marker '" + (char) in[pos] + "': expected '"
                + expected + "'", in, pos);
    }

    /// The character at `pos`, which is not what the grammar allows there.
    private MalformedJsonException unexpected(String expected) {
        int b = in[pos];
        String character;
        if (b > 0x20 && b < 0x7F) {
            character = "'" + (char) b + "' (code " + b + ")";
        } else if (b >= 0) {
            character = "(code " + b + ")";
        } else {
            int codePoint;
            try {
                codePoint = codePointAt();
            } catch (MalformedJsonException notUtf8) {
                return notUtf8;
            }
            character = "'" + Character.toString(codePoint) + "' (U+%04X)".formatted(codePoint);
        }
        return new MalformedJsonException("Unexpected character " + character + ": " + expected, in, pos);
    }

    /// Bytes that are not one JSON document: what is wrong, and the line and column (of
    /// characters, from 1) where it was found.
    /// A document of more values than its reader was allowed.
    static final class TooManyValuesException extends MalformedJsonException {
        TooManyValuesException(int maxValues, byte[] in, int at) {
            super("more than " + maxValues + " values", in, at);
        }
    }

    static class MalformedJsonException extends IOException {
        private final String problem;
        private final int line;
        private final int column;

        MalformedJsonException(String problem, byte[] in, int at) {
            super(problem);
            this.problem = problem;
            int line = 1;
            int column = 1;
            for (int i = 0; i < at; i++) {
                byte b = in[i];
                if (b == '\n' || b == '\r' && (i + 1 == in.length || in[i + 1] != '\n')) {
                    line++;
                    column = 1;
                } else if ((b & 0xC0) != 0x80 && b != '\r') {
                    column++;
                }
            }
            this.line = line;
            this.column = column;
        }

        /// What is wrong, without where.
        String problem() {
            return problem;
        }

        int line() {
            return line;
        }

        int column() {
            return column;
        }

        @Override
        public String getMessage() {
            return problem + " (line " + line + ", column " + column + ")";
        }
    }
}
