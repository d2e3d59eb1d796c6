package dev.fanout.schema;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/// Compiles a field's `constraints` object. Constraint values are cast with the field's own
/// [Caster] (so a date field's `minimum` is written in the field's format), and a value that
/// does not cast makes the schema invalid. Unknown constraint names are errors too: a misspelt
/// `maxlength` would otherwise switch a check off without anyone noticing. One instance per
/// field, used once.
final class ConstraintsParser {
    private static final List<String> KNOWN = List.of("required", "unique", "minLength", "maxLength", "pattern",
            "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "jsonSchema");
    // Enough entries for a reader to see what was expected without a message per row of kilobytes.
    private static final int ENUM_DISPLAY_LIMIT = 20;

    private final String name;
    private final FieldType type;
    private final Caster caster;
    private final PatternBudget patterns;

    /// `patterns`: the schema's budget of compiled patterns, shared by its fields.
    ConstraintsParser(String name, FieldType type, Caster caster, PatternBudget patterns) {
        this.name = name;
        this.type = type;
        this.caster = caster;
        this.patterns = patterns;
    }

    Constraints parse(JsonValue node) {
        if (node.isMissingNode()) {
            return new Constraints(false, false, List.of());
        }
        if (!node.isObject()) {
            throw invalid("constraints must be an object, not " + SchemaParser.kind(node));
        }
        for (String key : node.fieldNames()) {
            if (!KNOWN.contains(key)) {
                throw invalid("unknown constraint '" + key + "' (supported: " + String.join(", ", KNOWN) + ")");
            }
        }
        List<Constraint> checks = new ArrayList<>();
        int minLength = length(node, "minLength");
        int maxLength = length(node, "maxLength");
        if (minLength >= 0 && maxLength >= 0 && minLength > maxLength) {
            throw invalid("minLength " + minLength + " is greater than maxLength " + maxLength);
        }
        // A string's length is its code points; an array's, object's or list's, its items or keys.
        boolean counted = type != FieldType.STRING;
        if (minLength >= 0) {
            checks.add(counted ? new Constraint.MinItems(minLength, itemNoun()) : new Constraint.MinLength(minLength));
        }
        if (maxLength >= 0) {
            checks.add(counted ? new Constraint.MaxItems(maxLength, itemNoun()) : new Constraint.MaxLength(maxLength));
        }
        if (node.has("pattern")) {
            checks.add(new Constraint.PatternConstraint(pattern(node.get("pattern"))));
        }
        if (node.has("enum")) {
            checks.add(enumeration(node.get("enum")));
        }
        if (node.has("minimum") || node.has("maximum") || node.has("exclusiveMinimum")
                || node.has("exclusiveMaximum")) {
            bounds(node, checks);
        }
        if (node.has("jsonSchema")) {
            // Table Schema v2 defines it for the JSON types; on others it would check nothing.
            if (type != FieldType.ARRAY && type != FieldType.OBJECT) {
                throw invalid("jsonSchema applies only to array and object fields, not " + type.schemaName());
            }
            checks.add(new Constraint.JsonSchemaConstraint(JsonSchemas.compile(name, node.get("jsonSchema"), patterns)));
        }
        return new Constraints(flag(node, "required"), flag(node, "unique"), checks);
    }

    private boolean flag(JsonValue node, String key) {
        if (!node.has(key)) {
            return false;
        }
        if (!node.get(key).isBoolean()) {
            throw invalid(key + " must be true or false");
        }
        return node.get(key).booleanValue();
    }

    /// A length constraint's value, or -1 when absent.
    private int length(JsonValue node, String key) {
        if (!node.has(key)) {
            return -1;
        }
        switch (type) {
            case STRING, ARRAY, OBJECT, LIST -> { }
            default -> throw invalid(key + " applies only to string, array, object and list fields, not "
                    + type.schemaName());
        }
        JsonValue value = node.get(key);
        if (!value.isIntegralNumber() || !value.canConvertToInt() || value.intValue() < 0) {
            throw invalid(key + " must be a non-negative integer");
        }
        return value.intValue();
    }

    private Pattern pattern(JsonValue value) {
        if (!value.isTextual()) {
            throw invalid("pattern must be a string");
        }
        patterns.spend(name, value.textValue());
        try {
            return Pattern.compile(value.textValue());
        } catch (PatternSyntaxException e) {
            throw invalid("pattern '" + value.textValue() + "' cannot be used: " + e.getDescription() + " "
                    + e.getPattern()
                    + ". Patterns must run in linear time (RE2 syntax), so backreferences and lookaround "
                    + "are not available");
        }
    }

    private Constraint enumeration(JsonValue value) {
        if (type == FieldType.LIST) {
            // A list's entries would have to be written as delimited cells; frictionless-py has no
            // enum on lists either.
            throw invalid("enum does not apply to list fields");
        }
        if (!value.isArray() || value.isEmpty()) {
            throw invalid("enum must be a non-empty array");
        }
        Set<Object> keys = new LinkedHashSet<>();
        for (JsonValue entry : value) {
            keys.add(caster.uniqueKey(cast("enum", entry)));
        }
        List<String> shown = StreamSupport.stream(value.spliterator(), false)
                .limit(ENUM_DISPLAY_LIMIT).map(ConstraintsParser::display).toList();
        String display = "[" + String.join(", ", shown)
                + (value.size() > ENUM_DISPLAY_LIMIT ? ", … (" + value.size() + " values)" : "") + "]";
        return Constraint.EnumConstraint.of(caster, keys, display);
    }

    private void bounds(JsonValue node, List<Constraint> checks) {
        switch (type) {
            case INTEGER, NUMBER, DATE, TIME, DATETIME, YEAR, YEARMONTH, DURATION -> { }
            case STRING, BOOLEAN, GEOPOINT, GEOJSON, ARRAY, OBJECT, LIST, ANY -> throw invalid(firstBound(node)
                    + " applies only to integer, number, date, time, datetime, year, yearmonth and duration fields, not "
                    + type.schemaName());
        }
        Object minimum = bound(node, "minimum");
        Object maximum = bound(node, "maximum");
        Object exclusiveMinimum = bound(node, "exclusiveMinimum");
        Object exclusiveMaximum = bound(node, "exclusiveMaximum");
        // A lower bound above an upper one lets no value through: a mistake, said at once.
        for (String low : List.of("minimum", "exclusiveMinimum")) {
            for (String high : List.of("maximum", "exclusiveMaximum")) {
                Object lowBound = low.equals("minimum") ? minimum : exclusiveMinimum;
                Object highBound = high.equals("maximum") ? maximum : exclusiveMaximum;
                if (lowBound == null || highBound == null) {
                    continue;
                }
                int order = caster.compare(lowBound, highBound);
                boolean inclusiveBoth = low.equals("minimum") && high.equals("maximum");
                if (order > 0 || order == 0 && !inclusiveBoth) {
                    throw invalid(low + " " + display(node.get(low)) + (order > 0 ? " is greater than " : " equals ")
                            + high + " " + display(node.get(high)));
                }
            }
        }
        if (minimum != null) {
            checks.add(Constraint.Minimum.of(caster, minimum, display(node.get("minimum")), false));
        }
        if (maximum != null) {
            checks.add(Constraint.Maximum.of(caster, maximum, display(node.get("maximum")), false));
        }
        if (exclusiveMinimum != null) {
            checks.add(Constraint.Minimum.of(caster, exclusiveMinimum, display(node.get("exclusiveMinimum")), true));
        }
        if (exclusiveMaximum != null) {
            checks.add(Constraint.Maximum.of(caster, exclusiveMaximum, display(node.get("exclusiveMaximum")), true));
        }
    }

    private Object bound(JsonValue node, String key) {
        return node.has(key) ? cast(key, node.get(key)) : null;
    }

    private static String firstBound(JsonValue node) {
        for (String key : List.of("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum")) {
            if (node.has(key)) {
                return key;
            }
        }
        throw new IllegalStateException("no bound");
    }

    /// Casts a constraint value with the field's caster: strings for every type, JSON numbers for
    /// integer, number and year, JSON booleans for boolean. A JSON number is already the value
    /// (Table Schema: "primitive types as possible in JSON, or represented as strings that are
    /// castable with the type and format rules of the field"), so its text, which always has a `.`
    /// and no groups, is read by the type's default caster: with the field's `decimalChar: ","`
    /// and `groupChar: "."`, `"minimum": 0.5` is a half, not the string "0.5" read as 5.
    private Object cast(String key, JsonValue value) {
        Caster reader = caster;
        String text;
        if (value.isTextual()) {
            text = value.textValue();
        } else if (value.isNumber() && (type == FieldType.INTEGER || type == FieldType.NUMBER
                || type == FieldType.YEAR)) {
            if (type != FieldType.NUMBER && !value.isIntegralNumber()) {
                throw invalid(key + " must be " + caster.describe() + ", but got " + value);
            }
            text = value.isBigDecimal() ? value.decimalValue().toString() : value.asText();
            if (type == FieldType.NUMBER) {
                // An integer's or a year's text has no character that a field's options change.
                reader = NumberCaster.defaults();
            }
        } else if (value.isBoolean() && type == FieldType.BOOLEAN) {
            return value.booleanValue();
        } else if (!value.isNull() && (type == FieldType.ARRAY || type == FieldType.OBJECT
                || type == FieldType.GEOJSON || type == FieldType.GEOPOINT)) {
            // JSON types take their entries as JSON values too: [1, 2] as well as "[1, 2]".
            text = value.json();
        } else {
            throw invalid(key + " must be " + caster.describe() + ", but got " + value);
        }
        List<Violation> violations = new ArrayList<>(1);
        Object typed = reader.castText(text, violations);
        if (!violations.isEmpty()) {
            throw invalid(key + " must be " + caster.describe() + ", but " + violations.getFirst().message());
        }
        return typed;
    }

    /// What `minLength` and `maxLength` count on this (array, object or list) field.
    private String itemNoun() {
        return type == FieldType.OBJECT ? "keys" : "items";
    }

    private static String display(JsonValue value) {
        return value.isTextual() ? value.textValue() : value.toString();
    }

    private InvalidSchemaException invalid(String problem) {
        return new InvalidSchemaException(name, "field '" + name + "': " + problem);
    }
}
