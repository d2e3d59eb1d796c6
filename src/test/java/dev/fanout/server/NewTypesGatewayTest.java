package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// A schema with every type beyond the original subset, registered in the schema folder: the
/// gateway returns it unchanged and validates a file against it, each type once valid and once
/// invalid, byte for byte.
class NewTypesGatewayTest {
    static final String SCHEMA = """
            {
              "fields": [
                {"name": "a", "type": "any"},
                {"name": "d", "type": "duration", "constraints": {"maximum": "P1Y"}},
                {"name": "ym", "type": "yearmonth", "constraints": {"minimum": "2024-01"}},
                {"name": "pt", "type": "geopoint"},
                {"name": "pa", "type": "geopoint", "format": "array"},
                {"name": "po", "type": "geopoint", "format": "object"},
                {"name": "g", "type": "geojson"},
                {"name": "t", "type": "geojson", "format": "topojson"},
                {"name": "arr", "type": "array", "constraints": {"maxLength": 3}},
                {"name": "obj", "type": "object", "constraints": {"enum": [{"k": [true]}, {}]}},
                {"name": "l", "type": "list", "itemType": "integer", "delimiter": ";"},
                {"name": "b", "type": "string", "format": "binary"}
              ]
            }
            """;

    static final String CSV = """
            a,d,ym,pt,pa,po,g,t,arr,obj,l,b
            x,P1DT2H,2024-03,"90, 45","[90, 45.50]","{""lat"": 45, ""lon"": 90}","{""type"": ""Point"", ""coordinates"": [1, 2]}","{""type"":""Topology"",""objects"":{}}","[1, ""a"", null]","{ ""k"" : [ true ] }",1;2;3,aGk=
            1,P1M1Y,2023-12,"200, 0",[1],"[90, 45]","{""type"":""Circle""}",{},"[1,2,3,4]",[],1;x,aGk
            ,P13M,,,,,,,,{},007,
            """;

    /// Every new type that has a value comparison, each `unique`.
    static final String UNIQUE_SCHEMA = """
            {"fields": [
              {"name": "o", "type": "object", "constraints": {"unique": true}},
              {"name": "l", "type": "list", "itemType": "number", "constraints": {"unique": true}},
              {"name": "d", "type": "duration", "constraints": {"unique": true}}
            ]}
            """;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas(
            Map.of("types.json", SCHEMA, "uniq.json", UNIQUE_SCHEMA));

    @Test
    void everyNewTypeValidatesAndRendersAsJson() throws Exception {
        var document = gateway.get("/v1/schemas/types");
        assertEquals(200, document.statusCode(), document::body);
        // The stored document, byte for byte: nothing about the new types is rewritten.
        assertEquals(SCHEMA, document.body());

        var response = gateway.postCsv("/v1/validate?schema=types&summary=true", CSV);
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("""
                {"row":1,"line":2,"valid":true,"data":{"a":"x","d":"P1DT2H","ym":"2024-03","pt":[90,45],\
                "pa":[90,45.50],"po":{"lon":90,"lat":45},"g":{"type":"Point","coordinates":[1,2]},\
                "t":{"type":"Topology","objects":{}},"arr":[1,"a",null],"obj":{"k":[true]},"l":[1,2,3],"b":"aGk="}}
                {"row":2,"line":3,"valid":false,"data":{"a":"1","d":"P1M1Y","ym":"2023-12","pt":"200, 0",\
                "pa":"[1]","po":"[90, 45]","g":"{\\"type\\":\\"Circle\\"}","t":"{}","arr":[1,2,3,4],"obj":"[]",\
                "l":"1;x","b":"aGk"},"errors":[\
                {"field":"d","code":"type","message":"\\"P1M1Y\\" is not an ISO-8601 duration (like P1Y2M3DT4H5M6.5S)"},\
                {"field":"ym","code":"minimum","message":"\\"2023-12\\" is below the minimum 2024-01"},\
                {"field":"pt","code":"type","message":"\\"200, 0\\" is not a geopoint \\"lon, lat\\": longitude 200 is outside [-180, 180]"},\
                {"field":"pa","code":"type","message":"\\"[1]\\" is not a geopoint [lon, lat]"},\
                {"field":"po","code":"type","message":"\\"[90, 45]\\" is not a geopoint {\\"lon\\": …, \\"lat\\": …}"},\
                {"field":"g","code":"format","message":"\\"{\\"type\\":\\"Circle\\"}\\" is not a GeoJSON object: \\"Circle\\" is not a GeoJSON type"},\
                {"field":"t","code":"format","message":"\\"{}\\" is not a TopoJSON object: its \\"type\\" is not \\"Topology\\""},\
                {"field":"arr","code":"maxLength","message":"\\"[1,2,3,4]\\" has 4 items, more than the maximum length 3"},\
                {"field":"obj","code":"type","message":"\\"[]\\" is not a JSON object"},\
                {"field":"l","code":"type","message":"\\"1;x\\" is not a list of integer items: item 2 \\"x\\" is not an integer"},\
                {"field":"b","code":"format","message":"\\"aGk\\" is not valid base64 (RFC 4648: A-Z, a-z, 0-9, + and /, padded with = to a multiple of 4)"}]}
                {"row":3,"line":4,"valid":false,"data":{"a":null,"d":"P13M","ym":null,"pt":null,"pa":null,"po":null,\
                "g":null,"t":null,"arr":null,"obj":{},"l":[7],"b":null},"errors":[\
                {"field":"d","code":"maximum","message":"\\"P13M\\" is above the maximum P1Y"}]}
                {"summary":{"rows":3,"valid":1,"invalid":2,"elapsedMs":0}}
                """, TestGateway.masked(response.body()));
    }

    /// `unique` compares the new types by value: JSON as data (key order and number spelling do
    /// not matter), lists by their cast items, durations by months and seconds.
    @Test
    void uniqueComparesTheNewTypesByValue() throws Exception {
        String csv = """
                o,l,d
                "{""a"": 1, ""b"": 2}","1,2",P1D
                "{""b"":2,""a"":1.0}","1.0,2.00",PT24H
                """;
        var response = gateway.postCsv("/v1/validate?schema=uniq", csv);
        assertEquals(200, response.statusCode(), response::body);
        assertEquals("""
                {"row":1,"line":2,"valid":true,"data":{"o":{"a":1,"b":2},"l":[1,2],"d":"P1D"}}
                {"row":2,"line":3,"valid":false,"data":{"o":{"b":2,"a":1.0},"l":[1.0,2.00],"d":"PT24H"},"errors":[\
                {"field":"o","code":"unique","message":"o \\"{\\"b\\":2,\\"a\\":1.0}\\" is a duplicate of row 1"},\
                {"field":"l","code":"unique","message":"l \\"[1.0,2.00]\\" is a duplicate of row 1"},\
                {"field":"d","code":"unique","message":"d \\"PT24H\\" is a duplicate of row 1"}]}
                """, TestGateway.masked(response.body()));
    }
}
