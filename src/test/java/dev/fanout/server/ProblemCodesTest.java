package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// Every request-level failure of `POST /v1/validate` answers `application/problem+json` with the
/// SPEC's status and a stable `code`, never a stack trace, and leaves the server serving: each
/// test sends a good request after the bad one.
class ProblemCodesTest {
    static final int MAX_UPLOAD_BYTES = 1000;
    static final int MAX_SCHEMA_BYTES = 200;
    static final String CSV = "id,name,email\n1,Ada,ada@example.org\n";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.limits.max-upload-bytes", Integer.toString(MAX_UPLOAD_BYTES))
            .setting("fanout.limits.max-schema-bytes", Integer.toString(MAX_SCHEMA_BYTES));

    private static void assertRefused(HttpResponse<String> response, int status, String code) throws Exception {
        TestGateway.assertProblem(response, status, code);
        gateway.assertStillServes();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/nope", "/v1/validate", "/v1/schemas/people/extra"})
    void anUnknownRouteIs404NotFound(String path) throws Exception {
        var answer = TestGateway.assertProblem(gateway.get(path), 404, "not_found");
        assertEquals("no route for GET " + path + "; see the README for the API", answer.get("detail").asText());
        gateway.assertStillServes();
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "schema=people&colour=red",
            "schema=people&mode=some",
            "schema=people&mode=",
            "schema=people&summary=yes",
            "schema=people&delimiter=ab",
            "schema=people&delimiter=%22",
            "schema=people&extra=drop",
            "schema=people&mode=all&mode=all",
            "schema=people&summary&summary=true",
            "schema=people&mode&mode=invalid",
            "schema=people&schema=people",
            "schema="})
    void aBadQueryParameterIs400BadParameter(String query) throws Exception {
        assertRefused(gateway.postCsv("/v1/validate?" + query, CSV), 400, "bad_parameter");
    }

