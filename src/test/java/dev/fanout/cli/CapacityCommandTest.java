package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.server.GatewayExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/// Capacity answers: `fanout bench sweep` past the knee with its `--json`, against a real gateway
/// (tiny rates, one-second steps), and `fanout bench plan` over sweep files, its arithmetic
/// checked by hand for the edge cases (no headroom, no spare, a rate below one instance's
/// capacity, no step met, another SLO than the sweep's) and its errors.
@Timeout(120)
class CapacityCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

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

    // ---- sweep ----

    @Test
    void aSweepGoesPastTheKneeAndWritesEveryStepAsJson() throws Exception {
        Path json = dir.resolve("past-knee.json");
        // No answer comes back within 1 µs: the first rate is the knee, and two overload steps follow,
        // the asked 40 and then 40 × 1.25.
        CliRun run = CliRun.of("bench", "sweep", "--url", url, "--file", csv, "--rates", "40,20", "--duration", "1s",
                "-c", "2", "--slo", "p99=PT0.000001S", "--past-knee", "2", "--json", json.toString());

        assertEquals(1, run.status(), "no rate met the SLO: " + run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("capacity: no rate met"), run.stdout());
        List<String> rows = run.stdout().lines().filter(line -> line.matches("  \\d+ .*")).toList();
        assertEquals(3, rows.size(), run.stdout());
        assertTrue(rows.get(0).startsWith("  20 ") && rows.get(0).endsWith("missed (the knee)"), rows.get(0));
        assertTrue(rows.get(1).startsWith("  40 ") && rows.get(1).endsWith("missed, past the knee"), rows.get(1));
        assertTrue(rows.get(2).startsWith("  50 ") && rows.get(2).endsWith("past the knee"), rows.get(2));
        assertTrue(run.stdout().contains("goodput") && run.stdout().contains("503/s"), run.stdout());

        JsonNode root = JSON.readTree(json.toFile());
        assertEquals("fanout bench sweep", root.path("kind").asText());
        assertEquals(url, root.path("url").asText());
        assertEquals("p99", root.at("/slo/percentile").asText());
        assertEquals(1, root.at("/slo/limitUs").asLong());
        assertEquals(List.of(20.0, 40.0), doubles(root.path("rates")));
        assertEquals(2, root.path("pastKnee").asInt());
        assertTrue(root.path("capacity").isNull(), root.toString());
        assertEquals(20.0, root.path("knee").asDouble());
        JsonNode steps = root.path("steps");
        assertEquals(3, steps.size(), steps.toString());
        double[] rates = {20, 40, 50};
        for (int i = 0; i < 3; i++) {
            JsonNode step = steps.get(i);
            assertEquals(rates[i], step.path("rate").asDouble(), step.toString());
            assertEquals(i > 0, step.path("overload").asBoolean(), step.toString());
            assertFalse(step.path("metSlo").asBoolean(), step.toString());
            long requests = step.path("requests").asLong();
            assertTrue(requests >= rates[i] * 0.9 && requests <= rates[i] + 1, "a second at the rate: " + step);
            assertEquals(0, step.path("errors").asLong(), step.toString());
            assertEquals(0, step.path("answers503").asLong(), step.toString());
            assertEquals(0.0, step.path("answers503PerSecond").asDouble(), step.toString());
            assertEquals(step.path("throughput").asDouble(), step.path("goodput").asDouble(), 0.01, "no errors: " + step);
            for (String p : List.of("p50", "p90", "p99", "p999", "p9999", "max")) {
                assertTrue(step.at("/latencyUs/" + p).asLong() > 1, p + " " + step);
            }
            assertTrue(step.at("/gatewayRequestUs/p99").asLong() > 0, "the gateway's own view: " + step);
        }
    }

    @Test
    void aSweepThatMetEveryRateNamesItsCapacityAndPlanSaysItIsALowerBound() throws Exception {
        Path json = dir.resolve("all-met.json");
        CliRun sweep = CliRun.of("bench", "sweep", "--url", url, "--file", csv, "--rates", "20,40", "--duration", "1s",
                "-c", "2", "--slo", "p99=5s", "--json", json.toString());

        assertEquals(0, sweep.status(), sweep.stdout() + sweep.stderr());
        JsonNode root = JSON.readTree(json.toFile());
        assertEquals(40.0, root.path("capacity").asDouble(), root.toString());
        assertTrue(root.path("knee").isNull(), root.toString());
        assertEquals(2, root.path("steps").size());
        assertFalse(root.path("steps").get(1).path("overload").asBoolean());

        CliRun plan = CliRun.of("bench", "plan", "--sweep", json.toString(), "--rate", "100", "--headroom", "0", "--spare", "0");

        assertEquals(0, plan.status(), plan.stdout() + plan.stderr());
        assertTrue(plan.stdout().contains("capacity per instance = 40 req/s"), plan.stdout());
        assertTrue(plan.stdout().contains("every swept rate met it: the real capacity is higher"), plan.stdout());
        assertTrue(plan.stdout().contains("instances             = ceil(100 / 40) + 0 spare = 3 + 0 = 3"), plan.stdout());
    }

    // ---- plan ----

    /// A sweep file as `fanout bench sweep --json` writes it: steps of (rate, p99 in ms, errors),
    /// those after the first miss of p99 ≤ 50 ms marked as overload.
    static Path sweepFile(String name, double[][] steps) throws Exception {
        var text = new StringBuilder("""
                {"kind":"fanout bench sweep","url":"http://127.0.0.1:8080/v1/validate?schema=people","connections":50,
                 "stepSeconds":10.0,"retries":0,"slo":{"percentile":"p99","limitUs":50000,"text":"p99 ≤ 50.0 ms"},
                 "rates":[],"pastKnee":2,"steps":[""");
        boolean missed = false;
        for (int i = 0; i < steps.length; i++) {
            double rate = steps[i][0];
            long p99 = (long) (steps[i][1] * 1000);
            long errors = (long) steps[i][2];
            boolean met = errors == 0 && p99 <= 50_000;
            text.append(i == 0 ? "" : ",").append(String.format(Locale.ROOT, """
                    {"rate":%s,"overload":%s,"metSlo":%s,"requests":%d,"errors":%d,"seconds":10.0,"throughput":%s,
                     "goodput":%s,"answers503":%d,"answers503PerSecond":0.0,"errorsByKind":{},
                     "latencyUs":{"p50":%d,"p90":%d,"p99":%d,"p999":%d,"p9999":%d,"max":%d}}""",
                    rate, missed, met, ((long) rate) * 10, errors, rate, rate, errors, p99 / 4, p99 / 2, p99, p99 * 2, p99 * 3, p99 * 4));
            missed |= !met;
        }
        text.append("],\"capacity\":null,\"knee\":null}");
        Path file = dir.resolve(name);
        Files.writeString(file, text);
        return file;
    }

    /// One instance: 3,000 req/s within p99 ≤ 50 ms, 4,000 not; 5,000 past the knee.
    static Path measured() throws Exception {
        return sweepFile("measured.json", new double[][] {
            {1000, 10, 0}, {2000, 20, 0}, {3000, 40, 0}, {4000, 80, 0}, {5000, 400, 120}});
    }

    @Test
    void thePlanShowsItsArithmetic() throws Exception {
        CliRun run = CliRun.of("bench", "plan", "--sweep", measured().toString(), "--rate", "20000", "--headroom", "30%",
                "--spare", "2");

        assertEquals(0, run.status(), run.stdout() + run.stderr());
        String out = run.stdout();
        assertTrue(out.contains("20,000 req/s within p99 ≤ 50.0 ms"), out);
        assertTrue(out.contains("capacity per instance = 3,000 req/s   (the highest swept rate that met p99 ≤ 50.0 ms; 4,000 req/s missed it)"), out);
        assertTrue(out.contains("usable per instance   = 3,000 × (1 − 30 %) = 2,100 req/s"), out);
        // 20,000 / 2,100 = 9.52…
        assertTrue(out.contains("instances             = ceil(20,000 / 2,100) + 2 spare = 10 + 2 = 12"), out);
        assertTrue(out.contains("answer: 12 instances"), out);
        assertTrue(out.contains("assumes: instances scale linearly"), out);
        assertTrue(out.contains("same shape as the measured one"), out);
    }

    @Test
    void noHeadroomAndNoSpareOnAnExactMultipleNeedsNoExtraInstance() throws Exception {
        CliRun run = CliRun.of("bench", "plan", "--sweep", measured().toString(), "--rate", "6000", "--headroom", "0%",
                "--spare", "0");

        assertEquals(0, run.status(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("usable per instance   = 3,000 × (1 − 0 %) = 3,000 req/s"), run.stdout());
        assertTrue(run.stdout().contains("= ceil(6,000 / 3,000) + 0 spare = 2 + 0 = 2"), run.stdout());
        assertTrue(run.stdout().contains("answer: 2 instances"), run.stdout());
    }

    @Test
    void anExactMultipleAfterHeadroomIsNotRoundedUpByFloatingPoint() throws Exception {
        // 3,000 × 0.7 is 2,100 on paper; 4,200 / 2,100 is exactly 2.
        CliRun run = CliRun.of("bench", "plan", "--sweep", measured().toString(), "--rate", "4200", "--headroom", "30");

        assertEquals(0, run.status(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("= ceil(4,200 / 2,100) + 0 spare = 2 + 0 = 2"), run.stdout());
    }

    @Test
    void aRateBelowOneInstancesCapacityNeedsOneInstancePlusSpares() throws Exception {
        CliRun run = CliRun.of("bench", "plan", "--sweep", measured().toString(), "--rate", "500", "--spare", "1");

        assertEquals(0, run.status(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("= ceil(500 / 2,100) + 1 spare = 1 + 1 = 2"), "default headroom 30 %: " + run.stdout());
        assertTrue(run.stdout().contains("answer: 2 instances"), run.stdout());
    }

    @Test
    void anotherSloJudgesTheStepsAgain() throws Exception {
        CliRun run = CliRun.of("bench", "plan", "--sweep", measured().toString(), "--rate", "20000", "--slo", "p99=30ms",
                "--headroom", "0");

        assertEquals(0, run.status(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("capacity per instance = 2,000 req/s   (the highest swept rate that met p99 ≤ 30.0 ms; 3,000 req/s missed it)"),
                run.stdout());
        assertTrue(run.stdout().contains("answer: 10 instances"), run.stdout());
    }

    @Test
    void aStepWithErrorsMissesTheSloWhateverItsLatency() throws Exception {
        Path file = sweepFile("errors.json", new double[][] {{1000, 10, 0}, {2000, 12, 3}, {3000, 15, 0}});

        CliRun run = CliRun.of("bench", "plan", "--sweep", file.toString(), "--rate", "1000", "--headroom", "0");

        assertEquals(0, run.status(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("capacity per instance = 1,000 req/s"), run.stdout());
        assertTrue(run.stdout().contains("2,000 req/s missed it"), run.stdout());
    }

    @Test
    void whenNoStepMetTheSloThePlanSaysSoAndExitsOne() throws Exception {
        Path file = sweepFile("none-met.json", new double[][] {{1000, 70, 0}, {2000, 90, 0}});

        CliRun run = CliRun.of("bench", "plan", "--sweep", file.toString(), "--rate", "20000");

        assertEquals(1, run.status(), run.stdout() + run.stderr());
        assertTrue(run.stdout().contains("no step of the sweep met p99 ≤ 50.0 ms: at its lowest rate, 1,000 req/s, one instance already missed it (p99 70.0 ms, 0 errors)"),
                run.stdout());
        assertFalse(run.stdout().contains("answer:"), run.stdout());
        assertTrue(run.stderr().startsWith("fanout: no capacity"), run.stderr());
    }

    @Test
    void badFilesAndOptionsSayWhatIsWrongAndExitTwo() throws Exception {
        Path notJson = dir.resolve("not.json");
        Files.writeString(notJson, "{\"kind\":");
        Path benchJson = dir.resolve("bench.json");
        Files.writeString(benchJson, "{\"requests\":10,\"errors\":0,\"throughput\":5.0,\"latencyUs\":{}}");
        Path noSteps = dir.resolve("no-steps.json");
        Files.writeString(noSteps, "{\"kind\":\"fanout bench sweep\",\"slo\":{\"percentile\":\"p99\",\"limitUs\":50000},\"steps\":[]}");
        Path badStep = dir.resolve("bad-step.json");
        Files.writeString(badStep, "{\"kind\":\"fanout bench sweep\",\"slo\":{\"percentile\":\"p99\",\"limitUs\":50000},"
                + "\"steps\":[{\"rate\":\"fast\"}]}");
        String measured = measured().toString();
        Object[][] cases = {
            {new String[] {"bench", "plan", "--sweep", dir.resolve("missing.json").toString(), "--rate", "10"}, "no such file"},
            {new String[] {"bench", "plan", "--sweep", notJson.toString(), "--rate", "10"}, "is not JSON"},
            {new String[] {"bench", "plan", "--sweep", benchJson.toString(), "--rate", "10"}, "is not a fanout bench sweep --json file"},
            {new String[] {"bench", "plan", "--sweep", noSteps.toString(), "--rate", "10"}, "has no steps"},
            {new String[] {"bench", "plan", "--sweep", badStep.toString(), "--rate", "10"}, "must be a number"},
            {new String[] {"bench", "plan", "--sweep", measured, "--rate", "0"}, "--rate must be a positive"},
            {new String[] {"bench", "plan", "--sweep", measured, "--rate", "10", "--headroom", "100%"}, "--headroom must be at least 0% and below 100%"},
            {new String[] {"bench", "plan", "--sweep", measured, "--rate", "10", "--headroom", "lots"}, "--headroom must be a percentage"},
            {new String[] {"bench", "plan", "--sweep", measured, "--rate", "10", "--spare", "-1"}, "--spare cannot be negative"},
            {new String[] {"bench", "plan", "--sweep", measured, "--rate", "10", "--slo", "p42=1s"}, "--slo"},
            {new String[] {"bench", "plan", "--rate", "10"}, "--sweep"},
            {new String[] {"bench", "sweep", "--url", url, "--file", csv, "--rates", "10", "--slo", "p99=1s", "--past-knee", "-1"},
                "--past-knee cannot be negative"},
        };
        for (Object[] c : cases) {
            String[] args = (String[]) c[0];
            CliRun run = CliRun.of(args);
            assertEquals(2, run.status(), String.join(" ", args) + ": " + run.stdout() + run.stderr());
            assertTrue(run.stderr().startsWith("fanout: ") && run.stderr().contains((String) c[1]),
                    String.join(" ", args) + ": " + run.stderr());
            assertFalse(run.stderr().contains("Exception"), run.stderr());
        }
    }

    private static List<Double> doubles(JsonNode array) {
        var list = new java.util.ArrayList<Double>();
        array.forEach(node -> list.add(node.asDouble()));
        return list;
    }
}
