package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/// `POST /v1/validate` in each request form the SPEC allows, with each query parameter, answered
/// byte for byte (only `elapsedMs` masked).
class ValidateRequestTest {
    /// Ten people, rows 4 and 6 invalid (missing name, bad age), row 9 both.
    static final People.File TEN = People.file(1, 10, id -> switch ((int) id) {
        case 4 -> People.Kind.MISSING_NAME;
        case 6 -> People.Kind.BAD_AGE;
        case 9 -> People.Kind.MISSING_NAME_AND_BAD_AGE;
        default -> People.Kind.VALID;
    });

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas();

    private static void assertNdjson(String expected, HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("application/x-ndjson", response.headers().firstValue("content-type").orElse(""));
        assertEquals(expected, TestGateway.masked(response.body()));
    }

    @Test
    void rawCsvWithSchemaParameterAnswersOneLinePerRowInInputOrder() throws Exception {
        assertNdjson(TEN.ndjsonAll(), gateway.postCsv("/v1/validate?schema=people", TEN.csv()));
    }

    @Test
    void answersTheSpecExampleByteForByte() throws Exception {
        String csv = "id,name,email,age\n1,Ada,ada@example.org,36\n2,,bob@example.org,abc\n";
        String expected = """
                {"row":1,"line":2,"valid":true,"data":{"id":1,"name":"Ada","email":"ada@example.org","age":36,"city":null}}
                {"row":2,"line":3,"valid":false,"data":{"id":2,"name":null,"email":"bob@example.org","age":"abc","city":null},\
                "errors":[{"field":"name","code":"required","message":"name is required"},\
                {"field":"age","code":"type","message":"\\"abc\\" is not an integer"}]}
                {"summary":{"rows":2,"valid":1,"invalid":1,"elapsedMs":0}}
                """;
        assertNdjson(expected, gateway.postCsv("/v1/validate?schema=people&summary=true", csv));
    }

    /// The plain `schema=NAME` query is read without Helidon's decoding (ValidateService's quick
    /// path); the same name encoded, or with more parameters, goes the long way: each answers alike.
    @ParameterizedTest
    @ValueSource(strings = {"schema=people", "schema=peopl%65", "schema=%70eople", "summary=false&schema=people",
            "schema=people&summary=false"})
    void theSchemaNameIsTheSameWhetherOrNotItIsEncoded(String query) throws Exception {
        assertNdjson(TEN.ndjsonAll(), gateway.postCsv("/v1/validate?" + query, TEN.csv()));
    }

    @ParameterizedTest
    @CsvSource({"schema=people, people", "schema=My.schema_v2-1, My.schema_v2-1", "schema=, ''", "schema=a%20b, ''",
            "schema=a+b, ''", "schema=a&mode=valid, ''", "schema=a=b, ''", "schemas=a, ''", "mode=valid, ''", "'', ''",
            "schema=ä, ''"})
    void onlyAPlainSchemaNameTakesTheQuickPath(String query, String plain) {
        assertEquals(plain, ValidateService.plainSchemaName(query).orElse(""));
    }

    @Test
    void multipartWithOnlyAFilePartUsesTheSchemaParameter() throws Exception {
        assertNdjson(TEN.ndjsonAll(), gateway.postMultipart("/v1/validate?schema=people", new Multipart().file(TEN.csv())));
    }

    @Test
    void multipartWithASchemaPartBeforeTheFileValidatesAgainstThatSchema() throws Exception {
        String schema = """
                {"fields":[{"name":"sku","type":"string","constraints":{"required":true}},
                           {"name":"qty","type":"integer"}]}""";
        var body = new Multipart().schema(schema).file("qty,sku\n3,A-1\nmany,\n");
        String expected = """
                {"row":1,"line":2,"valid":true,"data":{"sku":"A-1","qty":3}}
                {"row":2,"line":3,"valid":false,"data":{"sku":null,"qty":"many"},\
                "errors":[{"field":"sku","code":"required","message":"sku is required"},\
                {"field":"qty","code":"type","message":"\\"many\\" is not an integer"}]}
                {"summary":{"rows":2,"valid":1,"invalid":1,"elapsedMs":0}}
                """;
        assertNdjson(expected, gateway.postMultipart("/v1/validate?summary=true", body));
    }

    @Test
    void multipartSkipsPartsThatAreNeitherSchemaNorFile() throws Exception {
        var body = new Multipart().part("comment", "note.txt", "text/plain", "hello".getBytes(StandardCharsets.UTF_8))
                .file(TEN.csv());
        assertNdjson(TEN.ndjsonAll(), gateway.postMultipart("/v1/validate?schema=people", body));
    }

