package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// A multipart body gives the same NDJSON however the network cuts it: whole, one byte at a time,
/// or in random pieces (which split boundaries, part headers and CRLFs at every possible place).
class MultipartChunkingTest {
    static final String SCHEMA = """
            {"fields":[{"name":"id","type":"integer","constraints":{"required":true}},
                       {"name":"note","type":"string"}]}""";
    /// Quoted commas and line breaks, a CRLF line, a boundary look-alike inside a field.
    static final String CSV = "id,note\r\n1,plain\n2,\"comma, inside\"\n3,\"two\nlines\"\n"
            + "x,\"--" + Multipart.BOUNDARY + "\"\n5,\n";
    static final People.File PEOPLE = People.file(1, 40, People::mixed);

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas();

    private static String sentWhole(String query, Multipart body) throws IOException, InterruptedException {
        var response = gateway.postMultipart(query, body);
        assertEquals(200, response.statusCode(), response::body);
        return TestGateway.masked(response.body());
    }

    private static String sentInPieces(String query, byte[] body, int maxPiece, Random random) throws IOException {
        try (var connection = RawConnection.open(gateway.port())) {
            connection.postHead(query, "Content-Type: " + Multipart.CONTENT_TYPE, "Content-Length: " + body.length)
                    .sendInPieces(body, maxPiece, random);
            var head = connection.readHead();
            assertEquals(200, head.status());
            assertEquals("application/x-ndjson", head.header("content-type"));
            return TestGateway.masked(RawConnection.readAll(connection.body(head)));
        }
    }

    @Test
    void theSchemaPartFormGivesTheKnownAnswerWhenSentWhole() throws Exception {
        String expected = """
                {"row":1,"line":2,"valid":true,"data":{"id":1,"note":"plain"}}
                {"row":2,"line":3,"valid":true,"data":{"id":2,"note":"comma, inside"}}
                {"row":3,"line":4,"valid":true,"data":{"id":3,"note":"two\\nlines"}}
                {"row":4,"line":6,"valid":false,"data":{"id":"x","note":"--%s"},\
                "errors":[{"field":"id","code":"type","message":"\\"x\\" is not an integer"}]}
                {"row":5,"line":7,"valid":true,"data":{"id":5,"note":null}}
                {"summary":{"rows":5,"valid":4,"invalid":1,"elapsedMs":0}}
                """.formatted(Multipart.BOUNDARY);
        assertEquals(expected, sentWhole("/v1/validate?summary=true", new Multipart().schema(SCHEMA).file(CSV)));
    }

    @Test
    void oneBytePiecesGiveTheSameAnswerAsTheWholeBody() throws Exception {
        var withSchema = new Multipart().schema(SCHEMA).file(CSV);
        assertEquals(sentWhole("/v1/validate?summary=true", withSchema),
                sentInPieces("/v1/validate?summary=true", withSchema.bytes(), 1, null));
        var fileOnly = new Multipart().file(PEOPLE.csv());
        String query = "/v1/validate?schema=people&summary=true";
        assertEquals(PEOPLE.ndjsonAll() + People.summary(40, PEOPLE.valid(), PEOPLE.invalid()), sentWhole(query, fileOnly));
        assertEquals(sentWhole(query, fileOnly), sentInPieces(query, fileOnly.bytes(), 1, null));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 42, 1234, 99_991})
    void randomPiecesGiveTheSameAnswerAsTheWholeBody(long seed) throws Exception {
        var random = new Random(seed);
        var withSchema = new Multipart().part("comment", "c.txt", "text/plain", "ignored".getBytes(StandardCharsets.UTF_8))
                .schema(SCHEMA).file(CSV);
        assertEquals(sentWhole("/v1/validate?summary=true", withSchema),
                sentInPieces("/v1/validate?summary=true", withSchema.bytes(), 1 + random.nextInt(64), random));
        var fileOnly = new Multipart().file(PEOPLE.csv());
        String query = "/v1/validate?schema=people&summary=true&mode=invalid";
        assertEquals(PEOPLE.ndjsonInvalid() + People.summary(40, PEOPLE.valid(), PEOPLE.invalid()),
                sentInPieces(query, fileOnly.bytes(), 1 + random.nextInt(200), random));
    }
}
