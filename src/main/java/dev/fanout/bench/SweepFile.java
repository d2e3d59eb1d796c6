package dev.fanout.bench;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/// The `--json` file of `fanout bench sweep`, and reading one back for `fanout bench plan`:
/// the SLO, the asked rates, and per step (in the order run) the rate, whether it met the SLO or
/// came after the knee, throughput and goodput, `503`s (count and per second), errors, and the
/// latency percentiles; then the highest rate that met the SLO (`capacity`, `null` when none did)
/// and the first rate that missed it (`knee`).
///
/// ```json
/// {"kind":"fanout bench sweep","url":"http://…","connections":50,"stepSeconds":10.0,"retries":0,
///  "slo":{"percentile":"p99","limitUs":50000,"text":"p99 ≤ 50 ms"},"rates":[500,1000,2000],"pastKnee":2,
///  "steps":[{"rate":500,"overload":false,"metSlo":true,"requests":5000,"errors":0,"seconds":10.0,
///            "throughput":500.0,"goodput":500.0,"answers503":0,"answers503PerSecond":0.0,
///            "errorsByKind":{},"latencyUs":{"p50":900,"p90":…,"p99":2100,"p999":…,"p9999":…,"max":…}}, …],
///  "capacity":1000,"knee":2000}
/// ```
public final class SweepFile {
    /// The `kind` every sweep file carries, so that a bench `--json` file is told apart.
    public static final String KIND = "fanout bench sweep";

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final List<String> PERCENTILES = List.of("p50", "p90", "p99", "p999", "p9999", "max");

    private SweepFile() {
    }

    /// One step as the file keeps it: enough to judge it against any latency objective again.
    ///
    /// @param rate       the asked rate, requests per second
    /// @param overload   whether it was run past the knee
    /// @param metSlo     whether it met the sweep's SLO
    /// @param requests   requests made
    /// @param errors     requests without a 2xx answer (lost)
    /// @param throughput answers per second
    /// @param goodput    2xx answers per second
    /// @param answers503 `503` answers received
    /// @param latencyUs  percentiles of the corrected latency, microseconds
    public record Step(double rate, boolean overload, boolean metSlo, long requests, long errors, double throughput,
                       double goodput, long answers503, Percentiles latencyUs) {
        public Step {
            Objects.requireNonNull(latencyUs, "latencyUs");
        }

        /// Whether this step meets `slo`: no error, some requests, the percentile within the limit.
        public boolean meets(Slo slo) {
            return errors == 0 && requests > 0 && latencyUs.get(slo.percentile()) <= slo.limitUs();
        }
    }

    /// A sweep file's content.
    ///
    /// @param url   the target swept
    /// @param slo   the sweep's objective
    /// @param steps the steps, in the order run (rising rate)
    public record Content(String url, Slo slo, List<Step> steps) {
        public Content {
            steps = List.copyOf(steps);
        }
    }

