package dev.fanout.cli;

import dev.fanout.bench.LoadPlan;
import dev.fanout.bench.Payload;
import dev.fanout.config.ConfigDuration;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Option;

/// The options `fanout bench` and `fanout bench sweep` share: target, bodies, connections, length
/// of a round, warm-up and time-out. Checked when the plan is made, not by picocli, so that a
/// subcommand's options are not demanded of its parent.
final class LoadOptions {
    static final int DEFAULT_CONNECTIONS = 50;

    @Option(names = "--url", paramLabel = "URL",
            description = "Target, e.g. http://127.0.0.1:8080/v1/validate?schema=people (required).")
    String url;

    @Option(names = "--file", paramLabel = "CSV",
            description = "CSV body to post; repeat for several, sent round-robin (required).")
    List<Path> files;

    @Option(names = "--multipart", description = "Send each file as multipart/form-data (part 'file') instead of text/csv.")
    boolean multipart;

    @Option(names = "--requests", paramLabel = "N", description = "Requests per round.")
    Long requests;

    @Option(names = "--duration", paramLabel = "D", converter = DurationConverter.class,
            description = "Length of a round: 30s, 500ms, PT1M (default for sweep: 10s).")
    Duration duration;

    @Option(names = {"--connections", "-c"}, paramLabel = "C", defaultValue = "" + DEFAULT_CONNECTIONS,
            description = "Keep-alive connections (default: ${DEFAULT-VALUE}).")
    int connections;

    @Option(names = "--warmup", paramLabel = "D", defaultValue = "0s", converter = DurationConverter.class,
            description = "Send unmeasured for this long first (default: ${DEFAULT-VALUE}).")
    Duration warmup;

    @Option(names = "--timeout", paramLabel = "D", defaultValue = "30s", converter = DurationConverter.class,
            description = "Deadline of one request, connect to last byte (default: ${DEFAULT-VALUE}).")
    Duration timeout;

    @Option(names = "--retries", paramLabel = "N", defaultValue = "0",
            description = "Send a request answered 503 again, after its Retry-After (at most 1 s), up to N times (default: ${DEFAULT-VALUE}).")
    int retries;

    @Option(names = "--gateway-stats", paramLabel = "URL", split = ",", splitSynopsisLabel = ",",
            description = "Replicas (base URLs) whose request histograms are read before and after and merged, "
                    + "e.g. every pod behind the balancer (default: the --url's own base).")
    List<String> gatewayStats;

    @Option(names = "--no-verify", negatable = false,
            description = "Do not check that 2xx bodies are complete NDJSON (only HTTP framing is checked).")
    boolean noVerify;

    /// The plan these options describe, at `rate` (0: closed loop), `rounds` times; a round lasts
    /// `defaultDuration` when neither --requests nor --duration was given (null: one is required).
    LoadPlan plan(double rate, int rounds, Duration defaultDuration) {
        if (url == null) {
            throw new CliFailure("--url is required");
        }
        if (files == null || files.isEmpty()) {
            throw new CliFailure("--file is required");
        }
        URI target;
        try {
            target = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new CliFailure("--url '" + url + "' is not a URL: " + e.getMessage());
        }
        if (requests != null && duration != null) {
            throw new CliFailure("give --requests or --duration, not both");
        }
        Duration length = duration;
        long count = requests == null ? 0 : requests;
        if (requests == null && duration == null) {
            if (defaultDuration == null) {
                throw new CliFailure("give --requests N or --duration D");
            }
            length = defaultDuration;
        }
        if (requests != null && requests < 1) {
            throw new CliFailure("--requests must be at least 1");
        }
        if (retries < 0) {
            throw new CliFailure("--retries cannot be negative");
        }
        List<URI> replicas = gatewayStats == null ? List.of() : gatewayStats.stream().map(LoadOptions::replica).toList();
        try {
            List<Payload> payloads = files.stream().map(file -> {
                if (!Files.isRegularFile(file)) {
                    throw new CliFailure("cannot read " + file + ": no such file");
                }
                return Payload.of(target, file, multipart);
            }).toList();
            return new LoadPlan(target, payloads, count, length, connections, rate, warmup, rounds, timeout, !noVerify,
                    retries, replicas);
        } catch (UncheckedIOException e) {
            throw new CliFailure(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage(), e);
        }
    }

    private static URI replica(String text) {
        try {
            URI uri = URI.create(text.strip());
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw new CliFailure("--gateway-stats '" + text + "' is not an http://host:port URL");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CliFailure("--gateway-stats '" + text + "' is not a URL: " + e.getMessage());
        }
    }

    /// A duration as the configuration takes them: `PT0.5S`, `500ms`, `2s`.
    static final class DurationConverter extends ParsingConverter<Duration> {
        DurationConverter() {
            super(ConfigDuration::parse);
        }
    }
}
