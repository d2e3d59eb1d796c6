package dev.fanout.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.metrics.HistogramCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/// The `--json` file of `fanout bench`, and reading one back as a `--baseline`. The SPEC's keys
/// come first (`requests`, `errors`, `throughput`, `latencyUs`, `uncorrectedLatencyUs`); after
/// them what a later comparison or report needs: the plan, errors by kind, each round's figures
/// (the noise band), the generator's CPU, goodput and `503` retry outcomes, the gateway's own
/// percentiles (merged over the replicas, each listed when `--gateway-stats` named them), and the latency
/// histogram itself (HdrHistogram's compressed base64 form, so reports can overlay runs exactly).
public final class ResultFile {
    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private ResultFile() {
    }

    /// Writes `result` to `file` (created or replaced).
    public static void write(BenchResult result, Path file) {
        try (JsonGenerator json = JSON.createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeNumberField("requests", result.requests());
            json.writeNumberField("errors", result.errors());
            json.writeNumberField("throughput", round2(result.throughput()));
            writePercentiles(json, "latencyUs", Percentiles.of(result.latency()));
            writePercentiles(json, "uncorrectedLatencyUs", Percentiles.of(result.uncorrected()));
            LoadPlan plan = result.plan();
            json.writeStringField("mode", plan.openLoop() ? "open" : "closed");
            json.writeStringField("url", plan.url().toString());
            json.writeArrayFieldStart("files");
            for (Payload payload : plan.payloads()) {
                json.writeString(payload.name());
            }
            json.writeEndArray();
            json.writeNumberField("connections", plan.connections());
            json.writeNumberField("rate", plan.rate());
            json.writeNumberField("seconds", round2(result.seconds()));
            json.writeObjectFieldStart("errorsByKind");
            for (Map.Entry<String, Long> entry : result.errorsByKind().entrySet()) {
                json.writeNumberField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
            json.writeArrayFieldStart("rounds");
            for (RoundResult round : result.rounds()) {
                json.writeStartObject();
                json.writeNumberField("requests", round.requests());
                json.writeNumberField("errors", round.errors());
                json.writeNumberField("seconds", round2(round.seconds()));
                json.writeNumberField("throughput", round2(round.throughput()));
                writePercentiles(json, "latencyUs", Percentiles.of(round.latency()));
                writePercentiles(json, "uncorrectedLatencyUs", Percentiles.of(round.uncorrected()));
                json.writeEndObject();
            }
            json.writeEndArray();
            json.writeNumberField("generatorCpuSecondsPer10k", round2(result.cpuSecondsPer10k()));
            RoundResult.Retries retries = result.retries();
            json.writeNumberField("goodput", round2(result.goodput()));
            json.writeObjectFieldStart("outcomes");
            json.writeNumberField("firstTry", retries.firstTry());
            json.writeNumberField("retriedThenSucceeded", retries.retriedThenSucceeded());
            json.writeNumberField("lost", result.errors());
            json.writeNumberField("retriesSent", retries.retriesSent());
            json.writeNumberField("answers503", retries.unavailable());
            json.writeNumberField("maxRetries", plan.retries());
            json.writeEndObject();
            boolean listed = !plan.gatewayStats().isEmpty();
            if (result.gateway().isPresent() || listed) {
                json.writeObjectFieldStart("gateway");
                json.writeNumberField("requests", result.gateway().map(Histogram::getTotalCount).orElse(0L));
                if (result.gateway().isPresent()) {
                    writePercentiles(json, "requestUs", Percentiles.of(result.gateway().get()));
                }
                if (listed) {
                    json.writeArrayFieldStart("replicas");
                    for (ReplicaStats replica : result.replicas()) {
                        json.writeStartObject();
                        json.writeStringField("url", replica.replica().toString());
                        if (replica.problem().isPresent()) {
                            json.writeStringField("problem", replica.problem().get());
                        } else {
                            json.writeNumberField("requests", replica.count());
                            writePercentiles(json, "requestUs", Percentiles.of(replica.requests().get()));
                        }
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                }
                json.writeEndObject();
            }
            json.writeStringField("latencyHdr", HistogramCodec.encode(result.latency()));
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /// The figures of an earlier `--json` file.
    ///
    /// @throws IllegalArgumentException when `file` is not such a file
    public static BenchResult.Summary read(Path file) {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.newInputStream(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !root.path("throughput").isNumber() || !root.path("latencyUs").isObject()) {
            throw new IllegalArgumentException(file + " is not a fanout bench --json file");
        }
        List<Figures> rounds = new ArrayList<>();
        for (JsonNode round : root.path("rounds")) {
            rounds.add(figures(round));
        }
        if (rounds.isEmpty()) {
            rounds.add(figures(root));
        }
        Optional<Histogram> latency = Optional.empty();
        if (root.path("latencyHdr").isTextual()) {
            latency = Optional.of(HistogramCodec.decode(root.path("latencyHdr").asText()));
        }
        return new BenchResult.Summary(figures(root), rounds, latency);
    }

    private static Figures figures(JsonNode node) {
        JsonNode latency = node.path("latencyUs");
        return new Figures(node.path("throughput").asDouble(), latency.path("p50").asDouble(),
                latency.path("p99").asDouble(), latency.path("p999").asDouble());
    }

    /// `name: {p50, p90, p99, p999, p9999, max}`, the shape every result file of ours uses.
    static void writePercentiles(JsonGenerator json, String name, Percentiles p) throws IOException {
        json.writeObjectFieldStart(name);
        json.writeNumberField("p50", p.p50());
        json.writeNumberField("p90", p.p90());
        json.writeNumberField("p99", p.p99());
        json.writeNumberField("p999", p.p999());
        json.writeNumberField("p9999", p.p9999());
        json.writeNumberField("max", p.max());
        json.writeEndObject();
    }

    static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }
}
