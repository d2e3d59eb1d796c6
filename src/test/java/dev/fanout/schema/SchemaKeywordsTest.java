package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.rejected;
import static dev.fanout.schema.FieldFixture.rejectedField;
import static dev.fanout.schema.FieldFixture.schema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/// Walks the keywords of Table Schema v1 and v2 (specs.frictionlessdata.io, datapackage.org) at
/// each level of a schema: every keyword is either checked by Fanout (accepted with a valid
/// value), refused by name, or an annotation that changes nothing. None is silently ignored.
class SchemaKeywordsTest {
    /// Every top-level keyword of the specifications, with a valid value for a schema of fields a, b.
    static final Map<String, String> SCHEMA_KEYWORDS = Map.ofEntries(
            Map.entry("fields", "[{\"name\":\"a\"},{\"name\":\"b\"}]"),
            Map.entry("missingValues", "[\"\",\"NA\"]"),
            Map.entry("primaryKey", "[\"a\"]"),
            Map.entry("uniqueKeys", "[[\"a\",\"b\"]]"),
            Map.entry("foreignKeys", "[{\"fields\":\"b\",\"reference\":{\"resource\":\"\",\"fields\":\"a\"}}]"),
            Map.entry("fieldsMatch", "\"equal\""),
            Map.entry("$schema", "\"https://datapackage.org/profiles/2.0/tableschema.json\""),
            Map.entry("name", "\"n\""),
            Map.entry("title", "\"T\""),
            Map.entry("description", "\"D\""),
            Map.entry("profile", "\"tabular-data-resource\""));

    /// Every field keyword of the specifications, with a field type it belongs to and a valid value.
    static final Map<String, String[]> FIELD_KEYWORDS = Map.ofEntries(
            Map.entry("name", new String[] {"string", "\"f\""}),
            Map.entry("type", new String[] {"string", "\"string\""}),
            Map.entry("format", new String[] {"string", "\"email\""}),
            Map.entry("constraints", new String[] {"string", "{\"required\":true}"}),
            Map.entry("missingValues", new String[] {"string", "[\"-\"]"}),
            Map.entry("trueValues", new String[] {"boolean", "[\"Y\"]"}),
            Map.entry("falseValues", new String[] {"boolean", "[\"N\"]"}),
            Map.entry("bareNumber", new String[] {"number", "false"}),
            Map.entry("groupChar", new String[] {"number", "\" \""}),
            Map.entry("decimalChar", new String[] {"number", "\",\""}),
            Map.entry("categories", new String[] {"string", "[\"x\",\"y\"]"}),
            Map.entry("categoriesOrdered", new String[] {"string", "true"}),
            Map.entry("delimiter", new String[] {"list", "\";\""}),
            Map.entry("itemType", new String[] {"list", "\"integer\""}),
            Map.entry("title", new String[] {"string", "\"T\""}),
            Map.entry("description", new String[] {"string", "\"D\""}),
            Map.entry("example", new String[] {"string", "\"e\""}),
            Map.entry("rdfType", new String[] {"string", "\"https://schema.org/Thing\""}));

    /// Every constraint of the specifications, with a field type it belongs to and a valid value.
    static final Map<String, String[]> CONSTRAINTS = Map.ofEntries(
            Map.entry("required", new String[] {"string", "true"}),
            Map.entry("unique", new String[] {"string", "true"}),
            Map.entry("minLength", new String[] {"string", "1"}),
            Map.entry("maxLength", new String[] {"string", "9"}),
            Map.entry("pattern", new String[] {"string", "\"[a-z]+\""}),
            Map.entry("enum", new String[] {"string", "[\"a\"]"}),
            Map.entry("minimum", new String[] {"integer", "1"}),
            Map.entry("maximum", new String[] {"integer", "9"}),
            Map.entry("exclusiveMinimum", new String[] {"integer", "1"}),
            Map.entry("exclusiveMaximum", new String[] {"integer", "9"}),
            Map.entry("jsonSchema", new String[] {"object", "{\"type\":\"object\"}"}));

    // What Fanout does not check: each must be refused, naming the keyword (none today; the
    // tests stay so that a keyword added to the lists above must be one or the other).
    static final Set<String> REFUSED_SCHEMA = Set.of();
    static final Set<String> REFUSED_FIELD = Set.of();
    static final Set<String> REFUSED_CONSTRAINTS = Set.of();

