package dev.fanout.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.notFound;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.fanout.server.GatewayExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/// The Grafana dashboard and the Prometheus rules against what the gateway really exposes: a real
/// gateway (with an upstream lookup against a WireMock server, and an answer cut by an error
/// line, so that the upstream and stream-error families exist) answers `/metrics`, and every metric and label the dashboard's and the rules' queries
/// name must be in that answer, so a typo fails here rather than as an empty panel or an alert
/// that never fires. Where `promtool` is installed (scripts/test installs it), the rules are
/// checked and their unit tests run, the scrape configuration is checked, and every dashboard
/// query is parsed as PromQL; without it those tests are skipped, saying so.
class DashboardsAndAlertsTest {
    static final Path DASHBOARD = Path.of("src/deploy/grafana/fanout.json");
    static final Path PROMETHEUS = Path.of("src/deploy/prometheus");
    static final Path RULES = PROMETHEUS.resolve("fanout-rules.yml");
    static final Set<String> OUR_PREFIXES = Set.of("fanout_", "process_", "jvm_");
    /// Labels Prometheus adds to every scraped series, and `le` of histogram buckets.
    static final Set<String> TARGET_LABELS = Set.of("job", "instance", "le");
    static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'");
    static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    static final Pattern SELECTOR = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)\\s*\\{([^}]*)}");
    static final Pattern MATCHER = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)\\s*(?:=~|!~|!=|=)");
    static final Pattern GROUPING = Pattern.compile("\\b(?:by|without|on|ignoring)\\s*\\(([^)]*)\\)");
    static final Pattern SAMPLE_LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{([^}]*)})? \\S+");
    static final String ORDERS = """
            {"fields":[
              {"name":"customer","type":"string","x-lookup":{"upstream":"crm","path":"/customers/{value}"}},
              {"name":"amount","type":"integer"}]}""";

    @Order(1)
    @RegisterExtension
    static WireMockExtension crm = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1")).build();

    @Order(2)
    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas(Map.of("orders.json", ORDERS))
            .setting("fanout.upstreams.crm.base-uri", () -> "http://127.0.0.1:" + crm.getPort())
            .setting("fanout.upstreams.crm.timeout", "5s");
    /// Sample name → the label names its samples carry in the gateway's `/metrics`.
    static final Map<String, Set<String>> exposed = new HashMap<>();

    @BeforeAll
    static void scrapeARealGateway() throws Exception {
        crm.stubFor(get("/customers/c1").willReturn(okJson("{\"name\":\"Ada\"}")));
        crm.stubFor(get("/customers/nobody").willReturn(notFound()));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        var validate = client.send(HttpRequest.newBuilder(uri("/v1/validate?schema=orders"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("customer,amount\nc1,5\nnobody,7\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, validate.statusCode(), validate.body());
        assertTrue(validate.body().contains("lookup_not_found"), validate.body());
        // An answer cut by an error line, so that fanout_stream_errors_total exists.
        var cut = client.send(HttpRequest.newBuilder(uri("/v1/validate?schema=orders"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("customer,amount\nc1,\"5\"x\n")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(cut.body().contains("\"code\":\"malformed_csv\""), cut.body());
        // The request's figures are recorded as its response ends; wait (bounded) for them.
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        String metrics;
        do {
            var response = client.send(HttpRequest.newBuilder(uri("/metrics")).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode(), response.body());
            metrics = response.body();
        } while (!metrics.contains("fanout_requests_total{status=\"200\"} 2") && System.nanoTime() < deadline
                && sleep());
        for (String line : metrics.split("\n")) {
            if (line.startsWith("#") || line.isBlank()) {
                continue;
            }
            Matcher sample = SAMPLE_LINE.matcher(line);
            assertTrue(sample.matches(), line);
            Set<String> labels = exposed.computeIfAbsent(sample.group(1), name -> new TreeSet<>());
            if (sample.group(2) != null) {
                Matcher label = MATCHER.matcher(sample.group(2));
                while (label.find()) {
                    labels.add(label.group(1));
                }
            }
        }
    }

    static URI uri(String pathAndQuery) {
        return gateway.uri(pathAndQuery);
    }

    static boolean sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for the metrics", e);
        }
        return true;
    }

    @Test
    void theGatewayExposesEveryFamilyTheDashboardIsAbout() {
        // Guards the checks below: they prove little if /metrics lacked the upstream families.
        for (String name : List.of("fanout_request_seconds_bucket", "fanout_ttfb_seconds_bucket", "fanout_rows_sum",
                "fanout_queue_wait_seconds_bucket", "fanout_upstream_seconds_bucket", "fanout_upstream_lookups_total",
                "fanout_requests_total", "fanout_stream_errors_total", "jvm_memory_used_bytes", "process_resident_memory_bytes")) {
            assertTrue(exposed.containsKey(name), name + " in " + exposed.keySet());
        }
    }

    @Test
    void theDashboardIsGrafanaJsonWithAQueryInEveryPanel() throws IOException {
        JsonNode dashboard = new ObjectMapper().readTree(DASHBOARD.toFile());
        Set<Integer> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        int graphs = 0;
        for (JsonNode panel : panels(dashboard)) {
            if (!ids.add(panel.path("id").asInt(-1))) {
                problems.add("panel id " + panel.path("id") + " twice");
            }
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            graphs++;
            String title = panel.path("title").asText();
            if (title.isBlank() || panel.path("targets").isEmpty()) {
                problems.add("panel '" + title + "' without a title or a query");
            }
            if (!panel.at("/datasource/uid").asText().equals("${datasource}")) {
                problems.add("panel '" + title + "' does not use the datasource variable");
            }
            for (JsonNode target : panel.path("targets")) {
                if (target.path("expr").asText().isBlank()) {
                    problems.add("panel '" + title + "' has an empty query");
                }
            }
        }
        int panelCount = graphs;
        assertAll(
                () -> assertEquals("fanout-gateway", dashboard.path("uid").asText()),
                () -> assertTrue(panelCount >= 15, "panels: " + panelCount),
                () -> assertEquals(List.of(), problems),
                () -> assertEquals(List.of("datasource", "job", "instance"),
                        dashboard.at("/templating/list").findValuesAsText("name")));
    }

    @Test
    void theDashboardTakesClusterQuantilesFromSummedBuckets() throws IOException {
        List<String> quantiles = dashboardQueries().stream().filter(q -> q.contains("histogram_quantile")).toList();

        assertFalse(quantiles.isEmpty());
        for (String query : quantiles) {
            assertTrue(query.matches("histogram_quantile\\(0\\.\\d+, sum by \\(([a-z]+, )?le\\) \\(rate\\(fanout_\\w+_bucket\\{.*\\}\\[5m\\]\\)\\)\\)"),
                    query);
        }
        assertTrue(quantiles.contains("histogram_quantile(0.99, sum by (le) "
                + "(rate(fanout_request_seconds_bucket{job=\"$job\",instance=~\"$instance\"}[5m])))"), quantiles.toString());
    }

    @Test
    void everyMetricAndLabelTheDashboardQueriesExists() throws IOException {
        assertEquals(List.of(), unknownNames(dashboardQueries(), Set.of()));
    }

    @Test
    void everyMetricAndLabelTheRulesQueryExists() {
        Map<String, String> recorded = new HashMap<>();
        List<String> expressions = new ArrayList<>();
        for (Map<String, Object> rule : rules()) {
            expressions.add(String.valueOf(rule.get("expr")));
            if (rule.get("record") != null) {
                recorded.put(String.valueOf(rule.get("record")), String.valueOf(rule.get("expr")));
            }
        }
        List<String> problems = unknownNames(expressions, recorded.keySet());
        for (String expression : expressions) {
            Matcher identifier = IDENTIFIER.matcher(code(expression));
            while (identifier.find()) {
                String name = identifier.group();
                if (name.contains(":") && !recorded.containsKey(name)) {
                    problems.add(name + " is used but no rule records it: " + expression);
                }
            }
        }
        assertAll(
                () -> assertEquals(List.of(), problems),
                () -> assertTrue(expressions.size() >= 15, "rules: " + expressions.size()));
    }

    @Test
    void promtoolChecksTheRulesAndTheScrapeConfiguration() throws Exception {
        var rules = promtool("check", "rules", RULES.toString());
        var config = promtool("check", "config", PROMETHEUS.resolve("prometheus.yml").toString());

        assertAll(
                () -> assertEquals(0, rules.exitCode(), rules::output),
                () -> assertEquals(0, config.exitCode(), config::output));
    }

    @Test
    void promtoolUnitTestsOfTheRulesPass() throws Exception {
        var run = promtool("test", "rules", PROMETHEUS.resolve("fanout-rules.test.yml").toString());
        assertEquals(0, run.exitCode(), run::output);
        assertTrue(run.output().contains("SUCCESS"), run::output);
    }

    /// Every dashboard query, its Grafana variables replaced by values, as a recording rule that
    /// `promtool check rules` parses: a PromQL syntax error in a panel fails here.
    @Test
    void everyDashboardQueryParsesAsPromQL(@TempDir Path scratch) throws Exception {
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int index = 0;
        for (String query : dashboardQueries()) {
            String concrete = query.replace("$__rate_interval", "1m").replace("$instance", ".*").replace("$job", "fanout");
            rules.append("      - record: dashboard:query:").append(index++).append('\n')
                    .append("        expr: '").append(concrete.replace("'", "''")).append("'\n");
        }
        Path file = scratch.resolve("dashboard-queries.yml");
        Files.writeString(file, rules);

        var run = promtool("check", "rules", file.toString());
        assertEquals(0, run.exitCode(), () -> run.output() + "\n" + rules);
        assertTrue(run.output().contains("SUCCESS: " + index + " rules found"), run::output);
    }

    /// For each expression, every name of ours (`fanout_…`, `process_…`, `jvm_…`) must be a sample
    /// name of the gateway's `/metrics`, every label matched or grouped on must be a label of the
    /// metrics the expression names (or one Prometheus adds); names in `recorded` are rules' own.
    static List<String> unknownNames(List<String> expressions, Set<String> recorded) {
        List<String> problems = new ArrayList<>();
        for (String expression : expressions) {
            String code = code(expression);
            Set<String> named = new LinkedHashSet<>();
            Matcher identifier = IDENTIFIER.matcher(code);
            while (identifier.find()) {
                String name = identifier.group();
                if (OUR_PREFIXES.stream().anyMatch(name::startsWith)) {
                    named.add(name);
                    if (!exposed.containsKey(name)) {
                        problems.add(name + " is not in /metrics: " + expression);
                    }
                }
            }
            Set<String> labels = new HashSet<>(TARGET_LABELS);
            named.forEach(name -> labels.addAll(exposed.getOrDefault(name, Set.of())));
            Matcher selector = SELECTOR.matcher(code);
            while (selector.find()) {
                if (recorded.contains(selector.group(1))) {
                    continue;
                }
                Set<String> own = new HashSet<>(TARGET_LABELS);
                own.addAll(exposed.getOrDefault(selector.group(1), Set.of()));
                Matcher matcher = MATCHER.matcher(selector.group(2));
                while (matcher.find()) {
                    if (!own.contains(matcher.group(1))) {
                        problems.add(selector.group(1) + " has no label " + matcher.group(1) + ": " + expression);
                    }
                }
            }
            Matcher grouping = GROUPING.matcher(code);
            while (grouping.find()) {
                for (String label : grouping.group(1).split(",")) {
                    // Grouping on a label of a recorded series is checked where that series is recorded.
                    if (!label.isBlank() && !labels.contains(label.strip()) && !named.isEmpty()) {
                        problems.add("grouping label " + label.strip() + " is on none of " + named + ": " + expression);
                    }
                }
            }
        }
        return problems;
    }

    /// `expression` without the text of its strings and its ranges (`[5m]`, `[10m:1m]`), which
    /// hold no names.
    static String code(String expression) {
        return RANGE.matcher(STRING.matcher(expression).replaceAll("\"\"")).replaceAll("[]");
    }

    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    static List<String> dashboardQueries() throws IOException {
        List<String> queries = new ArrayList<>();
        for (JsonNode panel : panels(new ObjectMapper().readTree(DASHBOARD.toFile()))) {
            for (JsonNode target : panel.path("targets")) {
                queries.add(target.path("expr").asText());
            }
        }
        return queries;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> rules() {
        List<Map<String, Object>> rules = new ArrayList<>();
        try (InputStream in = Files.newInputStream(RULES)) {
            Map<String, Object> file = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            for (Object group : (List<Object>) file.get("groups")) {
                for (Object rule : (List<Object>) ((Map<String, Object>) group).get("rules")) {
                    rules.add((Map<String, Object>) rule);
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot read " + RULES, e);
        }
        return rules;
    }

    record Run(int exitCode, String output) {
    }

    /// Runs `promtool ARGS` (bounded to 60 s), or skips the test when promtool is not installed.
    static Run promtool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("promtool is not installed (Debian package prometheus; scripts/test installs it as root): "
                    + e.getMessage());
            throw e;
        }
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("promtool " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Run(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }
}
