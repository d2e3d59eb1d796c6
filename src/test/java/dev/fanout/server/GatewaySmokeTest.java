package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GatewaySmokeTest {
    @TempDir
    Path dir;

    @Test
    void validatesRawCsv() throws Exception {
        try (var gateway = TestGateway.start(dir, Map.of())) {
            var response = gateway.postCsv("/v1/validate?schema=people&summary=true", "id,name,email\n1,Ada,a@b.org\n");
            assertEquals(200, response.statusCode(), response.body());
            System.out.println(response.headers().map() + "\n" + response.body());
            var health = gateway.get("/observe/health");
            System.out.println(health.statusCode() + " " + health.body());
            var schemas = gateway.get("/v1/schemas");
            System.out.println(schemas.statusCode() + " " + schemas.body());
            var bad = gateway.postCsv("/v1/validate?schema=nope", "id\n");
            System.out.println(bad.statusCode() + " " + bad.headers().map() + bad.body());
        }
    }
}
