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
/// @param uncorrected microseconds from each request's actual send to its last byte
public record RoundResult(long requests, long errors, Map<String, Long> errorsByKind, double seconds,
                          Histogram latency, Histogram uncorrected) {
    public RoundResult {
        errorsByKind = Map.copyOf(errorsByKind);
    }

    /// Requests per second over the round.
    public double throughput() {
        return seconds > 0 ? requests / seconds : 0;
    }
}
