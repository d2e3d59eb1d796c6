package dev.fanout.metrics;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/// What [LatencyHistograms#snapshot(Duration)] saw: per histogram name (in report order: the
/// fixed names, then `upstream.NAME` sorted) the whole-run histogram and the histogram of the
/// window, plus response counts by HTTP status (only statuses seen, ascending), lookups by
/// outcome and answers ended by an error line by code. `window` is the
/// time the window histograms actually cover. The maps are unmodifiable and never `null`; the
/// histograms are copies that belong to this snapshot and that nobody else writes, so it can be
/// rendered from any thread, but they are mutable objects: don't modify them.
///
/// @param window how much recent time the window histograms cover
/// @param histograms per name, the run and window histograms (values in µs; `rows` in rows)
/// @param requestsByStatus responses counted per HTTP status
/// @param lookupOutcomes per upstream, lookups answered per outcome (`found`, `lookup_not_found`, …)
/// @param streamErrors answers that ended with an error line, per code (`overloaded`, …)
public record Snapshot(Duration window, Map<String, Series> histograms, Map<Integer, Long> requestsByStatus,
        Map<String, Map<String, Long>> lookupOutcomes, Map<String, Long> streamErrors) {
    public Snapshot {
        Objects.requireNonNull(window, "window must not be null");
        Objects.requireNonNull(histograms, "histograms must not be null");
        Objects.requireNonNull(requestsByStatus, "requestsByStatus must not be null");
        Objects.requireNonNull(lookupOutcomes, "lookupOutcomes must not be null");
        Objects.requireNonNull(streamErrors, "streamErrors must not be null");
    }

    /// A snapshot without lookup outcomes or stream errors.
    public Snapshot(Duration window, Map<String, Series> histograms, Map<Integer, Long> requestsByStatus) {
        this(window, histograms, requestsByStatus, Map.of(), Map.of());
    }

    /// One name's histograms: `run` since start or the last reset, `window` over the snapshot's
    /// window. Never `null`.
    ///
    /// @param run everything recorded since start or the last reset
    /// @param window what was recorded within the snapshot's window
    public record Series(Histogram run, Histogram window) {
        public Series {
            Objects.requireNonNull(run, "run must not be null");
            Objects.requireNonNull(window, "window must not be null");
        }
    }
}
