package dev.fanout.server;

import dev.fanout.config.ConfigDuration;
import dev.fanout.metrics.AdmissionGauges;
import dev.fanout.metrics.HistogramCodec;
import dev.fanout.metrics.LatencyHistograms;
import dev.fanout.metrics.PercentileDistribution;
import dev.fanout.metrics.PrometheusText;
import dev.fanout.metrics.RuntimeMetrics;
import dev.fanout.metrics.Snapshot;
import dev.fanout.metrics.StatsJson;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;

/// The latency histograms over HTTP: `GET /v1/stats` (JSON, whole run and last window,
/// `?window=PT30S`), `GET /v1/stats/{name}.hgrm` (percentile distribution text),
/// `GET /v1/stats/{name}.hdr` (HdrHistogram's compressed base64 form, for exact merging across
/// instances), `POST /v1/stats/reset`, and `GET /metrics` (Prometheus text: the histograms and
/// counters, the admission control's gauges, the process's and the JVM's figures). Served on the admin
/// listener when there is one, else on the public one, where resetting can be refused
/// (`fanout.stats.reset-on-public-port: false`): whoever may post CSV should not be able to wipe
/// the figures a capacity planner is reading. Thread-safe.
final class StatsService implements HttpService {
    private final LatencyHistograms histograms;
    private final Supplier<AdmissionGauges> admission;
    private final boolean resetAllowed;

    /// `admission`: the admission control's gauges as they stand, read at each `GET /metrics`.
    StatsService(LatencyHistograms histograms, Supplier<AdmissionGauges> admission, boolean resetAllowed) {
        this.histograms = histograms;
        this.admission = admission;
        this.resetAllowed = resetAllowed;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/v1/stats", this::stats)
                .get("/v1/stats/{file}", this::one)
                .post("/v1/stats/reset", this::reset)
                .get("/metrics", this::prometheus);
    }

    private void stats(ServerRequest req, ServerResponse res) {
        Duration window = window(req).orElse(histograms.interval());
        res.header(HeaderNames.CONTENT_TYPE, "application/json");
        res.send(StatsJson.render(histograms.snapshot(window)));
    }

    /// The `?window=` of a request, if it has one: a positive duration.
    ///
    /// @throws ProblemException `bad_parameter` when it is not one
    private static Optional<Duration> window(ServerRequest req) {
        if (!req.query().contains("window")) {
            return Optional.empty();
        }
        Duration window;
        try {
            window = ConfigDuration.parse(req.query().get("window"));
        } catch (IllegalArgumentException e) {
            throw ProblemException.of(ProblemCode.BAD_PARAMETER, "window: " + e.getMessage());
        }
        if (window.isNegative() || window.isZero()) {
            throw ProblemException.of(ProblemCode.BAD_PARAMETER, "window must be positive");
        }
        return Optional.of(window);
    }

    private void one(ServerRequest req, ServerResponse res) {
        String file = req.path().pathParameters().get("file");
        int dot = file.lastIndexOf('.');
        String name = dot < 0 ? file : file.substring(0, dot);
        String format = dot < 0 ? "" : file.substring(dot + 1);
        // With ?window= the histogram of the last window (whole slices, as /v1/stats?window=),
        // so that a cluster-wide p99 over the last minutes can be merged from every replica.
        Optional<Duration> window = window(req);
        Snapshot snapshot = histograms.snapshot(window.orElse(histograms.interval()));
        Snapshot.Series series = snapshot.histograms().get(name);
        if (series == null) {
            throw ProblemException.of(ProblemCode.UNKNOWN_HISTOGRAM, "no histogram is named '" + name + "'");
        }
        var histogram = window.isEmpty() ? series.run() : series.window();
        if (window.isPresent()) {
            // Less than asked when the kept history is shorter (slices × interval, or since start
            // or reset): a merging client can say so instead of passing it off as the full window.
            res.header(HeaderNames.create("Fanout-Window-Seconds"),
                    String.format(java.util.Locale.ROOT, "%.3f", snapshot.window().toMillis() / 1000.0));
        }
        switch (format) {
            case "hgrm" -> {
                res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
                res.send(PercentileDistribution.render(histogram).getBytes(StandardCharsets.UTF_8));
            }
            case "hdr" -> {
                res.header(HeaderNames.CONTENT_TYPE, "text/plain; charset=us-ascii");
                res.send((HistogramCodec.encode(histogram) + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            default -> throw ProblemException.of(ProblemCode.UNKNOWN_FORMAT, "ask for " + name + ".hgrm or " + name + ".hdr");
        }
    }

    private void reset(ServerRequest req, ServerResponse res) {
        if (!resetAllowed) {
            throw ProblemException.of(ProblemCode.RESET_REFUSED, "resetting the histograms is turned off on this port"
                    + " (fanout.stats.reset-on-public-port); configure an admin listener to reset them there");
        }
        histograms.reset();
        res.status(204);
        res.send();
    }

    private void prometheus(ServerRequest req, ServerResponse res) {
        res.header(HeaderNames.CONTENT_TYPE, PrometheusText.CONTENT_TYPE);
        String text = PrometheusText.render(histograms.snapshot(histograms.interval())) + admission.get().render()
                + RuntimeMetrics.render();
        res.send(text.getBytes(StandardCharsets.UTF_8));
    }
}
