package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/// Table Schema v2 additions through the real gateway: `fieldsMatch` deciding the header check,
/// `uniqueKeys` in row order, a field's own `missingValues`, exclusive bounds and categories in
/// the NDJSON; and schema keywords Fanout does not check refused with `422 invalid_schema`.
class TableSchemaV2GatewayTest {
    /// A registered schema using the v2 keywords, written as a user would (spacing, key order).
    static final String REGISTERED = """
            {
              "$schema": "https://datapackage.org/profiles/2.0/tableschema.json",
              "fieldsMatch": "subset",
              "missingValues": [{"value": "NA", "label": "not asked"}],
              "fields": [
                {"name": "n", "type": "integer", "constraints": {"exclusiveMinimum": 0}, "rdfType": "https://schema.org/Number"},
                {"name": "size", "categories": ["S", "M", "L"], "categoriesOrdered": true, "missingValues": ["-"]}
              ],
              "uniqueKeys": [["n", "size"]]
            }
            """;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas(Map.of("sizes.json", REGISTERED));

    @Test
    void aRegisteredSchemaWithV2KeywordsIsServedUnchangedAndValidates() throws Exception {
        var served = gateway.get("/v1/schemas/sizes");
        assertEquals(200, served.statusCode());
        assertEquals(REGISTERED, served.body());
        var response = gateway.postCsv("/v1/validate?schema=sizes&mode=invalid", "size,n,note\nM,1,x\nXL,2,y\n-,NA,z\nM,1,w\n");
        assertEquals("""
                {"row":2,"line":3,"valid":false,"data":{"n":2,"size":"XL"},"errors":[{"field":"size","code":"categories",\
                "message":"\\"XL\\" is not one of the categories [S, M, L]"}]}
                {"row":4,"line":5,"valid":false,"data":{"n":1,"size":"M"},"errors":[{"field":"n,size","code":"unique",\
                "message":"n,size (\\"1\\", \\"M\\") is a duplicate of row 1"}]}
                """, response.body());
    }


    private static HttpResponse<String> post(String query, String schema, String csv) throws Exception {
        return gateway.postMultipart("/v1/validate" + query, new Multipart().schema(schema).file(csv));
    }

    private static String schema(String fieldsMatch) {
        return "{\"fields\":[{\"name\":\"a\",\"type\":\"integer\"},{\"name\":\"b\"}]"
                + (fieldsMatch.isEmpty() ? "" : ",\"fieldsMatch\":\"" + fieldsMatch + "\"") + "}";
    }

