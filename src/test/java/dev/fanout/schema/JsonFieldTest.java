package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.check;
import static dev.fanout.schema.FieldFixture.field;
import static dev.fanout.schema.FieldFixture.invalid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/// Casting tables for the types whose values are JSON: `array`, `object`, `geojson` (both
/// formats) and `geopoint` (three formats). Their typed value is compact JSON ([JsonText]).
class JsonFieldTest {
    private final Field array = field("{\"name\":\"a\",\"type\":\"array\"}");
    private final Field object = field("{\"name\":\"o\",\"type\":\"object\"}");
    private final Field geojson = field("{\"name\":\"g\",\"type\":\"geojson\"}");
    private final Field topojson = field("{\"name\":\"t\",\"type\":\"geojson\",\"format\":\"topojson\"}");
    private final Field point = field("{\"name\":\"p\",\"type\":\"geopoint\"}");
    private final Field pointArray = field("{\"name\":\"p\",\"type\":\"geopoint\",\"format\":\"array\"}");
    private final Field pointObject = field("{\"name\":\"p\",\"type\":\"geopoint\",\"format\":\"object\"}");

    /// The compact JSON a cell casts to, asserting it casts.
    private static String json(Field field, String raw) {
        FieldFixture.Checked checked = check(field, raw);
        assertEquals(List.of(), checked.violations(), () -> "violations for " + raw);
        return ((JsonText) checked.value()).json();
    }

