package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.server.GatewayExtension;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/// `fanout bench --retries` against a real gateway that admits one validation at a time: the
/// requests it sheds with `503` + `Retry-After` are sent again and succeed, and the report and
/// the `--json` say how many needed a retry and that none was lost.
@Timeout(120)
class BenchRetriesTest {
    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.limits.max-concurrent-validations", "1");

    @TempDir
    static Path dir;
    static String url;
    static String csv;

    @BeforeAll
    static void files() throws IOException {
        url = StatsCommandTest.peopleUrl(gateway);
        // Big enough that a validation is still running when the other connections' requests arrive.
        csv = StatsCommandTest.peopleFile(dir, 3_000);
    }

    @Test
    void requestsShedWith503AreRetriedAndNoneIsLost() throws Exception {
        Path json = dir.resolve("retries.json");
        CliRun run = CliRun.of("bench", "--url", url, "--file", csv, "--requests", "24", "-c", "6", "--retries", "10",
                "--json", json.toString());

        assertEquals(0, run.status(), run.stdout() + run.stderr());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        JsonNode outcomes = root.path("outcomes");
        assertEquals(24, root.path("requests").asLong(), root.toString());
        assertEquals(0, root.path("errors").asLong(), root.toString());
        assertEquals(0, outcomes.path("lost").asLong(), outcomes.toString());
        assertEquals(24, outcomes.path("firstTry").asLong() + outcomes.path("retriedThenSucceeded").asLong(), outcomes.toString());
        assertTrue(outcomes.path("retriedThenSucceeded").asLong() > 0, "six connections, one place: some were shed " + outcomes);
        assertTrue(outcomes.path("answers503").asLong() >= outcomes.path("retriedThenSucceeded").asLong(), outcomes.toString());
        assertEquals(outcomes.path("answers503").asLong(), outcomes.path("retriesSent").asLong(), "every 503 was retried");
        assertEquals(10, outcomes.path("maxRetries").asInt());
        assertTrue(run.stdout().contains(" lost; "), run.stdout());
        assertTrue(run.stdout().lines().anyMatch(line -> line.strip().startsWith("retries") && line.contains(" 0 lost")),
                run.stdout());
    }

    @Test
    void withoutRetriesTheShedRequestsAreErrors() throws Exception {
        Path json = dir.resolve("no-retries.json");
        CliRun run = CliRun.of("bench", "--url", url, "--file", csv, "--requests", "24", "-c", "6", "--json", json.toString());

        assertEquals(0, run.status(), "some got a 2xx: " + run.stdout() + run.stderr());
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        long shed = root.path("errorsByKind").path("status 503").asLong();
        assertTrue(shed > 0, root.toString());
        assertEquals(shed, root.at("/outcomes/lost").asLong(), root.toString());
        assertEquals(24 - shed, root.at("/outcomes/firstTry").asLong(), root.toString());
        assertEquals(0, root.at("/outcomes/retriesSent").asLong(), root.toString());
    }
}
