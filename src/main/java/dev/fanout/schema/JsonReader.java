package dev.fanout.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.fanout.schema.JsonValue.Arr;
import dev.fanout.schema.JsonValue.Bool;
import dev.fanout.schema.JsonValue.Null;
import dev.fanout.schema.JsonValue.Num;
import dev.fanout.schema.JsonValue.Obj;
import dev.fanout.schema.JsonValue.Str;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// Builds [JsonValue]s from jackson-core's streaming parser, with duplicate keys refused and
/// strings checked for unpaired surrogates; decimals lose their trailing zeros as in databind's
/// tree. Stateless; the factory is thread-safe.
final class JsonReader {
    static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    private JsonReader() {
    }

    /// `text` itself, unless it holds a surrogate without its pair (possible only through a
    /// `\\u` escape): it could not be written as UTF-8, nor match any cell.
    private static String wellFormed(JsonParser parser, String text) throws IOException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new JsonParseException(parser,
                        "A string holds an unpaired surrogate (\\u%04X)".formatted((int) c));
            }
        }
        return text;
    }

    static JsonValue read(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                Map<String, JsonValue> members = new LinkedHashMap<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_OBJECT; next = parser.nextToken()) {
                    String name = wellFormed(parser, parser.currentName());
                    members.put(name, read(parser, parser.nextToken()));
                }
                yield new Obj(members);
            }
            case START_ARRAY -> {
                List<JsonValue> items = new ArrayList<>();
                for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
                    items.add(read(parser, next));
                }
                yield new Arr(items);
            }
            case VALUE_STRING -> new Str(wellFormed(parser, parser.getText()));
            case VALUE_NUMBER_INT -> new Num(parser.getBigIntegerValue());
            case VALUE_NUMBER_FLOAT -> {
                try {
                    BigDecimal decimal = parser.getDecimalValue();
                    // As databind's tree does: decimals lose their trailing zeros.
                    yield new Num(decimal.signum() == 0 ? BigDecimal.ZERO : decimal.stripTrailingZeros());
                } catch (NumberFormatException | ArithmeticException e) {
                    // An exponent beyond an int, or one that stripping the zeros takes
                    // beyond it (100e2147483647): no BigDecimal holds the number.
                    throw new JsonParseException(parser, "A number's exponent is out of range");
                }
            }
            case VALUE_TRUE -> new Bool(true);
            case VALUE_FALSE -> new Bool(false);
            case VALUE_NULL -> new Null();
            default -> throw new JsonParseException(parser, "Unexpected token " + token);
        };
    }
}
