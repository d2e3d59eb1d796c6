package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.rejected;
import static dev.fanout.schema.FieldFixture.schema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/// A field's `x-lookup` as the schema reads it: the upstream by name, a path on it with
/// `{value}`, and the `enrich` names in document order; and every way to get one wrong.
class LookupSchemaTest {

    @Test
    void aLookupNamesItsUpstreamPathAndEnrichValuesInOrder() {
        Schema schema = schema("""
                {"fields":[
                  {"name":"id","type":"integer"},
                  {"name":"customer","x-lookup":{"upstream":"crm","path":"/customers/{value}",
                                                 "enrich":{"customer_name":"/name","tier":"/plan/tier","whole":""}}},
                  {"name":"country","x-lookup":{"path":"/c/{value}","upstream":"geo.v2"}},
                  {"name":"account","x-lookup":{"upstream":"crm","path":"/accounts/{value}?full=1"}},
                  {"name":"note","x-lookup":null}]}""");
        Field customer = schema.field("customer").orElseThrow();
        Lookup lookup = customer.lookup().orElseThrow();
        assertEquals("crm", lookup.upstream());
        assertEquals("/customers/{value}", lookup.path());
        assertEquals(List.of("customer_name", "tier", "whole"), List.copyOf(lookup.enrich().keySet()));
        assertEquals(Map.of("customer_name", "/name", "tier", "/plan/tier", "whole", ""), lookup.enrich());
        assertEquals(Map.of(), schema.field("country").orElseThrow().lookup().orElseThrow().enrich());
        assertEquals(Optional.empty(), schema.field("id").orElseThrow().lookup());
        assertEquals(Optional.empty(), schema.field("note").orElseThrow().lookup());
        assertTrue(schema.hasLookups());
        // Each upstream once, in field order.
        assertEquals(List.of("crm", "geo.v2"), schema.lookupUpstreams());
    }

    @Test
    void aPathIsCheckedAsItIsSentWithSpacesAndOtherCharactersPercentEncoded() {
        Schema schema = schema("""
                {"fields":[{"name":"a","x-lookup":{"upstream":"crm","path":"/price list/{value}?q=%20é"}}]}""");
        Lookup lookup = schema.field("a").orElseThrow().lookup().orElseThrow();
        assertEquals("/price list/{value}?q=%20é", lookup.path());
        assertEquals("/price%20list/{value}?q=%20%C3%A9", Lookup.asciiPath(lookup.path()));
    }

    @Test
    void aSchemaWithoutLookupsHasNoUpstreams() {
        Schema schema = schema("{\"fields\":[{\"name\":\"a\"},{\"name\":\"b\",\"x-lookup\":null}]}");
        assertFalse(schema.hasLookups());
        assertEquals(List.of(), schema.lookupUpstreams());
    }

    /// An `x-lookup` and the exact message; the exception names field `f`.
    private static final String NOT_URI_TEXT = "x-lookup path must be URI text (characters such as | ^ \" < > ` { } [ ]"
            + " and a % not followed by two hexadecimal digits percent-encoded), not ";

    static Stream<Arguments> lookupProblems() {
        return Stream.of(
                Arguments.of("\"crm\"", "x-lookup must be an object"),
                Arguments.of("[]", "x-lookup must be an object"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c/{value}\",\"url\":\"http://x\"}",
                        "x-lookup has an unknown key 'url' (known: upstream, path, enrich)"),
                Arguments.of("{\"path\":\"/c/{value}\"}", "x-lookup needs a non-empty string 'upstream'"),
                Arguments.of("{\"upstream\":\"\",\"path\":\"/c/{value}\"}", "x-lookup needs a non-empty string 'upstream'"),
                Arguments.of("{\"upstream\":7,\"path\":\"/c/{value}\"}", "x-lookup needs a non-empty string 'upstream'"),
                Arguments.of("{\"upstream\":\"http://crm\",\"path\":\"/c/{value}\"}",
                        "x-lookup upstream must be the name of a configured upstream, not 'http://crm'"),
                Arguments.of("{\"upstream\":\"crm\"}", "x-lookup needs a non-empty string 'path'"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"c/{value}\"}",
                        "x-lookup path must be a path on the upstream starting with '/', not 'c/{value}'"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"//evil.example/{value}\"}",
                        "x-lookup path must be a path on the upstream starting with '/', not '//evil.example/{value}'"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/x?u=http://evil/{value}\"}",
                        "x-lookup path must be a path on the upstream starting with '/', not '/x?u=http://evil/{value}'"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c\\\\{value}\"}",
                        "x-lookup path must be a path on the upstream starting with '/', not '/c\\{value}'"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/customers/{id}\"}", "x-lookup path must contain {value}"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c/{value}?f=a|b\"}", NOT_URI_TEXT + "'/c/{value}?f=a|b'"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c/{value}/100%\"}", NOT_URI_TEXT + "'/c/{value}/100%'"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c/{value}/{other}\"}", NOT_URI_TEXT + "'/c/{value}/{other}'"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c/{value}\",\"enrich\":[\"/name\"]}",
                        "x-lookup enrich must be an object of name → JSON pointer"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c/{value}\",\"enrich\":{\"n\":\"name\"}}",
                        "x-lookup enrich 'n' must be a JSON pointer such as \"/name\""),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c/{value}\",\"enrich\":{\"n\":1}}",
                        "x-lookup enrich 'n' must be a JSON pointer such as \"/name\""),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c/{value}\",\"enrich\":{\"\":\"/name\"}}",
                        "x-lookup enrich names must not be empty"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c/{value}\",\"enrich\":{\"other\":\"/name\"}}",
                        "x-lookup enrich name 'other' is already a field or another enrich name"),
                Arguments.of("{\"upstream\":\"crm\",\"path\":\"/c/{value}\",\"enrich\":{\"f\":\"/name\"}}",
                        "x-lookup enrich name 'f' is already a field or another enrich name"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("lookupProblems")
    void lookupProblemsNameTheField(String lookupJson, String problem) {
        InvalidSchemaException e = rejected("{\"fields\":[{\"name\":\"f\",\"x-lookup\":" + lookupJson + "},"
                + "{\"name\":\"other\"}]}");
        assertEquals("field 'f': " + problem, e.getMessage());
        assertEquals(Optional.of("f"), e.field());
    }

    @Test
    void twoLookupsCannotEnrichTheSameName() {
        InvalidSchemaException e = rejected("""
                {"fields":[
                  {"name":"a","x-lookup":{"upstream":"crm","path":"/a/{value}","enrich":{"label":"/name"}}},
                  {"name":"b","x-lookup":{"upstream":"crm","path":"/b/{value}","enrich":{"label":"/title"}}}]}""");
        assertEquals("field 'b': x-lookup enrich name 'label' is already a field or another enrich name", e.getMessage());
        assertEquals(Optional.of("b"), e.field());
    }
}
