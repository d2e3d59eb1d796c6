package dev.fanout.metrics;

/// The gateway's admission control as it stands, for `GET /metrics`: how many of its places are
/// taken and how many there are, so that an operator who sees `503 overloaded` or an `overloaded`
/// error line can tell which bound was reached, and how close the others are. Rendered as
/// Prometheus gauges: `fanout_validations_running` and `fanout_validations_limit`
/// (`max-concurrent-validations`), `fanout_large_places_used` and `fanout_large_places_limit`
/// (`max-concurrent-large-validations`: large uploads and the keys runs remember take them),
/// `fanout_wide_records_held`, `fanout_wide_records_limit` (`max-concurrent-wide-records`) and
/// `fanout_wide_records_waiting` (readers waiting for a turn). Each figure is read on its own, not
/// as one consistent cut. Immutable.
///
/// @param validations validations running now
/// @param validationLimit validations that may run at once
/// @param largePlaces large places taken now
/// @param largePlaceLimit large places there are
/// @param wideRecordsHeld records longer than a batch held now
/// @param wideRecordLimit such records that may be held at once
/// @param wideRecordsWaiting readers waiting for a turn to read one
public record AdmissionGauges(int validations, int validationLimit, int largePlaces, int largePlaceLimit,
        int wideRecordsHeld, int wideRecordLimit, int wideRecordsWaiting) {
    /// The gauges in the Prometheus text format, ending with a line feed.
    public String render() {
        StringBuilder text = new StringBuilder(1536);
        RuntimeMetrics.gauge(text, "fanout_validations_running", "gauge", "Validations running now (each holds an admission place).",
                Integer.toString(validations));
        RuntimeMetrics.gauge(text, "fanout_validations_limit", "gauge",
                "Validations that may run at once (fanout.limits.max-concurrent-validations).", Integer.toString(validationLimit));
        RuntimeMetrics.gauge(text, "fanout_large_places_used", "gauge",
                "Large places taken now, by large uploads and by the keys their runs remember.", Integer.toString(largePlaces));
        RuntimeMetrics.gauge(text, "fanout_large_places_limit", "gauge",
                "Large places there are (fanout.limits.max-concurrent-large-validations).", Integer.toString(largePlaceLimit));
        RuntimeMetrics.gauge(text, "fanout_wide_records_held", "gauge", "Records longer than 256 KiB held now.",
                Integer.toString(wideRecordsHeld));
        RuntimeMetrics.gauge(text, "fanout_wide_records_limit", "gauge",
                "Records longer than 256 KiB that may be held at once (fanout.limits.max-concurrent-wide-records).",
                Integer.toString(wideRecordLimit));
        RuntimeMetrics.gauge(text, "fanout_wide_records_waiting", "gauge", "Readers waiting for a turn to read a record longer than 256 KiB.",
                Integer.toString(wideRecordsWaiting));
        return text.toString();
    }
}
