package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForeignKeyGatewayTest {
    private static final String CITIES = """
            {"fields":[{"name":"city"},{"name":"country"}],
             "foreignKeys":[{"fields":"country","reference":{"resource":"countries","fields":"code"}}]}""";
    private static final String CSV = "city,country\nBerlin,DE\nParis,FR\n";

    @TempDir
    Path dir;

    private Path folder(String countries) throws Exception {
        Files.writeString(dir.resolve("cities.json"), CITIES);
        Files.writeString(dir.resolve("countries.csv"), countries);
        return dir;
    }

    @Test
    void aRegisteredSchemaChecksItsReferenceTableAndSeesItChange() throws Exception {
        try (var gateway = TestGateway.start(folder("code,name\nDE,Germany\n"), Map.of("fanout.schemas.max-reference-rows", "2"))) {
            var response = gateway.postCsv("/v1/validate?schema=cities&mode=invalid", CSV);
            assertEquals(200, response.statusCode(), response::body);
            assertEquals("{\"row\":2,\"line\":3,\"valid\":false,\"data\":{\"city\":\"Paris\",\"country\":\"FR\"},\"errors\":[{\"field\":"
                    + "\"country\",\"code\":\"foreign_key\",\"message\":\"country \\\"FR\\\" is not a key of countries (code)\"}]}\n",
                    response.body());

            Files.writeString(dir.resolve("countries.csv"), "code,name\nDE,Germany\nFR,France\n");
            Thread.sleep(1100);
            var after = gateway.postCsv("/v1/validate?schema=cities&mode=invalid&summary=true", CSV);
            assertEquals(200, after.statusCode(), after::body);
            assertTrue(TestGateway.masked(after.body()).startsWith("{\"summary\":{\"rows\":2,\"valid\":2,\"invalid\":0"), after.body());

            // Grown past the bound (2 rows here): the schema is refused until the table is fixed.
            Files.writeString(dir.resolve("countries.csv"), "code\nDE\nFR\nIT\n");
            Thread.sleep(1100);
            var refused = TestGateway.assertProblem(gateway.postCsv("/v1/validate?schema=cities", CSV), 422, "invalid_schema");
            assertEquals("foreignKeys #1: reference table 'countries': countries.csv has more than 2 rows, the limit "
                    + "(fanout.schemas.max-reference-rows)", refused.path("detail").asText());
            gateway.assertStillServes();
        }
    }

    @Test
    void aTableOverTheBoundOrMissingStopsTheStart() throws Exception {
        folder("code\nDE\nFR\nIT\n");
        var over = assertThrows(IllegalArgumentException.class,
                () -> TestGateway.start(dir, Map.of("fanout.schemas.max-reference-rows", "2")).close());
        assertTrue(over.getMessage().endsWith("cities.json is invalid: foreignKeys #1: reference table 'countries': countries.csv has "
                + "more than 2 rows, the limit (fanout.schemas.max-reference-rows)"), over.getMessage());
        Files.delete(dir.resolve("countries.csv"));
        var missing = assertThrows(IllegalArgumentException.class, () -> TestGateway.start(dir, Map.of()).close());
        assertTrue(missing.getMessage().endsWith("there is no file countries.csv beside the schemas"), missing.getMessage());
    }

    @Test
    void anInlineSchemaMayReferToItselfButNotToATable() throws Exception {
        try (var gateway = TestGateway.start(folder("code\nDE\n"), Map.of())) {
            var refused = TestGateway.assertProblem(gateway.postMultipart("/v1/validate",
                    new Multipart().schema(CITIES).file(CSV)), 422, "invalid_schema");
            assertTrue(refused.path("detail").asText().startsWith("a foreign key of country refers to reference table 'countries': "
                    + "reference tables serve registered schemas only"), refused.toString());

            String tree = """
                    {"fields":[{"name":"id","type":"integer"},{"name":"parent","type":"integer"}],
                     "foreignKeys":[{"fields":"parent","reference":{"resource":"","fields":"id"}}]}""";
            var response = gateway.postMultipart("/v1/validate?mode=invalid",
                    new Multipart().schema(tree).file("id,parent\n1,\n2,1\n3,9\n"));
            assertEquals(200, response.statusCode(), response::body);
            assertEquals("{\"row\":3,\"line\":4,\"valid\":false,\"data\":{\"id\":3,\"parent\":9},\"errors\":[{\"field\":\"parent\","
                    + "\"code\":\"foreign_key\",\"message\":\"parent \\\"9\\\" is not a key of this table (id)\"}]}\n", response.body());
        }
    }
}