    /// Writes `sweep` of `plan` to `file` (created or replaced).
    public static void write(Sweep.Result sweep, LoadPlan plan, List<Double> rates, int pastKnee, Path file) {
        try (JsonGenerator json = JSON.createGenerator(file.toFile(), JsonEncoding.UTF8)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeStringField("kind", KIND);
            json.writeStringField("url", plan.url().toString());
            json.writeNumberField("connections", plan.connections());
            if (plan.requests() > 0) {
                json.writeNumberField("stepRequests", plan.requests());
            } else {
                json.writeNumberField("stepSeconds", plan.duration().toMillis() / 1000.0);
            }
            json.writeNumberField("retries", plan.retries());
            json.writeObjectFieldStart("slo");
            json.writeStringField("percentile", sweep.slo().percentile());
            json.writeNumberField("limitUs", sweep.slo().limitUs());
            json.writeStringField("text", sweep.slo().toString());
            json.writeEndObject();
            json.writeArrayFieldStart("rates");
            for (double rate : rates.stream().sorted().toList()) {
                json.writeNumber(rate);
            }
            json.writeEndArray();
            json.writeNumberField("pastKnee", pastKnee);
            json.writeArrayFieldStart("steps");
            for (Sweep.Step step : sweep.steps()) {
                writeStep(json, step);
            }
            json.writeEndArray();
            json.writeFieldName("capacity");
            if (sweep.capacity().isPresent()) {
                json.writeNumber(sweep.capacity().get().rate());
            } else {
                json.writeNull();
            }
            json.writeFieldName("knee");
            var knee = sweep.steps().stream().filter(step -> !step.met()).findFirst();
            if (knee.isPresent()) {
                json.writeNumber(knee.get().rate());
            } else {
                json.writeNull();
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void writeStep(JsonGenerator json, Sweep.Step step) throws IOException {
        BenchResult result = step.result();
        json.writeStartObject();
        json.writeNumberField("rate", step.rate());
        json.writeBooleanField("overload", step.overload());
        json.writeBooleanField("metSlo", step.met());
        json.writeNumberField("requests", result.requests());
        json.writeNumberField("errors", result.errors());
        json.writeNumberField("seconds", ResultFile.round2(result.seconds()));
        json.writeNumberField("throughput", ResultFile.round2(result.throughput()));
        json.writeNumberField("goodput", ResultFile.round2(result.goodput()));
        json.writeNumberField("answers503", step.unavailable());
        json.writeNumberField("answers503PerSecond", ResultFile.round2(result.seconds() > 0 ? step.unavailable() / result.seconds() : 0));
        json.writeNumberField("retriedThenSucceeded", result.retries().retriedThenSucceeded());
        json.writeObjectFieldStart("errorsByKind");
        for (Map.Entry<String, Long> entry : result.errorsByKind().entrySet()) {
            json.writeNumberField(entry.getKey(), entry.getValue());
        }
        json.writeEndObject();
        ResultFile.writePercentiles(json, "latencyUs", Percentiles.of(result.latency()));
        if (result.gateway().isPresent()) {
            ResultFile.writePercentiles(json, "gatewayRequestUs", Percentiles.of(result.gateway().get()));
        }
        json.writeEndObject();
    }

    /// Reads a sweep file back.
    ///
    /// @throws IllegalArgumentException when `file` cannot be read or is not a sweep file; the
    ///         message says which and why
    public static Content read(Path file) {
        JsonNode root;
        try (InputStream in = Files.newInputStream(file)) {
            root = MAPPER.readTree(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("cannot read " + file + ": no such file", e);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || !KIND.equals(root.path("kind").asText())) {
            throw new IllegalArgumentException(file + " is not a fanout bench sweep --json file (no \"kind\":\"" + KIND + "\")");
        }
        Slo slo;
        try {
            slo = new Slo(text(root.path("slo"), "percentile", file), number(root.path("slo"), "limitUs", file).longValue());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": bad \"slo\": " + e.getMessage(), e);
        }
        JsonNode stepsNode = root.path("steps");
        if (!stepsNode.isArray()) {
            throw new IllegalArgumentException(file + ": \"steps\" must be an array");
        }
        List<Step> steps = new ArrayList<>();
        for (JsonNode step : stepsNode) {
            JsonNode latency = step.path("latencyUs");
            long[] p = new long[PERCENTILES.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = number(latency, PERCENTILES.get(i), file).longValue();
            }
            double rate = number(step, "rate", file).doubleValue();
            if (!(rate > 0)) {
                throw new IllegalArgumentException(file + ": a step's \"rate\" must be positive, was " + rate);
            }
            steps.add(new Step(rate, step.path("overload").asBoolean(false), step.path("metSlo").asBoolean(false),
                    number(step, "requests", file).longValue(), number(step, "errors", file).longValue(),
                    number(step, "throughput", file).doubleValue(), number(step, "goodput", file).doubleValue(),
                    step.path("answers503").asLong(0), new Percentiles(p[0], p[1], p[2], p[3], p[4], p[5])));
        }
        for (int i = 1; i < steps.size(); i++) {
            if (steps.get(i).rate() <= steps.get(i - 1).rate()) {
                throw new IllegalArgumentException(file + ": the steps' rates must rise, but " + steps.get(i).rate()
                        + " follows " + steps.get(i - 1).rate());
            }
        }
        return new Content(root.path("url").asText(""), slo, steps);
    }

    private static Number number(JsonNode node, String field, Path file) {
        JsonNode value = node.path(field);
        if (!value.isNumber()) {
            throw new IllegalArgumentException(file + ": \"" + field + "\" must be a number");
        }
        return value.numberValue();
    }

    private static String text(JsonNode node, String field, Path file) {
        JsonNode value = node.path(field);
        if (!value.isTextual()) {
            throw new IllegalArgumentException(file + ": \"" + field + "\" must be a string");
        }
        return value.asText();
    }
}