    /// Each mode against each header: `ok` (rows validated; the data keys shown) or the 422 code.
    @ParameterizedTest(name = "fieldsMatch {0}, header {1}")
    @CsvSource(delimiter = '|', value = {
            // no fieldsMatch: Fanout's own rule (name order free, missing optional fields null, extra refused by default)
            "        | a,b   | ok {\"a\":1,\"b\":\"x\"}",
            "        | b,a   | ok {\"a\":1,\"b\":\"x\"}",
            "        | a     | ok {\"a\":1,\"b\":null}",
            "        | a,b,c | unknown_column",
            "exact   | a,b   | ok {\"a\":1,\"b\":\"x\"}",
            "exact   | b,a   | column_order",
            "exact   | a     | missing_column",
            "exact   | a,b,c | unknown_column",
            "equal   | b,a   | ok {\"a\":1,\"b\":\"x\"}",
            "equal   | a     | missing_column",
            "equal   | a,b,c | unknown_column",
            "subset  | a,b,c | ok {\"a\":1,\"b\":\"x\"}",
            "subset  | c,b,a | ok {\"a\":1,\"b\":\"x\"}",
            "subset  | a,c   | missing_column",
            "superset| a     | ok {\"a\":1,\"b\":null}",
            "superset| b,a   | ok {\"a\":1,\"b\":\"x\"}",
            "superset| a,c   | unknown_column",
            "partial | a,c   | ok {\"a\":1,\"b\":null}",
            "partial | c     | missing_column",
    })
    void fieldsMatchDecidesTheHeaderCheck(String mode, String header, String outcome) throws Exception {
        String[] names = header.split(",");
        StringBuilder row = new StringBuilder();
        for (String name : names) {
            row.append(row.isEmpty() ? "" : ",").append(switch (name) {
                case "a" -> "1";
                case "b" -> "x";
                default -> "extra";
            });
        }
        var response = post("", schema(mode == null ? "" : mode), header + "\n" + row + "\n");
        if (outcome.startsWith("ok ")) {
            assertEquals(200, response.statusCode(), response::body);
            assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":" + outcome.substring(3) + "}\n", response.body());
        } else {
            TestGateway.assertProblem(response, 422, outcome);
        }
    }

    @Test
    void extraColumnsThatASubsetAllowsAreKeptWhenAsked() throws Exception {
        var response = post("?extra=keep", schema("subset"), "c,a,b\nz,1,x\n");
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"a\":1,\"b\":\"x\",\"c\":\"z\"}}\n", response.body());
    }

    @Test
    void anExactMatchRefusesExtraColumnsWhateverTheRequestSays() throws Exception {
        JsonNode problem = TestGateway.assertProblem(post("?extra=ignore", schema("exact"), "a,b,c\n1,x,z\n"), 422,
                "unknown_column");
        assertEquals("column 'c' is not in the schema (fieldsMatch: exact)", problem.get("detail").asText());
        JsonNode order = TestGateway.assertProblem(post("", schema("exact"), "b,a\nx,1\n"), 422, "column_order");
        assertEquals("column 1 is 'b' where the schema has field 'a' (fieldsMatch: exact)", order.get("detail").asText());
    }

    @Test
    void uniqueKeysAreDecidedInRowOrderAndSkipMissingValues() throws Exception {
        String schema = "{\"fields\":[{\"name\":\"a\",\"type\":\"integer\"},{\"name\":\"b\"}],\"uniqueKeys\":[[\"a\",\"b\"]]}";
        var response = post("?mode=invalid", schema, "a,b\n1,x\n1,y\n01,x\n,x\n,x\n");
        assertEquals("""
                {"row":3,"line":4,"valid":false,"data":{"a":1,"b":"x"},"errors":[{"field":"a,b","code":"unique",\
                "message":"a,b (\\"1\\", \\"x\\") is a duplicate of row 1"}]}
                """, response.body());
    }

    @Test
    void v2ChecksShowInTheRows() throws Exception {
        String schema = """
                {"missingValues":["NA"],"fields":[
                  {"name":"n","type":"integer","constraints":{"exclusiveMinimum":0,"exclusiveMaximum":10}},
                  {"name":"colour","categories":["red",{"value":"green","label":"Green"}],"missingValues":["-"]}]}""";
        var response = post("", schema, "n,colour\n5,red\n0,blue\nNA,-\n10,NA\n");
        assertEquals("""
                {"row":1,"line":2,"valid":true,"data":{"n":5,"colour":"red"}}
                {"row":2,"line":3,"valid":false,"data":{"n":0,"colour":"blue"},"errors":[{"field":"n","code":"exclusiveMinimum",\
                "message":"\\"0\\" is not above the exclusive minimum 0"},{"field":"colour","code":"categories",\
                "message":"\\"blue\\" is not one of the categories [red, green]"}]}
                {"row":3,"line":4,"valid":true,"data":{"n":null,"colour":null}}
                {"row":4,"line":5,"valid":false,"data":{"n":10,"colour":"NA"},"errors":[{"field":"n","code":"exclusiveMaximum",\
                "message":"\\"10\\" is not below the exclusive maximum 10"},{"field":"colour","code":"categories",\
                "message":"\\"NA\\" is not one of the categories [red, green]"}]}
                """, response.body());
    }

    @Test
    void jsonSchemaChecksAnObjectField() throws Exception {
        String schema = """
                {"fields":[{"name":"id","type":"integer"},
                  {"name":"meta","type":"object","constraints":{"jsonSchema":{"type":"object","required":["tag"],
                   "properties":{"tag":{"type":"string","pattern":"^[a-z]+$"}}}}}]}""";
        var response = post("?mode=invalid", schema, "id,meta\n1,\"{\"\"tag\"\":\"\"ok\"\"}\"\n2,\"{\"\"tag\"\":7}\"\n");
        assertEquals(200, response.statusCode(), response::body);
        JsonNode row = TestGateway.json(response.body().strip());
        assertEquals(2, row.get("row").asInt());
        assertEquals(7, row.get("data").get("meta").get("tag").asInt(), "data shows the object as JSON");
        JsonNode error = row.get("errors").get(0);
        assertEquals("meta", error.get("field").asText());
        assertEquals("jsonSchema", error.get("code").asText());
        assertTrue(error.get("message").asText().startsWith("\"{\"tag\":7}\" does not match the field's jsonSchema: "),
                error.get("message").asText());
    }

    @Test
    void aJsonSchemaThatReachesOutIsRefused() throws Exception {
        String schema = """
                {"fields":[{"name":"meta","type":"object","constraints":{"jsonSchema":{"$ref":"http://127.0.0.1:9/s.json"}}}]}""";
        JsonNode problem = TestGateway.assertProblem(post("", schema, "meta\n{}\n"), 422, "invalid_schema");
        assertEquals("field 'meta': jsonSchema may refer only to itself (\"#…\"), not to \"http://127.0.0.1:9/s.json\"",
                problem.get("detail").asText());
        TestGateway.assertProblem(post("", "{\"fields\":[{\"name\":\"t\",\"constraints\":{\"jsonSchema\":{}}}]}", "t\nx\n"),
                422, "invalid_schema");
        var next = post("", schema(""), "a,b\n1,x\n");
        assertEquals(200, next.statusCode(), "the next request is served normally");
    }
}
