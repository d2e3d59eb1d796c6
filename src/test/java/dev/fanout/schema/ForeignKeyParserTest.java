package dev.fanout.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ForeignKeyParserTest {
    private static final String FIELDS = """
            "fields":[{"name":"id","type":"integer"},{"name":"parent","type":"integer"},
                      {"name":"country"},{"name":"region"},{"name":"code","type":"number"}]""";

    private static Schema parse(String foreignKeys) {
        return Schema.parse(("{" + FIELDS + ",\"foreignKeys\":" + foreignKeys + "}").getBytes(StandardCharsets.UTF_8));
    }

    static Stream<Arguments> problems() {
        return Stream.of(
                Arguments.of("{}", "foreignKeys must be an array, not an object"),
                Arguments.of("[\"parent\"]", "foreignKeys #1 must be an object, not a string"),
                Arguments.of("[{\"reference\":{\"resource\":\"\",\"fields\":\"id\"}}]", "foreignKeys #1: fields is missing"),
                Arguments.of("[{\"fields\":[],\"reference\":{\"resource\":\"\",\"fields\":[]}}]",
                        "foreignKeys #1: fields must name at least one field"),
                Arguments.of("[{\"fields\":7,\"reference\":{\"resource\":\"\",\"fields\":\"id\"}}]",
                        "foreignKeys #1: fields must be a field name or an array of field names, not a number"),
                Arguments.of("[{\"fields\":[\"parent\",1],\"reference\":{\"resource\":\"\",\"fields\":\"id\"}}]",
                        "foreignKeys #1: fields must be a field name or an array of field names, but has 1"),
                Arguments.of("[{\"fields\":[\"parent\",\"parent\"],\"reference\":{\"resource\":\"\",\"fields\":[\"id\",\"id\"]}}]",
                        "foreignKeys #1: fields names 'parent' twice"),
                Arguments.of("[{\"fields\":\"nobody\",\"reference\":{\"resource\":\"\",\"fields\":\"id\"}}]",
                        "foreignKeys #1: field 'nobody' is not in the schema"),
                Arguments.of("[{\"fields\":\"parent\"}]", "foreignKeys #1 has no reference"),
                Arguments.of("[{\"fields\":\"parent\",\"reference\":\"id\"}]",
                        "foreignKeys #1: reference must be an object, not a string"),
                Arguments.of("[{\"fields\":\"parent\",\"reference\":{\"resource\":\"\"}}]",
                        "foreignKeys #1: reference.fields is missing"),
                Arguments.of("[{\"fields\":\"parent\",\"reference\":{\"resource\":5,\"fields\":\"id\"}}]",
                        "foreignKeys #1: reference.resource must be a string, not a number"),
                Arguments.of("[{\"fields\":\"parent\",\"reference\":{\"resource\":\"../etc/passwd\",\"fields\":\"id\"}}]",
                        "foreignKeys #1: reference.resource '../etc/passwd' is not a reference table name (letters, digits, "
                                + "'.', '_', '-'; not starting with one of the last three)"),
                Arguments.of("[{\"fields\":[\"country\",\"region\"],\"reference\":{\"resource\":\"regions\",\"fields\":\"code\"}}]",
                        "foreignKeys #1: fields has 2 name(s) and reference.fields 1; they must pair up"),
                Arguments.of("[{\"fields\":\"parent\",\"reference\":{\"resource\":\"\",\"fields\":\"nobody\"}}]",
                        "foreignKeys #1: reference.fields names 'nobody', which is not in the schema (a reference to this table itself)"),
                Arguments.of("[{\"fields\":\"country\",\"reference\":{\"resource\":\"\",\"fields\":\"id\"}}]",
                        "foreignKeys #1: field 'country' is string and 'id' is integer: values of different types never match"),
                Arguments.of("[{\"fields\":\"parent\",\"reference\":{\"resource\":\"\",\"fields\":\"code\"}}]",
                        "foreignKeys #1: field 'parent' is integer and 'code' is number: values of different types never match"),
                Arguments.of("[{\"fields\":\"parent\",\"reference\":{\"resource\":\"\",\"field\":\"id\"}}]",
                        "foreignKeys #1: reference has an unknown key 'field'"),
                Arguments.of("[{\"fields\":\"parent\",\"references\":{}}]", "foreignKeys #1 has an unknown key 'references'"),
                Arguments.of("[{\"fields\":\"parent\",\"reference\":{\"resource\":\"\",\"fields\":\"id\"}},{\"fields\":\"x\","
                        + "\"reference\":{\"resource\":\"\",\"fields\":\"id\"}}]", "foreignKeys #2: field 'x' is not in the schema"));
    }

    @ParameterizedTest
    @MethodSource("problems")
    void aShapeFanoutCannotCheckIsAnInvalidSchema(String foreignKeys, String message) {
        var e = assertThrows(InvalidSchemaException.class, () -> parse(foreignKeys));
        assertEquals(message, e.getMessage());
    }

    @Test
    void namesOrArraysOfNamesArePaired() {
        Schema schema = parse("""
                [{"fields":"parent","reference":{"resource":"","fields":"id"}},
                 {"fields":["country","region"],"reference":{"resource":"regions","fields":["country_code","code"]}}]""");
        assertEquals(List.of(new ForeignKey(List.of("parent"), "", List.of("id")),
                new ForeignKey(List.of("country", "region"), "regions", List.of("country_code", "code"))), schema.foreignKeys());
        assertTrue(schema.foreignKeys().getFirst().selfReference());
        assertTrue(schema.referencesTables());
        assertEquals("country,region", schema.foreignKeys().get(1).label());
        assertEquals("regions (country_code, code)", schema.foreignKeys().get(1).describeReference());
    }

    @Test
    void aV2ReferenceWithoutResourceIsASelfReference() {
        Schema schema = parse("[{\"fields\":\"parent\",\"reference\":{\"fields\":\"id\"}}]");
        assertTrue(schema.foreignKeys().getFirst().selfReference());
        assertEquals("this table (id)", schema.foreignKeys().getFirst().describeReference());
        assertEquals(false, schema.referencesTables());
    }

    @Test
    void aSchemaWithoutForeignKeysHasNone() {
        assertEquals(List.of(), Schema.people().foreignKeys());
    }
}
