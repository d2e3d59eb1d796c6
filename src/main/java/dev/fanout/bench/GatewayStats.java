package dev.fanout.bench;

import dev.fanout.metrics.HistogramCodec;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/// The gateway's own view of a benchmark: its whole-run `request` histogram
/// (`GET /v1/stats/request.hdr`) read before and after the rounds; the difference is exactly the
/// server-side latency of the requests sent in between (warm-up excluded). A target that is not
/// a Fanout gateway (a peer implementation) simply has no view.
final class GatewayStats implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private final URI histogramUri;

    GatewayStats(URI target) {
        this.histogramUri = Target.base(target).resolve("/v1/stats/request.hdr");
    }

    /// The gateway's `request` histogram now, or empty when it does not answer one.
    Optional<Histogram> read() throws InterruptedException {
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(histogramUri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(HistogramCodec.decode(response.body()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /// What was recorded between `before` and `after`; `after` alone when the gateway's
    /// histograms were reset in between (its counts went down).
    static Optional<Histogram> between(Optional<Histogram> before, Optional<Histogram> after) {
        if (after.isEmpty()) {
            return Optional.empty();
        }
        Histogram difference = after.get().copy();
        if (before.isPresent()) {
            try {
                difference.subtract(before.get());
            } catch (IllegalArgumentException e) {
                return after;
            }
        }
        return Optional.of(difference);
    }
}
