package dev.fanout.bench;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import org.HdrHistogram.Histogram;

/// One gateway replica's view of a benchmark's requests: its `request` histogram after the run
/// minus before, or why there is none (it did not answer, or answered something else). A replica
/// that did not answer is reported, never silently left out of the merged figures. Immutable;
/// the histogram belongs to this record, don't modify it.
///
/// @param replica  the replica's base URL, `http://host:port`
/// @param requests what it recorded between the two reads, when both reads worked
/// @param problem  why there is no figure, when there is none
public record ReplicaStats(URI replica, Optional<Histogram> requests, Optional<String> problem) {
    public ReplicaStats {
        Objects.requireNonNull(replica, "replica");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(problem, "problem");
        if (requests.isPresent() == problem.isPresent()) {
            throw new IllegalArgumentException("a replica has either figures or a problem");
        }
    }

    /// The requests this replica recorded, or 0 when it has no figures.
    public long count() {
        return requests.map(Histogram::getTotalCount).orElse(0L);
    }
}
