package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// `fanout.limits.max-concurrent-validations`: beyond it a validation is refused at once with
/// `503 overloaded` and `Retry-After`, and the places come back when validations end.
class AdmissionTest {
    static final int LIMIT = 2;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.limits.max-concurrent-validations", Integer.toString(LIMIT))
            .setting("fanout.engine.chunk-rows", "16");

    @Test
    @Timeout(60)
    void aValidationBeyondTheLimitIs503WithRetryAfterUntilAPlaceIsFree() throws Exception {
        try (var first = HeldUpload.start(gateway); var second = HeldUpload.start(gateway)) {
            var refused = gateway.postCsv("/v1/validate?schema=people", TestGateway.PROBE.csv());
            TestGateway.assertProblem(refused, 503, "overloaded");
            String retryAfter = refused.headers().firstValue("retry-after").orElse("");
            assertTrue(retryAfter.matches("[1-9][0-9]*"), "Retry-After: '" + retryAfter + "'");

            var refusedMultipart = gateway.postMultipart("/v1/validate?schema=people",
                    new Multipart().file(TestGateway.PROBE.csv()));
            TestGateway.assertProblem(refusedMultipart, 503, "overloaded");

            // Only validations are limited: the rest of the API still answers.
            assertEquals(200, gateway.get("/v1/schemas").statusCode());
            int health = gateway.get("/observe/health").statusCode();
            assertTrue(health >= 200 && health < 300, "health " + health);

            first.finish();
            gateway.assertStillServes();
            second.finish();
        }
        gateway.assertStillServes();
    }

    @Test
    @Timeout(60)
    void placesComeBackAfterRefusalsAndFinishedValidations() throws Exception {
        for (int round = 0; round < 3; round++) {
            try (var first = HeldUpload.start(gateway); var second = HeldUpload.start(gateway)) {
                TestGateway.assertProblem(gateway.postCsv("/v1/validate?schema=people", TestGateway.PROBE.csv()),
                        503, "overloaded");
                first.finish();
                second.finish();
            }
        }
        gateway.assertStillServes();
    }

    @Test
    @Timeout(60)
    void requestsRefusedBeforeAdmissionDoNotTakeAPlace() throws Exception {
        for (int i = 0; i < 2 * LIMIT; i++) {
            TestGateway.assertProblem(gateway.postCsv("/v1/validate?schema=nobody", "id\n1\n"), 404, "unknown_schema");
            TestGateway.assertProblem(gateway.postCsv("/v1/validate?schema=people", "id,id\n1,1\n"), 422, "duplicate_column");
            TestGateway.assertProblem(gateway.postMultipart("/v1/validate", new Multipart().file("id\n1\n")),
                    400, "missing_schema");
        }
        try (var first = HeldUpload.start(gateway); var second = HeldUpload.start(gateway)) {
            first.finish();
            second.finish();
        }
    }
}
