package dev.fanout.bench;

import java.util.Map;
import org.HdrHistogram.Histogram;

/// What one measured round of a [LoadPlan] gave.
///
/// @param requests    requests sent and finished, whatever their outcome
/// @param errors      requests without a 2xx, complete answer
/// @param errorsByKind errors by kind: `status 503`, `connect`, `timeout`, `closed`, `malformed`
/// @param seconds     from the round's start to its last answer
/// @param latency     microseconds from each request's intended send time to its last byte
///                    (open loop: coordinated-omission-corrected; closed loop: from the actual send)
/// @param uncorrected microseconds from each request's actual (first) send to its last byte
/// @param retries     how the requests ended with respect to `503` retries
public record RoundResult(long requests, long errors, Map<String, Long> errorsByKind, double seconds,
                          Histogram latency, Histogram uncorrected, Retries retries) {
    public RoundResult {
        errorsByKind = Map.copyOf(errorsByKind);
    }

    /// Requests answered 2xx per second over the round: what the target really served.
    public double goodput() {
        return seconds > 0 ? (requests - errors) / seconds : 0;
    }

    /// How a round's requests fared with `--retries`: answered 2xx at the first try, answered 2xx
    /// after one or more `503`s, and the rest are lost (the round's errors). Also every retry sent
    /// and every `503` answer received (retried or final): how much load the target shed.
    ///
    /// @param firstTry             2xx at the first send
    /// @param retriedThenSucceeded 2xx after at least one retry
    /// @param retriesSent          retries sent in all
    /// @param unavailable          `503` answers received, retried or not
    public record Retries(long firstTry, long retriedThenSucceeded, long retriesSent, long unavailable) {
        static final Retries NONE = new Retries(0, 0, 0, 0);

        /// The sum of two rounds' counts.
        public Retries plus(Retries other) {
            return new Retries(firstTry + other.firstTry, retriedThenSucceeded + other.retriedThenSucceeded,
                    retriesSent + other.retriesSent, unavailable + other.unavailable);
        }
    }

    /// Requests per second over the round.
    public double throughput() {
        return seconds > 0 ? requests / seconds : 0;
    }
}
