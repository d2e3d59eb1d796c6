package dev.fanout.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import dev.fanout.output.ByteSink;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/// Reads a cell that holds one JSON value and writes it again as compact JSON, with
/// jackson-core's streaming parser (strict: no comments, no `NaN`, no duplicate keys, nothing
/// after the value). Numbers keep their text as written; strings are written again escaped the
/// way every other string of a row line is. Stateless.
final class JsonCell {
    // Jackson's shared bounded pool, not its per-thread default: a connection's virtual thread
    // kept its own buffers (~12 KB) for as long as the connection stayed open.
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .recyclerPool(JsonRecyclerPools.sharedBoundedPool())
            .build();

    private JsonCell() {
    }

    /// One JSON cell, compacted: its text, the kind of its top value and, for an array or an
    /// object, its number of items or keys.
    record Compact(String json, JsonToken top, int size) {
        boolean isArray() {
            return top == JsonToken.START_ARRAY;
        }

        boolean isObject() {
            return top == JsonToken.START_OBJECT;
        }
    }

    /// The cell's JSON compacted, or null when the cell is not one JSON value, holds a string
    /// with a lone surrogate (which no UTF-8 text can carry) or a number whose exponent is beyond
    /// an int (which no `BigDecimal` holds).
    static Compact compact(Cell cell) {
        try (JsonParser parser = FACTORY.createParser(cell.bytes(), cell.start(), cell.length())) {
            JsonToken top = parser.nextToken();
            if (top == null) {
                return null;
            }
            var sink = new ByteSink(cell.length() + 16);
            int size = 0;
            int depth = 0;
            JsonToken token = top;
            do {
                if (depth == 1 && token != JsonToken.END_ARRAY && token != JsonToken.END_OBJECT
                        && token != JsonToken.FIELD_NAME) {
                    size++;
                }
                switch (token) {
                    case START_ARRAY, START_OBJECT -> {
                        comma(sink);
                        sink.write(token == JsonToken.START_ARRAY ? '[' : '{');
                        depth++;
                    }
                    case END_ARRAY, END_OBJECT -> {
                        sink.write(token == JsonToken.END_ARRAY ? ']' : '}');
                        depth--;
                    }
                    case FIELD_NAME -> {
                        comma(sink);
                        if (!string(sink, parser.currentName())) {
                            return null;
                        }
                        sink.write(':');
                    }
                    case VALUE_STRING -> {
                        comma(sink);
                        if (!string(sink, parser.getText())) {
                            return null;
                        }
                    }
                    case VALUE_NUMBER_INT -> {
                        comma(sink);
                        sink.appendAscii(parser.getText());
                    }
                    case VALUE_NUMBER_FLOAT -> {
                        // A number no BigDecimal holds (1e99999999999) is JSON text that readers
                        // cannot take as a number: not a value this cast vouches for.
                        parser.getDecimalValue();
                        comma(sink);
                        sink.appendAscii(parser.getText());
                    }
                    case VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> {
                        comma(sink);
                        sink.appendAscii(token.asString());
                    }
                    default -> {
                        return null;
                    }
                }
                token = depth == 0 ? null : parser.nextToken();
            } while (token != null);
            if (parser.nextToken() != null) {
                return null;
            }
            return new Compact(new String(sink.toByteArray(), StandardCharsets.UTF_8), top, size);
        } catch (IOException | RuntimeException notJson) {
            // Not JSON (or beyond jackson's nesting and length limits): that is the answer, not an error.
            return null;
        }
    }

    /// A comma before a value or a key unless it opens its array or object or follows a key.
    private static void comma(ByteSink sink) {
        int size = sink.size();
        if (size > 0) {
            byte last = sink.array()[size - 1];
            if (last != '[' && last != '{' && last != ':') {
                sink.write(',');
            }
        }
    }

    private static boolean string(ByteSink sink, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return false;
            }
        }
        sink.appendJsonString(text);
        return true;
    }

    /// The tree of a compact text from [#compact]; [JsonValue#MISSING] should it not parse, which
    /// [#compact]'s own checks rule out.
    static JsonValue tree(String json) {
        try {
            return JsonReader.read(json.getBytes(StandardCharsets.UTF_8));
        } catch (IOException unreadable) {
            return JsonValue.MISSING;
        }
    }

    /// The unique key of a value cast to JSON text (json, geopoint, list fields): its [#key(String)];
    /// anything else (the raw text of a failed cast) is its own key.
    static Object keyOf(Object typed) {
        return typed instanceof JsonText json ? key(json.json()) : typed;
    }

    /// A key under which JSON values equal as data collide: their canonical text, with objects'
    /// members sorted by name, numbers by value (`1`, `1.0` and `1e0` are one number, written
    /// `1`), strings, booleans and null as themselves. A text, not a tree of maps and lists, so
    /// that a key set can hold it as bytes: a map's `toString` depends on its history, and a
    /// string's record text does not escape its quotes. `json` is a compact text from [#compact].
    static Object key(String json) {
        JsonValue tree = tree(json);
        // Only the raw text of a failed cast can fail to parse; it is then its own key (a
        // canonical text always parses, so the two never meet).
        return tree.isMissingNode() ? json : canonical(tree, new StringBuilder(json.length())).toString();
    }

    private static StringBuilder canonical(JsonValue value, StringBuilder out) {
        switch (value) {
            case JsonValue.Obj o -> {
                out.append('{');
                String[] names = o.members().keySet().toArray(new String[0]);
                Arrays.sort(names);
                for (int i = 0; i < names.length; i++) {
                    quoted(names[i], out.append(i == 0 ? "" : ",")).append(':');
                    canonical(o.members().get(names[i]), out);
                }
                out.append('}');
            }
            case JsonValue.Arr a -> {
                out.append('[');
                for (int i = 0; i < a.items().size(); i++) {
                    canonical(a.items().get(i), out.append(i == 0 ? "" : ","));
                }
                out.append(']');
            }
            case JsonValue.Num n -> {
                BigDecimal decimal = n.decimalValue();
                out.append(decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toString());
            }
            case JsonValue.Str str -> quoted(str.value(), out);
            case JsonValue.Bool b -> out.append(b.value());
            case JsonValue.Null ignored -> out.append("null");
            case JsonValue.Missing ignored -> throw new IllegalArgumentException("a missing value has no key");
        }
        return out;
    }

    private static StringBuilder quoted(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append("\\u%04x".formatted((int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"');
    }
}
