package dev.fanout.schema;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/// Compiles one field object of a schema document: its `type`, `format` and type options into a
/// [Caster], and its `constraints` (through [ConstraintsParser]) into checks. One instance per
/// field, used once; every problem becomes an [InvalidSchemaException] naming the field.
///
/// Type options on a type they do not belong to (`trueValues` on an integer) are errors, not
/// ignored: they mean the author expects a behaviour that would silently not happen. Keywords
/// that ask for checks Fanout does not perform are refused, annotations (`title`,
/// `description`) passed over ([SchemaKeywords]); `x-lookup` is read by `LookupParser`.
final class FieldParser {
    /// The item types a `list` may have: Table Schema v2's seven, and the other scalar types
    /// whose values have one text form.
    private static final List<FieldType> LIST_ITEM_TYPES = List.of(FieldType.STRING, FieldType.INTEGER,
            FieldType.NUMBER, FieldType.BOOLEAN, FieldType.DATE, FieldType.TIME, FieldType.DATETIME, FieldType.YEAR,
            FieldType.YEARMONTH, FieldType.DURATION);

    private final String name;
    private final JsonValue node;
    private final MissingValues schemaMissingValues;
    private final PatternBudget patterns;

    /// `schemaMissingValues`: the schema's, which a field without its own uses; `patterns`: the
    /// schema's budget of compiled patterns.
    FieldParser(String name, JsonValue node, MissingValues schemaMissingValues, PatternBudget patterns) {
        this.name = name;
        this.node = node;
        this.schemaMissingValues = schemaMissingValues;
        this.patterns = patterns;
    }

    Field parse(boolean inPrimaryKey) {
        SchemaKeywords.checkField(name, node);
        FieldType type = type();
        String format = text("format").orElse("default");
        checkOptionsBelongTo(type);
        Caster caster = caster(type, format);
        Constraints constraints = new ConstraintsParser(name, type, caster, patterns).parse(node.path("constraints"));
        List<Constraint> checks = new ArrayList<>(constraints.checks());
        categories(type, caster).ifPresent(checks::add);
        MissingValues missingValues = node.has("missingValues")
                ? SchemaParser.missingValues(name, node.get("missingValues")) : schemaMissingValues;
        return new Field(name, type, format, constraints.required() || inPrimaryKey, constraints.unique(),
                caster, checks, new LookupParser(name).parse(node.path("x-lookup")), missingValues);
    }

    /// `categories` (v2, string and integer fields): the values a cell may take, each a value or
    /// `{"value": …, "label": …}` (the label is an annotation), cast with the field's type.
    /// `categoriesOrdered` says the categories have an order; Fanout checks no order, so it only
    /// checks that the flag is a boolean that comes with categories.
    private Optional<Constraint> categories(FieldType type, Caster caster) {
        if (node.has("categoriesOrdered")) {
            if (!node.get("categoriesOrdered").isBoolean()) {
                throw invalid("categoriesOrdered must be true or false");
            }
            if (!node.has("categories")) {
                throw invalid("categoriesOrdered needs categories");
            }
        }
        if (!node.has("categories")) {
            return Optional.empty();
        }
        JsonValue categories = node.get("categories");
        if (!categories.isArray() || categories.isEmpty()) {
            throw invalid("categories must be a non-empty array of values or of {\"value\": …} objects");
        }
        Set<Object> keys = new java.util.LinkedHashSet<>();
        List<String> shown = new ArrayList<>();
        for (JsonValue category : categories) {
            JsonValue value = category.isObject() ? category.path("value") : category;
            if (category.isObject() && category.has("label") && !category.get("label").isTextual()) {
                throw invalid("a category's label must be a string, but has " + category.get("label"));
            }
            String text;
            if (value.isTextual() && type == FieldType.STRING) {
                text = value.textValue();
            } else if (value.isIntegralNumber() && type == FieldType.INTEGER) {
                text = value.asText();
            } else {
                throw invalid("categories of " + type.schemaName() + " fields must be "
                        + (type == FieldType.STRING ? "strings" : "integers") + " (or objects with such a value), "
                        + "but has " + category);
            }
            List<Violation> violations = new ArrayList<>(1);
            Object typed = caster.castText(text, violations);
            if (!violations.isEmpty()) {
                throw invalid("category " + text + " must be " + caster.describe() + ", but "
                        + violations.getFirst().message());
            }
            keys.add(caster.uniqueKey(typed));
            if (shown.size() < 20) {
                shown.add(text);
            }
        }
        String display = "[" + String.join(", ", shown)
                + (categories.size() > shown.size() ? ", … (" + categories.size() + " values)" : "") + "]";
        return Optional.of(new Constraint.EnumConstraint(caster, keys, ErrorCode.CATEGORIES,
                "is not one of the categories " + display));
    }