    private static Field constrained(String type, String constraints) {
        return field("{\"name\":\"f\",\"type\":\"" + type + "\",\"constraints\":" + constraints + "}");
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "[] | []",
        "[1, 2, 3] | [1,2,3]",
        " [ \"a\" , null , true ] | [\"a\",null,true]",
        "[1.50, -0, 1e3, 1E-2] | [1.50,-0,1e3,1E-2]",
        "[[1], {\"k\": [2]}] | [[1],{\"k\":[2]}]",
        "[\"ü\\u00fc\\n\\\"\"] | [\"üü\\n\\\"\"]",
        "[\"\\ud83d\\ude00\"] | [\"😀\"]",
        "[\"\\u0001\"] | [\"\\u0001\"]"})
    void arraysAreWrittenCompactlyWithNumbersAsWritten(String raw, String compact) {
        assertEquals(compact, json(array, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"{}", "1", "\"[1]\"", "null", "[1,]", "[1", "[1] [2]", "[1]x", "[NaN]", "[01]", "['a']",
        "[\"\\ud800\"]", "[1 // c\n]", "1,2", "[\"a\"\t\"b\"]"})
    void otherCellsAreNotArrays(String raw) {
        String message = invalid(array, raw, ErrorCode.TYPE);
        assertEquals(true, message.endsWith("is not a JSON array") || message.endsWith(
                "is not a JSON array: it is not valid JSON"), message);
    }

    @Test
    void theMessageSaysWhetherTheCellIsJsonAtAll() {
        assertEquals("\"{}\" is not a JSON array", invalid(array, "{}", ErrorCode.TYPE));
        assertEquals("\"[1\" is not a JSON array: it is not valid JSON", invalid(array, "[1", ErrorCode.TYPE));
        assertEquals("\"[1]\" is not a JSON object", invalid(object, "[1]", ErrorCode.TYPE));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "{} | {}",
        "{ \"b\": 1, \"a\": [ ] } | {\"b\":1,\"a\":[]}",
        "{\"\": {\"x\": null}} | {\"\":{\"x\":null}}"})
    void objectsKeepTheirKeyOrder(String raw, String compact) {
        assertEquals(compact, json(object, raw));
    }

    @Test
    void anObjectWithARepeatedKeyIsNotAnObject() {
        String raw = "{\"a\":1,\"a\":2}";
        assertEquals(Violation.quote(raw) + " is not a JSON object: it is not valid JSON",
                invalid(object, raw, ErrorCode.TYPE));
    }

    @Test
    void lengthsCountItemsAndKeys() {
        Field items = constrained("array", "{\"minLength\":2,\"maxLength\":3}");
        assertEquals("[1,[2,3]]", json(items, "[1, [2, 3]]"));
        assertEquals("\"[1]\" has 1 items, fewer than the minimum length 2", invalid(items, "[1]", ErrorCode.MIN_LENGTH));
        assertEquals("\"[1,2,3,4]\" has 4 items, more than the maximum length 3",
                invalid(items, "[1,2,3,4]", ErrorCode.MAX_LENGTH));
        Field keys = constrained("object", "{\"maxLength\":1}");
        assertEquals("{\"a\":{\"b\":1,\"c\":2}}", json(keys, "{\"a\":{\"b\":1,\"c\":2}}"));
        assertEquals(Violation.quote("{\"a\":1,\"b\":2}") + " has 2 keys, more than the maximum length 1",
                invalid(keys, "{\"a\":1,\"b\":2}", ErrorCode.MAX_LENGTH));
    }

    /// Equal as data: key order, spacing and the spelling of numbers do not matter.
    @Test
    void uniqueAndEnumCompareJsonAsData() {
        Object key = object.uniqueKey(check(object, "{\"a\":1,\"b\":[1.0]}").value());
        assertEquals(key, object.uniqueKey(check(object, "{\"b\": [1], \"a\": 1e0}").value()));
        assertNotEquals(key, object.uniqueKey(check(object, "{\"b\": [\"1\"], \"a\": 1}").value()));
        // A key is canonical text, which a key set holds as bytes: strings stay quoted and
        // escaped, so no two values share one.
        assertEquals("{\"a\":1,\"b\":[1]}", key);
        Field array = constrained("array", "{}");
        assertNotEquals(array.uniqueKey(check(array, "[\"a, b\"]").value()), array.uniqueKey(check(array, "[\"a\",\"b\"]").value()));
        assertNotEquals(array.uniqueKey(check(array, "[\"a\\\",\\\"b\"]").value()), array.uniqueKey(check(array, "[\"a\",\"b\"]").value()));
        assertNotEquals(array.uniqueKey(check(array, "[\"1\"]").value()), array.uniqueKey(check(array, "[1]").value()));
        assertEquals("{\"\\u0001\\\\\":null}", object.uniqueKey(check(object, "{\"\\u0001\\\\\": null}").value()));
        Field e = constrained("array", "{\"enum\":[[1, 2], \"[3]\"]}");
        assertEquals("[1.0,2]", json(e, "[1.0,2]"));
        assertEquals("[3]", json(e, "[ 3 ]"));
        assertEquals("\"[2,1]\" is not one of [[1,2], [3]]", invalid(e, "[2,1]", ErrorCode.ENUM));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
        "{\"type\":\"Point\",\"coordinates\":[125.6,10.1]}",
        "{\"type\":\"Point\",\"coordinates\":[1,2,3]}",
        "{\"type\":\"LineString\",\"coordinates\":[[0,0],[1,1]]}",
        "{\"type\":\"MultiPoint\",\"coordinates\":[]}",
        "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,0]]]}",
        "{\"type\":\"MultiLineString\",\"coordinates\":[[[0,0],[1,1]]]}",
        "{\"type\":\"MultiPolygon\",\"coordinates\":[[[[0,0],[1,0],[1,1],[0,0]]]]}",
        "{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Point\",\"coordinates\":[0,0]}]}",
        "{\"type\":\"Feature\",\"geometry\":null,\"properties\":null}",
        "{\"type\":\"Feature\",\"geometry\":{\"type\":\"Point\",\"coordinates\":[0,0]},\"properties\":{\"n\":1}}",
        "{\"type\":\"Feature\",\"geometry\":null}",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"geometry\":null,\"properties\":{}}]}",
        "{\"type\":\"FeatureCollection\",\"features\":[],\"bbox\":[0,0,1,1]}"})
    void geoJsonObjects(String raw) {
        assertEquals(raw, json(geojson, raw));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "{} | it has no \"type\" string",
        "{\"type\":\"Circle\"} | \"Circle\" is not a GeoJSON type",
        "{\"type\":\"Point\"} | a Point needs a \"coordinates\" array",
        "{\"type\":\"Point\",\"coordinates\":[1]} | the coordinates of a Point must be positions of two or more numbers",
        "{\"type\":\"Point\",\"coordinates\":[\"1\",2]} | the coordinates of a Point must be positions of two or more numbers",
        "{\"type\":\"LineString\",\"coordinates\":[0,0]} | the coordinates of a LineString must be arrays of positions of two or more numbers",
        "{\"type\":\"GeometryCollection\"} | a GeometryCollection needs a \"geometries\" array",
        "{\"type\":\"GeometryCollection\",\"geometries\":[{\"type\":\"Feature\"}]} | a GeometryCollection's geometries must be geometry objects",
        "{\"type\":\"Feature\"} | a Feature needs a \"geometry\" member",
        "{\"type\":\"Feature\",\"geometry\":1} | a Feature's \"geometry\" must be a geometry object or null",
        "{\"type\":\"Feature\",\"geometry\":null,\"properties\":[]} | a Feature's \"properties\" must be an object or null",
        "{\"type\":\"FeatureCollection\"} | a FeatureCollection needs a \"features\" array",
        "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Point\",\"coordinates\":[0,0]}]} | a FeatureCollection's features must be Feature objects"})
    void geoJsonShapeFailuresAreFormatErrors(String raw, String problem) {
        assertEquals(Violation.quote(raw) + " is not a GeoJSON object: " + problem,
                invalid(geojson, raw, ErrorCode.FORMAT));
    }

    @Test
    void geoJsonThatIsNotAnObjectIsATypeError() {
        assertEquals("\"[1,2]\" is not a GeoJSON object", invalid(geojson, "[1,2]", ErrorCode.TYPE));
        assertEquals("\"POINT (1 2)\" is not a GeoJSON object: it is not valid JSON",
                invalid(geojson, "POINT (1 2)", ErrorCode.TYPE));
        // A number no reader can hold as a number is not taken as JSON.
        String huge = "{\"type\":\"Point\",\"coordinates\":[1e99999999999,0]}";
        assertEquals(Violation.quote(huge) + " is not a GeoJSON object: it is not valid JSON",
                invalid(geojson, huge, ErrorCode.TYPE));
        invalid(array, "[1e99999999999]", ErrorCode.TYPE);
    }

    @Test
    void topoJson() {
        String topology = "{\"type\":\"Topology\",\"objects\":{\"a\":{\"type\":\"GeometryCollection\","
                + "\"geometries\":[]}},\"arcs\":[]}";
        assertEquals(topology, json(topojson, topology));
        assertEquals("{\"type\":\"Topology\",\"objects\":{}}", json(topojson, "{\"type\":\"Topology\",\"objects\":{}}"));
        assertEquals(Violation.quote("{\"type\":\"Point\"}") + " is not a TopoJSON object: its \"type\" is not "
                + "\"Topology\"", invalid(topojson, "{\"type\":\"Point\"}", ErrorCode.FORMAT));
        assertEquals(Violation.quote("{\"type\":\"Topology\"}") + " is not a TopoJSON object: a Topology needs an "
                + "\"objects\" object", invalid(topojson, "{\"type\":\"Topology\"}", ErrorCode.FORMAT));
        assertEquals(Violation.quote("{\"type\":\"Topology\",\"objects\":{\"a\":1}}") + " is not a TopoJSON object: "
                + "each of a Topology's objects must be an object with a \"type\" string",
                invalid(topojson, "{\"type\":\"Topology\",\"objects\":{\"a\":1}}", ErrorCode.FORMAT));
        assertEquals(Violation.quote("{\"type\":\"Topology\",\"objects\":{},\"arcs\":{}}") + " is not a TopoJSON "
                + "object: a Topology's \"arcs\" must be an array",
                invalid(topojson, "{\"type\":\"Topology\",\"objects\":{},\"arcs\":{}}", ErrorCode.FORMAT));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "90, 45 | [90,45]",
        "-180,-90 | [-180,-90]",
        "180.0 , 90.00 | [180.0,90.00]",
        "+5, .5 | [5,0.5]",
        "1e2, -1E1 | [1E+2,-1E+1]",
        "007, 0 | [7,0]"})
    void defaultGeopointsAreLonCommaLat(String raw, String compact) {
        assertEquals(compact, json(point, raw));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"90", "90 45", "90, 45, 0", "[90, 45]", "a, b", "90,", ",45", "NaN, 0", "0x1, 0", "1,2,"})
    void otherDefaultGeopointsAreTypeErrors(String raw) {
        assertEquals(Violation.quote(raw) + " is not a geopoint \"lon, lat\"", invalid(point, raw, ErrorCode.TYPE));
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
        "180.1, 0 | longitude 180.1 is outside [-180, 180]",
        "-181, 0 | longitude -181 is outside [-180, 180]",
        "0, 90.0001 | latitude 90.0001 is outside [-90, 90]",
        "0, -1e3 | latitude -1E+3 is outside [-90, 90]"})
    void geopointsOutOfRangeAreTypeErrors(String raw, String problem) {
        assertEquals(Violation.quote(raw) + " is not a geopoint \"lon, lat\": " + problem,
                invalid(point, raw, ErrorCode.TYPE));
    }

    @Test
    void arrayAndObjectGeopoints() {
        assertEquals("[90,45.5]", json(pointArray, "[90, 45.5]"));
        assertEquals("\"[90]\" is not a geopoint [lon, lat]", invalid(pointArray, "[90]", ErrorCode.TYPE));
        assertEquals(Violation.quote("[90,\"45\"]") + " is not a geopoint [lon, lat]",
                invalid(pointArray, "[90,\"45\"]", ErrorCode.TYPE));
        assertEquals("\"90, 45\" is not a geopoint [lon, lat]", invalid(pointArray, "90, 45", ErrorCode.TYPE));
        assertEquals("\"[200,0]\" is not a geopoint [lon, lat]: longitude 200 is outside [-180, 180]",
                invalid(pointArray, "[200,0]", ErrorCode.TYPE));
        assertEquals("{\"lon\":90,\"lat\":45}", json(pointObject, "{\"lon\": 90, \"lat\": 45}"));
        assertEquals("{\"lon\":90,\"lat\":45}", json(pointObject, "{\"lat\": 45, \"lon\": 90}"));
        invalid(pointObject, "{\"lon\": 90}", ErrorCode.TYPE);
        invalid(pointObject, "{\"lon\": 90, \"lat\": 45, \"alt\": 0}", ErrorCode.TYPE);
        invalid(pointObject, "{\"lon\": 90, \"lat\": null}", ErrorCode.TYPE);
        invalid(pointObject, "[90, 45]", ErrorCode.TYPE);
    }

    @Test
    void geopointsAreEqualByValueAndTakeEnumInTheirFormat() {
        assertEquals(point.uniqueKey(check(point, "90, 45").value()), point.uniqueKey(check(point, "90.0,45.00").value()));
        Field e = field("{\"name\":\"p\",\"type\":\"geopoint\",\"constraints\":{\"enum\":[\"0, 0\",\"1, 1\"]}}");
        assertEquals("[0.0,0]", json(e, "0.0, 0"));
        assertEquals("\"2, 2\" is not one of [0, 0, 1, 1]", invalid(e, "2, 2", ErrorCode.ENUM));
        Field o = field("{\"name\":\"p\",\"type\":\"geopoint\",\"format\":\"object\","
                + "\"constraints\":{\"enum\":[{\"lon\":1,\"lat\":2}]}}");
        assertEquals("{\"lon\":1.0,\"lat\":2}", json(o, "{\"lat\":2,\"lon\":1.0}"));
    }
}