    @Test
    void modeAllIsTheDefault() throws Exception {
        assertNdjson(TEN.ndjsonAll() + People.summary(10, 7, 3),
                gateway.postCsv("/v1/validate?schema=people&summary=true", TEN.csv()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"all", "invalid", "valid"})
    void modeSelectsWhichRowsAreWrittenWhileTheSummaryCountsThemAll(String mode) throws Exception {
        String rows = switch (mode) {
            case "all" -> TEN.ndjsonAll();
            case "invalid" -> TEN.ndjsonInvalid();
            default -> TEN.ndjsonValid();
        };
        assertNdjson(rows + People.summary(10, 7, 3),
                gateway.postCsv("/v1/validate?schema=people&summary=true&mode=" + mode, TEN.csv()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"invalid", "valid"})
    void multipartHonoursTheModeToo(String mode) throws Exception {
        String rows = mode.equals("invalid") ? TEN.ndjsonInvalid() : TEN.ndjsonValid();
        assertNdjson(rows, gateway.postMultipart("/v1/validate?schema=people&mode=" + mode, new Multipart().file(TEN.csv())));
    }

    @ParameterizedTest
    @CsvSource({"summary=true, true", "summary=false, false", "mode=all, false"})
    void summaryLineIsAppendedOnlyWhenAsked(String parameter, boolean appended) throws Exception {
        String expected = TEN.ndjsonAll() + (appended ? People.summary(10, 7, 3) : "");
        assertNdjson(expected, gateway.postCsv("/v1/validate?schema=people&" + parameter, TEN.csv()));
    }

    @Test
    void anEmptyFileWithAHeaderSummarisesZeroRows() throws Exception {
        assertNdjson(People.summary(0, 0, 0), gateway.postCsv("/v1/validate?schema=people&summary=true", People.HEADER));
    }

    @Test
    void tabDelimiterIsAcceptedAsPercent09() throws Exception {
        String tabbed = TEN.csv().replace(',', '\t');
        assertNdjson(TEN.ndjsonAll(), gateway.postCsv("/v1/validate?schema=people&delimiter=%09", tabbed));
    }

    @Test
    void semicolonDelimiterSplitsOnSemicolonsOnly() throws Exception {
        String csv = "id;name;email;city\n1;Smith, Ada;ada@example.org;Paris\n";
        String expected = """
                {"row":1,"line":2,"valid":true,"data":{"id":1,"name":"Smith, Ada","email":"ada@example.org","age":null,"city":"Paris"}}
                """;
        assertNdjson(expected, gateway.postCsv("/v1/validate?schema=people&delimiter=%3B", csv));
        assertNdjson(expected, gateway.postCsv("/v1/validate?schema=people&delimiter=;", csv));
    }

    @Test
    void extraColumnsAreAnErrorByDefault() throws Exception {
        var response = gateway.postCsv("/v1/validate?schema=people", "id,name,email,note\n1,Ada,ada@example.org,hi\n");
        TestGateway.assertProblem(response, 422, "unknown_column");
        TestGateway.assertProblem(gateway.postCsv("/v1/validate?schema=people&extra=error",
                "id,name,email,note\n1,Ada,ada@example.org,hi\n"), 422, "unknown_column");
    }

    @Test
    void extraIgnoreLeavesUnknownColumnsOutOfData() throws Exception {
        String csv = "note,id,name,email\nhi,1,Ada,ada@example.org\n";
        String expected = """
                {"row":1,"line":2,"valid":true,"data":{"id":1,"name":"Ada","email":"ada@example.org","age":null,"city":null}}
                """;
        assertNdjson(expected, gateway.postCsv("/v1/validate?schema=people&extra=ignore", csv));
    }

    @Test
    void extraKeepAddsUnknownColumnsAsStringsAfterTheSchemaFields() throws Exception {
        String csv = "note,id,name,email,rank\nhi,1,Ada,ada@example.org,42\n";
        String expected = """
                {"row":1,"line":2,"valid":true,"data":{"id":1,"name":"Ada","email":"ada@example.org","age":null,"city":null,"note":"hi","rank":"42"}}
                """;
        assertNdjson(expected, gateway.postCsv("/v1/validate?schema=people&extra=keep", csv));
    }

    @Test
    void columnsMatchFieldsByNameInAnyOrder() throws Exception {
        String csv = "city,age,email,name,id\nOslo,7,ada@example.org,Ada,1\n";
        String expected = """
                {"row":1,"line":2,"valid":true,"data":{"id":1,"name":"Ada","email":"ada@example.org","age":7,"city":"Oslo"}}
                """;
        assertNdjson(expected, gateway.postCsv("/v1/validate?schema=people", csv));
    }

    @Test
    void bomAndCrlfLineEndingsGiveTheSameAnswerAsPlainLf() throws Exception {
        String crlf = "\uFEFF" + TEN.csv().replace("\n", "\r\n");
        assertNdjson(TEN.ndjsonAll(), gateway.postCsv("/v1/validate?schema=people", crlf));
    }

    @Test
    void lineCountsPhysicalLinesWhenAQuotedFieldSpansSeveral() throws Exception {
        String csv = "id,name,email\n1,\"Ada\nLovelace\",ada@example.org\n2,Bob,bob@example.org\n";
        String expected = """
                {"row":1,"line":2,"valid":true,"data":{"id":1,"name":"Ada\\nLovelace","email":"ada@example.org","age":null,"city":null}}
                {"row":2,"line":4,"valid":true,"data":{"id":2,"name":"Bob","email":"bob@example.org","age":null,"city":null}}
                """;
        assertNdjson(expected, gateway.postCsv("/v1/validate?schema=people", csv));
    }

    @Test
    void aRecordWithTheWrongNumberOfCellsIsInvalidWithFieldCount() throws Exception {
        var response = gateway.postCsv("/v1/validate?schema=people", "id,name,email\n1,Ada\n");
        assertEquals(200, response.statusCode(), response::body);
        var row = TestGateway.json(response.body());
        assertEquals(false, row.path("valid").asBoolean(true), response.body());
        assertEquals("field_count", row.path("errors").path(0).path("code").asText(), response.body());
        assertEquals(true, row.path("errors").path(0).path("field").isNull(), response.body());
    }
}