    private FieldType type() {
        String type = text("type").orElse(FieldType.STRING.schemaName());
        for (FieldType candidate : FieldType.values()) {
            if (candidate.schemaName().equals(type)) {
                return candidate;
            }
        }
        // Listed here, not in a constant: the stream that lists them cost ~1 ms of every CLI start.
        throw invalid("type '" + type + "' is not supported (supported: " + Arrays.stream(FieldType.values())
                .map(FieldType::schemaName).collect(Collectors.joining(", ")) + ")");
    }

    // Lists, not EnumSets: an EnumSet finds its enum's constants by a reflective call of
    // values(), ~0.6 ms of a CLI start; these hold one or two types, in the order messages name them.
    private void checkOptionsBelongTo(FieldType type) {
        List<FieldType> numeric = List.of(FieldType.INTEGER, FieldType.NUMBER);
        checkOption("trueValues", type, List.of(FieldType.BOOLEAN));
        checkOption("falseValues", type, List.of(FieldType.BOOLEAN));
        checkOption("decimalChar", type, List.of(FieldType.NUMBER));
        checkOption("groupChar", type, numeric);
        checkOption("bareNumber", type, numeric);
        checkOption("categories", type, List.of(FieldType.STRING, FieldType.INTEGER));
        checkOption("categoriesOrdered", type, List.of(FieldType.STRING, FieldType.INTEGER));
        checkOption("delimiter", type, List.of(FieldType.LIST));
        checkOption("itemType", type, List.of(FieldType.LIST));
    }

    private void checkOption(String option, FieldType type, List<FieldType> allowed) {
        if (node.has(option) && !allowed.contains(type)) {
            throw invalid(option + " applies only to " + allowed.stream().map(FieldType::schemaName)
                    .collect(Collectors.joining(" and ")) + " fields, not " + type.schemaName());
        }
    }

    private Caster caster(FieldType type, String format) {
        return switch (type) {
            case STRING -> new StringCaster(stringFormat(format));
            case INTEGER -> {
                onlyDefaultFormat(type, format);
                yield new IntegerCaster(groupChar(-1), bool("bareNumber", true));
            }
            case NUMBER -> {
                onlyDefaultFormat(type, format);
                char decimalChar = (char) singleChar("decimalChar", '.');
                int groupChar = groupChar(decimalChar);
                yield new NumberCaster(decimalChar, groupChar, bool("bareNumber", true));
            }
            case BOOLEAN -> {
                onlyDefaultFormat(type, format);
                yield booleanCaster();
            }
            case DATE -> new TemporalCaster(TemporalKind.DATE, temporalFormat(TemporalKind.DATE, format));
            case TIME -> new TemporalCaster(TemporalKind.TIME, temporalFormat(TemporalKind.TIME, format));
            case DATETIME -> new TemporalCaster(TemporalKind.DATETIME, temporalFormat(TemporalKind.DATETIME, format));
            case YEAR -> {
                onlyDefaultFormat(type, format);
                yield new YearCaster();
            }
            case YEARMONTH -> {
                onlyDefaultFormat(type, format);
                yield new YearMonthCaster();
            }
            case DURATION -> {
                onlyDefaultFormat(type, format);
                yield new DurationCaster();
            }
            case GEOPOINT -> new GeopointCaster(switch (format) {
                case "default" -> GeopointCaster.Format.DEFAULT;
                case "array" -> GeopointCaster.Format.ARRAY;
                case "object" -> GeopointCaster.Format.OBJECT;
                default -> throw invalid("format '" + format
                        + "' is not supported for geopoint fields (supported: default, array, object)");
            });
            case GEOJSON -> new JsonCaster(switch (format) {
                case "default" -> JsonCaster.Kind.GEOJSON;
                case "topojson" -> JsonCaster.Kind.TOPOJSON;
                default -> throw invalid("format '" + format
                        + "' is not supported for geojson fields (supported: default, topojson)");
            });
            case ARRAY -> {
                onlyDefaultFormat(type, format);
                yield new JsonCaster(JsonCaster.Kind.ARRAY);
            }
            case OBJECT -> {
                onlyDefaultFormat(type, format);
                yield new JsonCaster(JsonCaster.Kind.OBJECT);
            }
            case LIST -> {
                onlyDefaultFormat(type, format);
                yield listCaster();
            }
            case ANY -> {
                onlyDefaultFormat(type, format);
                yield new AnyCaster();
            }
        };
    }