    @Test
    void aSchemaPartTogetherWithASchemaParameterIs400BadParameter() throws Exception {
        var body = new Multipart().schema("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"}]}").file("id\n1\n");
        assertRefused(gateway.postMultipart("/v1/validate?schema=people", body), 400, "bad_parameter");
    }

    @Test
    void rawCsvWithoutASchemaParameterIs400MissingSchema() throws Exception {
        assertRefused(gateway.postCsv("/v1/validate", CSV), 400, "missing_schema");
    }

    @Test
    void multipartWithNeitherSchemaPartNorParameterIs400MissingSchema() throws Exception {
        assertRefused(gateway.postMultipart("/v1/validate", new Multipart().file(CSV)), 400, "missing_schema");
    }

    @Test
    void multipartWithoutAFilePartIs400MissingFile() throws Exception {
        var onlySchema = new Multipart().schema("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"}]}");
        assertRefused(gateway.postMultipart("/v1/validate", onlySchema), 400, "missing_file");
        var otherPart = new Multipart().part("csv", "people.csv", "text/csv", CSV.getBytes(StandardCharsets.UTF_8));
        assertRefused(gateway.postMultipart("/v1/validate?schema=people", otherPart), 400, "missing_file");
    }

    @Test
    void aGarbageBodyWithAMultipartContentTypeIs400BadMultipart() throws Exception {
        byte[] garbage = "this is not a multipart body at all\r\n".getBytes(StandardCharsets.US_ASCII);
        assertRefused(gateway.post("/v1/validate?schema=people", Multipart.CONTENT_TYPE, garbage), 400, "bad_multipart");
    }

    @Test
    void aMultipartContentTypeWithoutBoundaryIs400BadMultipart() throws Exception {
        byte[] body = new Multipart().file(CSV).bytes();
        assertRefused(gateway.post("/v1/validate?schema=people", "multipart/form-data", body), 400, "bad_multipart");
    }

    /// FileUpload reads a part of type `multipart/mixed` as a nested body, and one without a
    /// boundary made its iterator throw a `NullPointerException`: a `500` for a malformed body.
    @ParameterizedTest
    @ValueSource(strings = {"file", "schema", "other"})
    void aNestedMultipartPartWithoutBoundaryIs400BadMultipart(String name) throws Exception {
        var body = new Multipart().part(name, "a.csv", "multipart/mixed", CSV.getBytes(StandardCharsets.UTF_8)).file(CSV);
        assertRefused(gateway.postMultipart("/v1/validate?schema=people", body), 400, "bad_multipart");
    }

    @Test
    void twoSchemaPartsAre400BadMultipart() throws Exception {
        String schema = "{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"}]}";
        var body = new Multipart().schema(schema).schema(schema).file("id\n1\n");
        assertRefused(gateway.postMultipart("/v1/validate", body), 400, "bad_multipart");
    }

    @Test
    void aSchemaPartAfterTheFileIs400SchemaAfterFile() throws Exception {
        var body = new Multipart().file("id\n1\n").schema("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"}]}");
        assertRefused(gateway.postMultipart("/v1/validate", body), 400, "schema_after_file");
    }

    @Test
    void anUnregisteredSchemaNameIs404UnknownSchema() throws Exception {
        assertRefused(gateway.postCsv("/v1/validate?schema=nobody", CSV), 404, "unknown_schema");
        assertRefused(gateway.postMultipart("/v1/validate?schema=nobody", new Multipart().file(CSV)), 404, "unknown_schema");
    }

    @Test
    void aContentLengthOverTheUploadLimitIs413UploadTooLarge() throws Exception {
        var big = new StringBuilder(People.HEADER);
        while (big.length() <= 2 * MAX_UPLOAD_BYTES) {
            big.append(People.csvRow(big.length(), People.Kind.VALID));
        }
        assertRefused(gateway.postCsv("/v1/validate?schema=people", big.toString()), 413, "upload_too_large");
    }

    @Test
    void aSchemaPartOverTheSchemaLimitIs413SchemaTooLarge() throws Exception {
        var fields = new StringBuilder("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"}");
        for (int i = 0; fields.length() <= MAX_SCHEMA_BYTES; i++) {
            fields.append(",{\"name\":\"column").append(i).append("\",\"type\":\"string\"}");
        }
        var body = new Multipart().schema(fields.append("]}").toString()).file("id\n1\n");
        assertRefused(gateway.postMultipart("/v1/validate", body), 413, "schema_too_large");
    }

    /// A schema part over the limit is refused as soon as its first bytes over the limit are read:
    /// the rest of it, however long, is not read through first while the request holds its
    /// admission place, and the connection ends after the answer.
    @Test
    void aSchemaPartOverTheLimitIsRefusedBeforeTheRestOfItComes() throws Exception {
        String head = "--" + Multipart.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"schema\"\r\n"
                + "Content-Type: application/json\r\n\r\n";
        byte[] start = (head + "{\"fields\":[" + " ".repeat(2 * MAX_SCHEMA_BYTES)).getBytes(StandardCharsets.US_ASCII);
        try (var connection = RawConnection.open(gateway.port())) {
            // A chunked body of which only the start comes: the client is still sending.
            connection.postChunked("/v1/validate", Multipart.CONTENT_TYPE)
                    .sendChunk(start)
                    .readTimeout(java.time.Duration.ofSeconds(10));
            RawConnection.Head answer = connection.readHead();
            assertEquals(413, answer.status());
            assertTrue(RawConnection.readAll(connection.body(answer)).contains("\"code\":\"schema_too_large\""));
            assertTrue(connection.closedByServer(), "the connection ends: the rest of the body is not read");
        }
        gateway.assertStillServes();
    }

    @Test
    void jsonIs415UnsupportedMediaType() throws Exception {
        byte[] body = "{\"id\":1}".getBytes(StandardCharsets.UTF_8);
        assertRefused(gateway.post("/v1/validate?schema=people", "application/json", body), 415, "unsupported_media_type");
    }

    /// RFC 9110 allows blanks around `;` and empty parameters; Helidon's parser refused both
    /// (`text/csv ; charset=utf-8` as 415, `text/csv;` as 400).
    @ParameterizedTest
    @ValueSource(strings = {"text/csv ; charset=utf-8", "text/csv;", "TEXT/CSV", "text/csv ;; charset=utf-8"})
    void aCsvContentTypeIsReadAsRfc9110WritesIt(String contentType) throws Exception {
        var response = gateway.post("/v1/validate?schema=people", contentType, CSV.getBytes(StandardCharsets.UTF_8));
        assertEquals(200, response.statusCode(), response::body);
        assertTrue(response.body().startsWith("{\"row\":1,"), response.body());
    }

    /// Requests Helidon refuses before any route runs: answered as problem+json like the others
    /// (Helidon's own answer had an empty body and no type), and the next request is served.
    @ParameterizedTest
    @ValueSource(strings = {"/v1/validate?schema=people|Content-Length: abc", "/v1/validate?schema=people&mode=%zz|Content-Length: 0",
            "/v1/schemas/%zz|Content-Length: 0"})
    void aRequestRefusedBeforeRoutingIs400ProblemJson(String pathAndHeader) throws Exception {
        String[] parts = pathAndHeader.split("\\|", -1);
        try (var connection = RawConnection.open(gateway.port()).readTimeout(java.time.Duration.ofSeconds(10))) {
            connection.postHead(parts[0], "Content-Type: text/csv", parts[1]);
            RawConnection.Head head = connection.readHead();
            assertEquals(400, head.status());
            assertEquals("application/problem+json", head.header("content-type"));
            String body = RawConnection.readAll(connection.body(head));
            assertTrue(body.startsWith("{\"type\":\"about:blank\",\"status\":400,") && body.contains("\"code\":\"bad_request\""), body);
        }
        gateway.assertStillServes();
    }

    /// A stray `&` names no parameter (it was refused as the unknown parameter `''`).
    @Test
    void aStrayAmpersandIsNoParameter() throws Exception {
        var response = gateway.postCsv("/v1/validate?schema=people&&summary=true&", CSV);
        assertEquals(200, response.statusCode(), response::body);
        assertTrue(response.body().contains("{\"summary\":"), response.body());
    }

    @Test
    void aBodyWithoutContentTypeIs415UnsupportedMediaType() throws Exception {
        var response = gateway.postWithoutContentType("/v1/validate?schema=people", CSV.getBytes(StandardCharsets.UTF_8));
        assertRefused(response, 415, "unsupported_media_type");
    }

    @Test
    void aSchemaPartThatIsNotASchemaIs422InvalidSchema() throws Exception {
        var body = new Multipart().schema("{\"fields\": [ this is not JSON").file("id\n1\n");
        assertRefused(gateway.postMultipart("/v1/validate", body), 422, "invalid_schema");
    }

    @Test
    void anEmptyFileIs422EmptyCsv() throws Exception {
        assertRefused(gateway.postCsv("/v1/validate?schema=people", ""), 422, "empty_csv");
        assertRefused(gateway.postMultipart("/v1/validate?schema=people", new Multipart().file("")), 422, "empty_csv");
    }

    @Test
    void aRepeatedHeaderNameIs422DuplicateColumn() throws Exception {
        var response = gateway.postCsv("/v1/validate?schema=people", "id,name,email,name\n1,Ada,ada@example.org,Ada\n");
        var problem = TestGateway.assertProblem(response, 422, "duplicate_column");
        assertEquals(true, problem.path("detail").asText().contains("name"), problem.toString());
        gateway.assertStillServes();
    }

    @Test
    void aRequiredFieldWithoutColumnIs422MissingColumn() throws Exception {
        var response = gateway.postCsv("/v1/validate?schema=people", "id,name,age\n1,Ada,3\n");
        var problem = TestGateway.assertProblem(response, 422, "missing_column");
        assertEquals(true, problem.path("detail").asText().contains("email"), problem.toString());
        gateway.assertStillServes();
    }

    @Test
    void aColumnOutsideTheSchemaIs422UnknownColumn() throws Exception {
        var response = gateway.postCsv("/v1/validate?schema=people", "id,name,email,shoe_size\n1,Ada,ada@example.org,38\n");
        var problem = TestGateway.assertProblem(response, 422, "unknown_column");
        assertEquals(true, problem.path("detail").asText().contains("shoe_size"), problem.toString());
        gateway.assertStillServes();
    }

    @Test
    void aHeaderProblemInAMultipartFileIs422Too() throws Exception {
        var body = new Multipart().file("id,name,email,shoe_size\n1,Ada,ada@example.org,38\n");
        assertRefused(gateway.postMultipart("/v1/validate?schema=people", body), 422, "unknown_column");
    }

    @Test
    void otherMethodsAndPathsAreNotServedAsValidation() throws Exception {
        var get = gateway.get("/v1/validate?schema=people");
        assertEquals(true, get.statusCode() == 404 || get.statusCode() == 405, "GET /v1/validate: " + get.statusCode());
        assertEquals(false, get.body().contains("Exception"), get.body());
        gateway.assertStillServes();
    }
}
