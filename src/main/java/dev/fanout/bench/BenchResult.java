package dev.fanout.bench;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/// Everything one `fanout bench` measurement found: its rounds, and over all of them together
/// the request and error counts, the throughput and the latency histograms; the generator's own
/// CPU; and, when the target is a Fanout gateway, the gateways' own `request` histograms of the
/// same requests (each replica's `/v1/stats/request.hdr` after minus before), merged in
/// [#gateway()].
///
/// @param plan          what was run
/// @param rounds        the measured rounds, in order; at least one
/// @param cpuSeconds    CPU time the generator's process used during the rounds
/// @param replicas      each replica's view of the rounds' requests, or why it has none
public record BenchResult(LoadPlan plan, List<RoundResult> rounds, double cpuSeconds, List<ReplicaStats> replicas) {
    public BenchResult {
        rounds = List.copyOf(rounds);
        replicas = List.copyOf(replicas);
        if (rounds.isEmpty()) {
            throw new IllegalArgumentException("a result needs at least one round");
        }
    }

    /// The gateways' view of the rounds' requests: the replicas' histograms merged (exactly), or
    /// empty when no replica gave one.
    public Optional<Histogram> gateway() {
        Histogram merged = null;
        for (ReplicaStats replica : replicas) {
            if (replica.requests().isPresent()) {
                if (merged == null) {
                    merged = new Histogram(3);
                }
                merged.add(replica.requests().get());
            }
        }
        return Optional.ofNullable(merged);
    }

    /// How the requests fared with respect to `503` retries, over all rounds.
    public RoundResult.Retries retries() {
        RoundResult.Retries sum = RoundResult.Retries.NONE;
        for (RoundResult round : rounds) {
            sum = sum.plus(round.retries());
        }
        return sum;
    }

    /// Requests answered 2xx per second over all rounds.
    public double goodput() {
        double seconds = seconds();
        return seconds > 0 ? (requests() - errors()) / seconds : 0;
    }

    public long requests() {
        return rounds.stream().mapToLong(RoundResult::requests).sum();
    }

    public long errors() {
        return rounds.stream().mapToLong(RoundResult::errors).sum();
    }

    public double seconds() {
        return rounds.stream().mapToDouble(RoundResult::seconds).sum();
    }

    /// Requests per second over all rounds.
    public double throughput() {
        double seconds = seconds();
        return seconds > 0 ? requests() / seconds : 0;
    }

    public Map<String, Long> errorsByKind() {
        Map<String, Long> merged = new TreeMap<>();
        for (RoundResult round : rounds) {
            round.errorsByKind().forEach((kind, count) -> merged.merge(kind, count, Long::sum));
        }
        return merged;
    }

    /// Latency of every round's requests, from intended send times (see [RoundResult#latency()]).
    public Histogram latency() {
        var merged = new Histogram(3);
        rounds.forEach(round -> merged.add(round.latency()));
        return merged;
    }

    public Histogram uncorrected() {
        var merged = new Histogram(3);
        rounds.forEach(round -> merged.add(round.uncorrected()));
        return merged;
    }

    /// CPU seconds the generator needs per 10,000 requests — equally, the cores it keeps busy
    /// at 10,000 requests per second.
    public double cpuSecondsPer10k() {
        long requests = requests();
        return requests > 0 ? cpuSeconds * 10_000 / requests : 0;
    }

    /// The figures a comparison weighs, over all rounds and round by round.
    public Summary summary() {
        Percentiles latency = Percentiles.of(latency());
        return new Summary(new Figures(throughput(), latency.p50(), latency.p99(), latency.p999()),
                rounds.stream().map(Figures::of).toList(), Optional.of(latency()));
    }

    /// The figures of a result, as measured now or as read back from a `--json` file.
    ///
    /// @param overall  over all rounds
    /// @param rounds   round by round (their spread is the noise band)
    /// @param latency  the latency histogram, when known (files written by this version keep it)
    public record Summary(Figures overall, List<Figures> rounds, Optional<Histogram> latency) {
        public Summary {
            rounds = List.copyOf(rounds);
        }
    }
}
