package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/// `fanout.limits.max-concurrent-validations`: beyond it a validation is refused at once with
/// `503 overloaded` and `Retry-After`, and the places come back when validations end. A place is
/// given back when the request's handler returns, a moment after the answer's last bytes went
/// out: a client that has read the whole answer may be a step ahead, so the tests wait for the
/// gateway's own count (a CI run once sent the next request first and got its 503).
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
            awaitRunning(LIMIT - 1);
            gateway.assertStillServes();
            second.finish();
        }
        awaitRunning(0);
        gateway.assertStillServes();
    }

    /// Waits until no more than `count` validations run (their handlers have returned).
    private static void awaitRunning(int count) throws IOException, InterruptedException {
        Await.until(Duration.ofSeconds(5), () -> gateway.server().runningValidations() <= count);
        assertTrue(gateway.server().runningValidations() <= count, "validations still running");
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
            awaitRunning(0);
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
