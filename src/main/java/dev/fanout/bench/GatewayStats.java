package dev.fanout.bench;

import dev.fanout.metrics.HistogramCodec;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/// The gateways' own view of a benchmark: each replica's whole-run `request` histogram
/// (`GET /v1/stats/request.hdr`) read before and after the rounds; per replica, the difference is
/// exactly the server-side latency of the requests it served in between (warm-up excluded), and
/// the sum over replicas is the cluster's. Behind a load balancer the target URL reaches a
/// different replica on each read, so the replicas are read directly, each by its own address.
/// A target that is not a Fanout gateway (a peer implementation) simply has no view.
final class GatewayStats implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();
    private final List<URI> replicas;

    /// Reads the replicas at these base URLs (`http://host:port`).
    GatewayStats(List<URI> replicas) {
        this.replicas = List.copyOf(replicas);
    }

    /// One replica's histogram at one moment, or why there is none.
    record Reading(URI replica, Optional<Histogram> histogram, String problem) {
    }

    /// Every replica's `request` histogram now, in the order given.
    List<Reading> read() throws InterruptedException {
        List<Reading> readings = new ArrayList<>(replicas.size());
        for (URI replica : replicas) {
            readings.add(read(replica));
        }
        return readings;
    }

    private Reading read(URI replica) throws InterruptedException {
        URI uri = replica.resolve("/v1/stats/request.hdr");
        try {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return new Reading(replica, Optional.empty(), "GET " + uri.getPath() + " answered " + response.statusCode());
            }
            return new Reading(replica, Optional.of(HistogramCodec.decode(response.body())), "");
        } catch (ConnectException e) {
            // The JDK's client says nothing more than the exception's type here.
            return new Reading(replica, Optional.empty(), "no answer: connection refused");
        } catch (IOException e) {
            return new Reading(replica, Optional.empty(), "no answer: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        } catch (IllegalArgumentException e) {
            return new Reading(replica, Optional.empty(), "not an HdrHistogram: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        client.close();
    }

    /// Per replica, what was recorded between the `before` and `after` readings (same order).
    static List<ReplicaStats> between(List<Reading> before, List<Reading> after) {
        List<ReplicaStats> stats = new ArrayList<>(after.size());
        for (int i = 0; i < after.size(); i++) {
            Reading first = before.get(i);
            Reading last = after.get(i);
            if (last.histogram().isEmpty()) {
                stats.add(new ReplicaStats(last.replica(), Optional.empty(), Optional.of(last.problem() + " (after the run)")));
            } else if (first.histogram().isEmpty()) {
                // Without a reading before, the whole run so far would be counted as this benchmark's.
                stats.add(new ReplicaStats(last.replica(), Optional.empty(), Optional.of(first.problem() + " (before the run)")));
            } else {
                stats.add(new ReplicaStats(last.replica(), between(first.histogram(), last.histogram()), Optional.empty()));
            }
        }
        return stats;
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
