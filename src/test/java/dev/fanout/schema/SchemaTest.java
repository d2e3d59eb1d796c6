package dev.fanout.schema;

import static dev.fanout.schema.FieldFixture.check;
import static dev.fanout.schema.FieldFixture.schema;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SchemaTest {

    @Test
    void peopleIsTheBundledExample() {
        Schema people = Schema.people();
        assertSame(people, Schema.people(), "parsed once");
        assertEquals(List.of("id", "name", "email", "age", "city"), people.fields().stream().map(Field::name).toList());
        assertEquals(List.of(FieldType.INTEGER, FieldType.STRING, FieldType.STRING, FieldType.INTEGER, FieldType.STRING),
                people.fields().stream().map(Field::type).toList());
        assertEquals(List.of(true, true, true, false, false), people.fields().stream().map(Field::required).toList());
        assertEquals("email", people.field("email").orElseThrow().format());
        assertEquals(List.of(), people.primaryKey());
        assertTrue(people.json().contains("\"maxLength\": 64"));
    }

    /// The jar holds the people schema as a constant (a resource lookup cost ~5 ms at start);
    /// the file the image and the manifests copy must be the same document, byte for byte.
    @Test
    void peopleIsTheBundledFileByteForByte() throws IOException {
        assertEquals(Files.readString(Path.of("src/main/resources/dev/fanout/schema/people.json")),
                Schema.people().json());
    }

    @Test
    void peopleChecksMatchTheSpec() {
        Schema people = Schema.people();
        Field id = people.field("id").orElseThrow();
        Field age = people.field("age").orElseThrow();
        Field city = people.field("city").orElseThrow();
        assertEquals(List.of("minimum"), check(id, "0").codes());
        assertEquals(List.of(), check(id, "1").violations());
        assertEquals("\"abc\" is not an integer", check(age, "abc").violations().getFirst().message());
        assertEquals("\"200\" is above the maximum 150", check(age, "200").violations().getFirst().message());
        assertEquals(List.of("minimum"), check(age, "-1").codes());
        assertEquals(List.of("format"), check(people.field("email").orElseThrow(), "bob").codes());
        assertEquals(List.of(), check(city, "x".repeat(64)).violations());
        assertEquals(List.of("maxLength"), check(city, "x".repeat(65)).codes());
    }

    @Test
    void lookupsByName() {
        Schema people = Schema.people();
        assertEquals(3, people.indexOf("age"));
        assertEquals(-1, people.indexOf("nope"));
        assertEquals(Optional.empty(), people.field("nope"));
        assertEquals("age", people.field("age").orElseThrow().name());
    }

    @Test
    void missingValuesDefaultToTheEmptyString() {
        Schema schema = schema("{\"fields\":[{\"name\":\"a\"}]}");
        assertTrue(schema.isMissing(""));
        assertFalse(schema.isMissing("NA"));
        assertFalse(schema.isMissing(" "));
    }

    @Test
    void missingValuesReplaceTheDefault() {
        Schema schema = schema("{\"fields\":[{\"name\":\"a\"}],\"missingValues\":[\"NA\",\"-\"]}");
        assertTrue(schema.isMissing("NA"));
        assertTrue(schema.isMissing("-"));
        assertFalse(schema.isMissing(""), "the empty string is a value once missingValues omits it");
        Schema none = schema("{\"fields\":[{\"name\":\"a\"}],\"missingValues\":[]}");
        assertFalse(none.isMissing(""));
    }

    /// The engine asks about cells where they lie in a record's bytes.
    @Test
    void missingValuesAreMatchedAsBytesWhereTheCellLies() {
        Schema schema = schema("{\"fields\":[{\"name\":\"a\"}],\"missingValues\":[\"NA\",\"n/\u00e4\",\"\"]}");
        byte[] record = "xNA,n/\u00e4,NAN,N,,".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(schema.isMissing(record, 1, 3));
        assertTrue(schema.isMissing(record, 4, 8));
        assertFalse(schema.isMissing(record, 9, 12), "NAN");
        assertFalse(schema.isMissing(record, 13, 14), "N");
        assertTrue(schema.isMissing(record, 15, 15), "empty");
        Schema onlyEmpty = schema("{\"fields\":[{\"name\":\"a\"}]}");
        assertTrue(onlyEmpty.isMissing(record, 15, 15));
        assertFalse(onlyEmpty.isMissing(record, 1, 3));
        Schema none = schema("{\"fields\":[{\"name\":\"a\"}],\"missingValues\":[]}");
        assertFalse(none.isMissing(record, 15, 15));
    }

    @Test
    void aFieldNamesItselfInItsRequiredMessageAndTheSchemaListsItsFields() {
        Schema schema = schema("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"},{\"name\":\"when\",\"type\":\"date\"}]}");
        assertEquals("id is required", schema.fields().get(0).requiredMessage());
        assertEquals("Schema[Field[id: integer], Field[when: date]]", schema.toString());
    }

    @Test
    void aStringPrimaryKeyMakesItsFieldRequired() {
        Schema schema = schema("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"},{\"name\":\"x\"}],"
                + "\"primaryKey\":\"id\"}");
        assertEquals(List.of("id"), schema.primaryKey());
        assertTrue(schema.fields().get(0).required());
        assertFalse(schema.fields().get(1).required());
        assertFalse(schema.fields().get(0).unique(), "uniqueness of the key is the engine's job, not unique()");
    }

    @Test
    void aCompositePrimaryKeyKeepsKeyOrder() {
        Schema schema = schema("{\"fields\":[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}],"
                + "\"primaryKey\":[\"c\",\"a\"]}");
        assertEquals(List.of("c", "a"), schema.primaryKey());
        assertEquals(List.of(true, false, true), schema.fields().stream().map(Field::required).toList());
    }

    @Test
    void annotationsAndCustomKeysAreIgnored() {
        Schema schema = schema("{\"title\":\"t\",\"fields\":[{\"name\":\"a\",\"title\":\"A\",\"description\":\"d\","
                + "\"x-lookup\":{\"upstream\":\"crm\",\"path\":\"/c/{value}\"},\"rdfType\":\"x\",\"x-owner\":\"crm\"}],"
                + "\"x-version\":3}");
        assertEquals("a", schema.fields().getFirst().name());
    }

    @Test
    void jsonIsTheDocumentAsGiven() {
        String json = "{ \"fields\" : [ {\"name\":\"é\"} ] }\n";
        assertEquals(json, schema(json).json());
    }

    @Test
    void typeDefaultsToStringAndFormatToDefault() {
        Field field = schema("{\"fields\":[{\"name\":\"a\"}]}").fields().getFirst();
        assertEquals(FieldType.STRING, field.type());
        assertEquals("default", field.format());
        assertEquals("Field[a: string]", field.toString());
    }

    /// Served back by `GET /v1/schemas/{name}`: JSON over a network carries no byte order mark.
    @Test
    void aDocumentIsKeptWithoutItsByteOrderMark() {
        String json = "{\"fields\":[{\"name\":\"f\"}]}";
        assertEquals(json, Schema.parse(("\uFEFF" + json).getBytes(java.nio.charset.StandardCharsets.UTF_8)).json());
        assertEquals(json, Schema.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).json());
    }
}