    /// A `list` field's caster: `delimiter` (default `,`, any non-empty string) and `itemType`
    /// (default `string`), whose items are cast with that type's default format and options.
    private Caster listCaster() {
        String delimiter = text("delimiter").orElse(",");
        if (delimiter.isEmpty()) {
            throw invalid("delimiter must not be empty");
        }
        String itemName = text("itemType").orElse("string");
        FieldType itemType = LIST_ITEM_TYPES.stream().filter(t -> t.schemaName().equals(itemName)).findFirst()
                .orElseThrow(() -> invalid("itemType '" + itemName + "' is not supported (supported: "
                        + LIST_ITEM_TYPES.stream().map(FieldType::schemaName).collect(Collectors.joining(", ")) + ")"));
        Caster itemCaster = switch (itemType) {
            case STRING -> new StringCaster(StringFormat.DEFAULT);
            case INTEGER -> IntegerCaster.withoutGroupChar(true);
            case NUMBER -> NumberCaster.defaults();
            case BOOLEAN -> new BooleanCaster(BooleanCaster.DEFAULT_TRUE, BooleanCaster.DEFAULT_FALSE);
            case DATE -> new TemporalCaster(TemporalKind.DATE, new IsoTemporalFormat(TemporalKind.DATE));
            case TIME -> new TemporalCaster(TemporalKind.TIME, new IsoTemporalFormat(TemporalKind.TIME));
            case DATETIME -> new TemporalCaster(TemporalKind.DATETIME, new IsoTemporalFormat(TemporalKind.DATETIME));
            case YEAR -> new YearCaster();
            case YEARMONTH -> new YearMonthCaster();
            case DURATION -> new DurationCaster();
            default -> throw new IllegalStateException("not an item type: " + itemType);
        };
        return new ListCaster(delimiter, itemType, itemCaster);
    }

    private StringFormat stringFormat(String format) {
        for (StringFormat candidate : StringFormat.values()) {
            if (candidate.schemaName().equals(format)) {
                return candidate;
            }
        }
        throw invalid("format '" + format + "' is not supported for string fields (supported: "
                + Arrays.stream(StringFormat.values()).map(StringFormat::schemaName).collect(Collectors.joining(", "))
                + ")");
    }

    private void onlyDefaultFormat(FieldType type, String format) {
        if (!format.equals("default")) {
            throw invalid("format '" + format + "' is not supported for " + type.schemaName()
                    + " fields (only default)");
        }
    }

    private TemporalFormat temporalFormat(TemporalKind kind, String format) {
        return switch (format) {
            // `any` asks for a best guess among layouts; ISO-8601 is the one layout we can name.
            case "default", "any" -> new IsoTemporalFormat(kind);
            default -> StrptimeFormat.compile(name, kind, format);
        };
    }

    private Caster booleanCaster() {
        List<String> trueValues = strings("trueValues", BooleanCaster.DEFAULT_TRUE);
        List<String> falseValues = strings("falseValues", BooleanCaster.DEFAULT_FALSE);
        Set<String> overlap = new HashSet<>(trueValues);
        overlap.retainAll(falseValues);
        if (!overlap.isEmpty()) {
            throw invalid("'" + overlap.iterator().next() + "' is in both trueValues and falseValues");
        }
        return new BooleanCaster(trueValues, falseValues);
    }

    /// The `groupChar` option, or -1 for none. It must differ from the decimal character.
    private int groupChar(int decimalChar) {
        int groupChar = singleChar("groupChar", -1);
        if (groupChar >= 0 && groupChar == decimalChar) {
            throw invalid("groupChar and decimalChar must differ");
        }
        return groupChar;
    }

    private int singleChar(String option, int absent) {
        if (!node.has(option)) {
            return absent;
        }
        JsonValue value = node.get(option);
        if (!value.isTextual() || value.textValue().length() != 1) {
            throw invalid(option + " must be a single character");
        }
        char c = value.textValue().charAt(0);
        if (c >= '0' && c <= '9' || c == '+' || c == '-' || c == 'e' || c == 'E') {
            throw invalid(option + " cannot be '" + c + "': it is part of the number syntax");
        }
        return c;
    }

    private boolean bool(String option, boolean absent) {
        if (!node.has(option)) {
            return absent;
        }
        if (!node.get(option).isBoolean()) {
            throw invalid(option + " must be true or false");
        }
        return node.get(option).booleanValue();
    }

    private List<String> strings(String option, List<String> absent) {
        if (!node.has(option)) {
            return absent;
        }
        JsonValue value = node.get(option);
        if (!value.isArray() || value.isEmpty()) {
            throw invalid(option + " must be a non-empty array of strings");
        }
        if (value.size() > SchemaParser.MAX_LISTED_VALUES) {
            throw invalid(option + " has " + value.size() + " values; at most " + SchemaParser.MAX_LISTED_VALUES + " are read");
        }
        List<String> strings = new ArrayList<>(value.size());
        for (JsonValue item : value) {
            if (!item.isTextual()) {
                throw invalid(option + " must be a non-empty array of strings, but has " + item);
            }
            strings.add(item.textValue());
        }
        return strings;
    }

    private Optional<String> text(String key) {
        if (!node.has(key)) {
            return Optional.empty();
        }
        JsonValue value = node.get(key);
        if (!value.isTextual()) {
            throw invalid(key + " must be a string, not " + SchemaParser.kind(value));
        }
        return Optional.of(value.textValue());
    }

    private InvalidSchemaException invalid(String problem) {
        return new InvalidSchemaException(name, "field '" + name + "': " + problem);
    }
}
