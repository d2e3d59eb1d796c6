package dev.fanout.schema;

import dev.fanout.output.ByteSink;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/// A JSON document as the schema parser reads it: objects, arrays, strings, numbers, booleans,
/// `null`, and [#MISSING] for what a path leads to when nothing is there.
///
/// Read by [JsonReader#read] and shaped like the part of jackson-databind's tree model the
/// schema parser used (`path`, `get`, `has`, `textValue`, `toString` as compact JSON, decimals
/// without trailing zeros), which it replaces: building databind's `ObjectMapper` was 58 ms of a
/// 20-row `fanout validate` (its whole budget is 200 ms).
/// Written with plain overriding rather than `switch` on the types, whose bootstraps cost a few
/// milliseconds each at start-up.
/// Immutable and thread-safe.
sealed interface JsonValue extends Iterable<JsonValue> {
    /// What a path leads to when the value is not there.
    @SuppressWarnings("ClassInitializationDeadlock") // only built here, so Missing's initialization always starts from JsonValue's
    JsonValue MISSING = new Missing();

    /// A JSON object, members in document order.
    record Obj(Map<String, JsonValue> members) implements JsonValue {
        public Obj {
            members = Collections.unmodifiableMap(new LinkedHashMap<>(members));
        }

        @Override
        public int size() {
            return members.size();
        }

        @Override
        public Iterator<JsonValue> iterator() {
            return members.values().iterator();
        }

        @Override
        public String kind() {
            return "an object";
        }

        @Override
        public String json() {
            var out = new StringBuilder("{");
            for (var member : members.entrySet()) {
                out.append(out.length() > 1 ? "," : "").append(new Str(member.getKey()).json()).append(':')
                        .append(member.getValue().json());
            }
            return out.append('}').toString();
        }

        @Override
        public String toString() {
            return json();
        }
    }

    /// A JSON array.
    record Arr(List<JsonValue> items) implements JsonValue {
        public Arr {
            items = List.copyOf(items);
        }

        @Override
        public int size() {
            return items.size();
        }

        @Override
        public Iterator<JsonValue> iterator() {
            return items.iterator();
        }

        @Override
        public String kind() {
            return "an array";
        }

        @Override
        public String json() {
            var out = new StringBuilder("[");
            for (JsonValue item : items) {
                out.append(out.length() > 1 ? "," : "").append(item.json());
            }
            return out.append(']').toString();
        }

        @Override
        public String toString() {
            return json();
        }
    }

    /// A JSON string.
    record Str(String value) implements JsonValue {
        @Override
        public String kind() {
            return "a string";
        }

        @Override
        public String json() {
            var sink = new ByteSink(value.length() + 2);
            sink.appendJsonString(value);
            return new String(sink.toByteArray(), StandardCharsets.UTF_8);
        }

        @Override
        public String asText() {
            return value;
        }

        @Override
        public String toString() {
            return json();
        }
    }

    /// A JSON number: integers as `BigInteger`, others as `BigDecimal` without trailing zeros.
    record Num(java.lang.Number value) implements JsonValue {
        @Override
        public String kind() {
            return "a number";
        }

        @Override
        public String json() {
            return value.toString();
        }

        @Override
        public String asText() {
            return value.toString();
        }

        @Override
        public String toString() {
            return json();
        }
    }

    /// `true` or `false`.
    record Bool(boolean value) implements JsonValue {
        @Override
        public String kind() {
            return "a boolean";
        }

        @Override
        public String json() {
            return String.valueOf(value);
        }

        @Override
        public String asText() {
            return String.valueOf(value);
        }

        @Override
        public String toString() {
            return json();
        }
    }

    /// `null`.
    record Null() implements JsonValue {
        @Override
        public String kind() {
            return "null";
        }

        @Override
        public String json() {
            return "null";
        }

        @Override
        public String asText() {
            return "null";
        }

        @Override
        public String toString() {
            return json();
        }
    }

    /// Nothing: see [#MISSING].
    record Missing() implements JsonValue {
        @Override
        public String kind() {
            return "missing";
        }

        @Override
        public String json() {
            return "";
        }

        @Override
        public String toString() {
            return json();
        }
    }

    default boolean isObject() {
        return this instanceof Obj;
    }

    default boolean isArray() {
        return this instanceof Arr;
    }

    default boolean isTextual() {
        return this instanceof Str;
    }

    default boolean isNumber() {
        return this instanceof Num;
    }

    default boolean isIntegralNumber() {
        return this instanceof Num n && n.value() instanceof BigInteger;
    }

    default boolean isBigDecimal() {
        return this instanceof Num n && n.value() instanceof BigDecimal;
    }

    default boolean isBoolean() {
        return this instanceof Bool;
    }

    default boolean isNull() {
        return this instanceof Null;
    }

    default boolean isMissingNode() {
        return this instanceof Missing;
    }

    /// The member `key` of an object; [#MISSING] when this is not an object or has no such member.
    default JsonValue path(String key) {
        JsonValue value = this instanceof Obj o ? o.members().get(key) : null;
        return value == null ? MISSING : value;
    }

    /// The member `key` of an object, or null.
    default JsonValue get(String key) {
        return this instanceof Obj o ? o.members().get(key) : null;
    }

    /// Item `index` of an array, or null.
    default JsonValue get(int index) {
        return this instanceof Arr a && index >= 0 && index < a.items().size() ? a.items().get(index) : null;
    }

    default boolean has(String key) {
        return this instanceof Obj o && o.members().containsKey(key);
    }

    /// The number of an array's items or an object's members; 0 for anything else.
    default int size() {
        return 0;
    }

    default boolean isEmpty() {
        return size() == 0;
    }

    /// An array's items or an object's member values; nothing for anything else.
    @Override
    default Iterator<JsonValue> iterator() {
        return Collections.emptyIterator();
    }

    /// An object's member names in document order; none for anything else.
    default Iterable<String> fieldNames() {
        return this instanceof Obj o ? o.members().keySet() : List.of();
    }

    /// An object's members in document order; none for anything else.
    default Iterable<Map.Entry<String, JsonValue>> fields() {
        return this instanceof Obj o ? o.members().entrySet() : List.of();
    }

    /// A string's value, else null.
    default String textValue() {
        return this instanceof Str s ? s.value() : null;
    }

    /// The value as text: a string's own, a number's or a boolean's digits or word, else "".
    default String asText() {
        return "";
    }

    default boolean booleanValue() {
        return this instanceof Bool b && b.value();
    }

    default boolean canConvertToInt() {
        if (!(this instanceof Num n)) {
            return false;
        }
        // Integers without BigDecimal: its initializer is ~12 ms of a CLI's start (see JsonReader).
        if (n.value() instanceof BigInteger i) {
            return i.bitLength() < Integer.SIZE;
        }
        BigDecimal value = (BigDecimal) n.value();
        return value.compareTo(BigDecimal.valueOf(Integer.MIN_VALUE)) >= 0
                && value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0;
    }

    default int intValue() {
        return this instanceof Num n ? n.value().intValue() : 0;
    }

    default BigDecimal decimalValue() {
        return this instanceof Num n
                ? n.value() instanceof BigInteger i ? new BigDecimal(i) : (BigDecimal) n.value()
                : BigDecimal.ZERO;
    }

    /// The JSON kind, for messages: `an array`, `a string`, `null`.
    String kind();

    /// The value as compact JSON (strings escaped as JSON strings; nothing at all for [#MISSING]).
    String json();
}
