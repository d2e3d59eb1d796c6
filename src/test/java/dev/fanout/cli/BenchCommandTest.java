package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.server.GatewayExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/// `fanout bench` and `fanout bench sweep` as a user runs them, against a real gateway.
class BenchCommandTest {
    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas();

    @TempDir
    static Path dir;
    static String url;
    static String csv;

    @BeforeAll
    static void files() throws IOException {
        url = StatsCommandTest.peopleUrl(gateway);
        csv = StatsCommandTest.peopleFile(dir, 4);
    }

    @Test
    void aClosedLoopRunPrintsItsFiguresAndWritesTheJson() throws Exception {
        Path json = dir.resolve("run.json");
        Path html = dir.resolve("run.html");
        Path svg = dir.resolve("run.svg");
        CliRun run = CliRun.of("bench", "--url", url, "--file", csv, "--requests", "200", "-c", "4", "--json", json.toString(),
                "--report", html.toString(), "--report", svg.toString());

        assertEquals(0, run.status(), run.stderr());
        assertTrue(run.stdout().contains("closed loop, 4 connections, 200 requests"), run.stdout());
        assertTrue(run.stdout().contains("200 in "), run.stdout());
        assertTrue(run.stdout().contains("0 errors"), run.stdout());
        assertTrue(run.stdout().lines().anyMatch(line -> line.strip().startsWith("gateway")), "the gateway's own figures: " + run.stdout());
        var root = new ObjectMapper().readTree(json.toFile());
        assertEquals(200, root.get("requests").asLong());
        assertEquals(0, root.get("errors").asLong());
        String page = Files.readString(html);
        assertTrue(page.startsWith("<!DOCTYPE html>") && page.contains("Percentile spectrum") && page.contains("<svg"), page);
        assertTrue(page.contains(">client<") && page.contains(">gateway (its /v1/stats)<"), "both series named: " + page);
        assertTrue(Files.readString(svg).startsWith("<svg"), "the chart alone");
    }

    @Test
    void anOpenLoopRunShowsTheUncorrectedFiguresToo() {
        CliRun run = CliRun.of("bench", "--url", url, "--file", csv, "--duration", "1s", "--rate", "50", "-c", "2");

        assertEquals(0, run.status(), run.stderr());
        assertTrue(run.stdout().contains("open loop at 50 req/s"), run.stdout());
        assertTrue(run.stdout().lines().anyMatch(line -> line.strip().startsWith("corrected")), run.stdout());
        assertTrue(run.stdout().lines().anyMatch(line -> line.strip().startsWith("uncorrected")), run.stdout());
        assertTrue(run.stdout().contains("50 in "), "1 s at 50 req/s: " + run.stdout());
    }