    static java.util.stream.Stream<String> schemaKeywords() {
        return SCHEMA_KEYWORDS.keySet().stream().filter(k -> !k.equals("fields")).sorted();
    }

    static java.util.stream.Stream<String> fieldKeywords() {
        return FIELD_KEYWORDS.keySet().stream().sorted();
    }

    static java.util.stream.Stream<String> constraints() {
        return CONSTRAINTS.keySet().stream().sorted();
    }

    @ParameterizedTest
    @MethodSource("schemaKeywords")
    void everyTopLevelKeywordIsCheckedOrRefusedByName(String keyword) {
        String json = "{\"fields\":" + SCHEMA_KEYWORDS.get("fields") + ",\"" + keyword + "\":"
                + SCHEMA_KEYWORDS.get(keyword) + "}";
        if (REFUSED_SCHEMA.contains(keyword)) {
            assertTrue(rejected(json).getMessage().contains("'" + keyword + "' is not supported"), keyword);
        } else {
            assertEquals(2, schema(json).fields().size());
        }
    }

    @ParameterizedTest
    @MethodSource("fieldKeywords")
    void everyFieldKeywordIsCheckedOrRefusedByName(String keyword) {
        String[] typeAndValue = FIELD_KEYWORDS.get(keyword);
        String field = keyword.equals("name") || keyword.equals("type")
                ? "{\"name\":\"f\",\"type\":\"string\"}"
                : "{\"name\":\"f\",\"type\":\"" + typeAndValue[0] + "\",\"" + keyword + "\":" + typeAndValue[1]
                        + (keyword.equals("categoriesOrdered") ? ",\"categories\":[\"x\"]" : "") + "}";
        if (REFUSED_FIELD.contains(keyword)) {
            String message = rejectedField(field).getMessage();
            assertTrue(message.contains("'" + keyword + "'") || message.contains("type 'list'"), message);
        } else {
            assertEquals("f", schema("{\"fields\":[" + field + "]}").fields().getFirst().name());
        }
    }

    @ParameterizedTest
    @MethodSource("constraints")
    void everyConstraintIsCheckedOrRefusedByName(String constraint) {
        String[] typeAndValue = CONSTRAINTS.get(constraint);
        String field = "{\"name\":\"f\",\"type\":\"" + (REFUSED_CONSTRAINTS.contains(constraint) ? "string" : typeAndValue[0])
                + "\",\"constraints\":{\"" + constraint + "\":" + typeAndValue[1] + "}}";
        if (REFUSED_CONSTRAINTS.contains(constraint)) {
            assertTrue(rejectedField(field).getMessage().contains("constraint '" + constraint + "' is not supported"));
        } else {
            assertEquals("f", schema("{\"fields\":[" + field + "]}").fields().getFirst().name());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"primarykey", "ForeignKeys", "missingvalues", "fieldsmatch", "uniquekeys"})
    void aTopLevelKeywordInTheWrongCaseIsRefusedWithTheRightSpelling(String typo) {
        String message = rejected("{\"fields\":[{\"name\":\"a\"}],\"" + typo + "\":[\"a\"]}").getMessage();
        assertTrue(message.startsWith("schema keyword '" + typo + "' is not a Table Schema keyword; did you mean '"),
                message);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Type", "truevalues", "Constraints", "missingvalues", "Format", "X-Lookup"})
    void aFieldKeywordInTheWrongCaseIsRefusedWithTheRightSpelling(String typo) {
        String message = rejectedField("{\"name\":\"f\",\"" + typo + "\":\"x\"}").getMessage();
        assertTrue(message.startsWith("field 'f': '" + typo + "' is not a Table Schema keyword; did you mean '"), message);
    }

    static java.util.stream.Stream<Arguments> customProperties() {
        return java.util.stream.Stream.of(
                Arguments.of("{\"fields\":[{\"name\":\"a\",\"x-owner\":\"crm\",\"unit\":\"kg\"}],\"x-version\":2,"
                        + "\"sources\":[{\"title\":\"s\"}]}"));
    }

    @ParameterizedTest
    @MethodSource("customProperties")
    void customPropertiesAreAnnotations(String json) {
        Schema schema = schema(json);
        assertEquals("a", schema.fields().getFirst().name());
        assertTrue(schema.fieldsMatch().isEmpty());
    }
}