    @Test
    void aRunWorseThanItsBaselineSaysSoAndExitsOne() throws Exception {
        // A baseline no real run can match: a million requests a second at 1 µs.
        Path baseline = dir.resolve("impossible.json");
        Files.writeString(baseline, """
                {"requests":1000,"errors":0,"throughput":1000000.0,
                 "latencyUs":{"p50":1,"p90":1,"p99":1,"p999":1,"p9999":1,"max":1},
                 "uncorrectedLatencyUs":{"p50":1,"p90":1,"p99":1,"p999":1,"p9999":1,"max":1}}
                """);
        CliRun run = CliRun.of("bench", "--url", url, "--file", csv, "--requests", "40", "-c", "2",
                "--baseline", baseline.toString());

        assertEquals(1, run.status(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("verdict: worse"), run.stdout());
        assertTrue(run.stdout().contains("noise band assumed"), "one round each: " + run.stdout());
    }

    @Test
    void aRunAgainstItsOwnResultIsNotWorseInThroughput() throws Exception {
        Path json = dir.resolve("self.json");
        CliRun first = CliRun.of("bench", "--url", url, "--file", csv, "--requests", "100", "-c", "2", "--rounds", "2",
                "--json", json.toString());
        assertEquals(0, first.status(), first.stderr());
        CliRun second = CliRun.of("bench", "--url", url, "--file", csv, "--requests", "100", "-c", "2", "--rounds", "2",
                "--baseline", json.toString());

        assertTrue(second.stdout().contains("verdict: "), second.stdout());
        assertTrue(second.stdout().lines().anyMatch(line -> line.strip().startsWith("throughput")), second.stdout());
    }

    @Test
    void usageErrorsSayWhatIsWrongAndExitTwo() throws Exception {
        Path notJson = dir.resolve("not.json");
        Files.writeString(notJson, "hello");
        String[][] cases = {
            {"bench", "--file", csv, "--requests", "1"},
            {"bench", "--url", url, "--requests", "1"},
            {"bench", "--url", url, "--file", csv},
            {"bench", "--url", url, "--file", csv, "--requests", "1", "--duration", "1s"},
            {"bench", "--url", url, "--file", csv, "--requests", "1", "--rate", "0"},
            {"bench", "--url", "ftp://example.org/x", "--file", csv, "--requests", "1"},
            {"bench", "--url", url, "--file", dir.resolve("missing.csv").toString(), "--requests", "1"},
            {"bench", "--url", url, "--file", csv, "--requests", "1", "--baseline", notJson.toString()},
            {"bench", "--url", url, "--file", csv, "--duration", "soon"},
            {"bench", "sweep", "--url", url, "--file", csv, "--rates", "10", "--slo", "p42=1s"},
        };
        for (String[] args : cases) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.status(), String.join(" ", args) + ": " + run.stderr());
            assertTrue(run.stderr().startsWith("fanout: "), String.join(" ", args) + ": " + run.stderr());
            assertTrue(!run.stderr().contains("Exception"), run.stderr());
        }
    }

    @Test
    void aSweepReportsTheHighestRateThatMetTheSlo() throws Exception {
        Path html = dir.resolve("sweep.html");
        CliRun run = CliRun.of("bench", "sweep", "--url", url, "--file", csv, "--rates", "40,20", "--duration", "1s",
                "-c", "2", "--slo", "p99=5s", "--report", html.toString());

        assertEquals(0, run.status(), run.stderr());
        String page = Files.readString(html);
        assertTrue(page.contains("Latency versus throughput") && page.contains("capacity"), page);
        assertTrue(run.stdout().contains("capacity: 40 req/s"), run.stdout());
        var steps = run.stdout().lines().filter(line -> line.matches("  \\d+ .*")).map(String::strip).toList();
        assertEquals(2, steps.size(), run.stdout());
        assertTrue(steps.get(0).startsWith("20 ") && steps.get(1).startsWith("40 "), "lowest rate first: " + run.stdout());
    }

    @Test
    void aSweepWithErrorsAtTheFirstRateFindsNoCapacityAndExitsOne() {
        String unknown = gateway.uri("/v1/validate?schema=nosuch").toString();
        CliRun run = CliRun.of("bench", "sweep", "--url", unknown, "--file", csv, "--rates", "20,40", "--duration", "1s",
                "-c", "2", "--slo", "p99=5s", "--past-knee", "0");

        assertEquals(1, run.status(), run.stderr());
        assertTrue(run.stdout().contains("capacity: no rate met"), run.stdout());
        assertTrue(run.stdout().lines().noneMatch(line -> line.startsWith("  40 ")), "stops at the first miss: " + run.stdout());
        assertTrue(run.stdout().lines().anyMatch(line -> line.startsWith("  20 ")), run.stdout());
    }

    @Test
    void aRunWithoutASingle2xxAnswerExitsOne() throws Exception {
        int port;
        try (var socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        CliRun run = CliRun.of("bench", "--url", "http://127.0.0.1:" + port + "/v1/validate?schema=people", "--file", csv,
                "--requests", "5", "-c", "1");

        assertEquals(1, run.status(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("connect: 5"), run.stdout());
        assertTrue(run.stderr().contains("no request got a 2xx answer"), run.stderr());
    }
}
