package dev.fanout.metrics;

import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/// The body of `GET /metrics`: a [Snapshot]'s run-total histograms and request counts in the
/// Prometheus text exposition format 0.0.4, as classic histograms with a fixed bucket layout so
/// that the series of several instances add up (`sum by (le)`).
///
/// Families: `fanout_request_seconds`, `fanout_ttfb_seconds`, `fanout_chunk_validate_seconds`,
/// `fanout_queue_wait_seconds`, `fanout_upstream_seconds{upstream="NAME"}` (one family, a label
/// per upstream), `fanout_rows` (rows per request, no unit) and the counters
/// `fanout_requests_total{status="200"}`, `fanout_upstream_lookups_total{upstream,outcome}` and
/// `fanout_stream_errors_total{code="overloaded"}` (the last two once there is something to count).
///
/// Latency buckets are log-spaced by a factor of 1.05 from 50 µs to 20 s (boundaries rounded to 3
/// significant digits in µs, `le` in seconds): about 265 buckets, fine enough that
/// `histogram_quantile`'s linear interpolation lands within about 6 % of HdrHistogram's exact
/// percentile for any value from 50 µs to 20 s (below 50 µs all values share the first bucket).
/// Row buckets follow 1-2-5 per decade from 1 to 10⁹. Bucket counts are exact with respect to the
/// HdrHistogram: a recorded value counts towards `le` when the lowest value equivalent to it (it
/// is known to within 0.1 %) is at most `le`. `_sum` is mean × count, as HdrHistogram keeps no
/// exact sum. This class is thread-safe and stateless.
public final class PrometheusText {
    /// The `Content-Type` of this format.
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    static final double LATENCY_BUCKET_FACTOR = 1.05;
    static final long LOWEST_LATENCY_BOUNDARY_MICROS = 50;
    static final long HIGHEST_LATENCY_BOUNDARY_MICROS = 20_000_000;
    static final long[] LATENCY_BOUNDARIES_MICROS = latencyBoundaries();
    static final long[] ROWS_BOUNDARIES = rowsBoundaries();

    private static final List<String> LATENCY_LABELS = labels(LATENCY_BOUNDARIES_MICROS, 6);
    private static final List<String> ROWS_LABELS = labels(ROWS_BOUNDARIES, 0);
    private static final double MICROS_PER_SECOND = 1_000_000.0;

    private PrometheusText() {
    }

    /// `snapshot` in the Prometheus text format.
    public static String render(Snapshot snapshot) {
        StringBuilder text = new StringBuilder(64 * 1024);
        Map<String, Snapshot.Series> histograms = snapshot.histograms();
        for (String name : LatencyHistograms.FIXED_NAMES) {
            Snapshot.Series series = histograms.get(name);
            if (series == null) {
                continue;
            }
            boolean rows = "rows".equals(name);
            String family = rows ? "fanout_rows" : "fanout_" + name + "_seconds";
            header(text, family, help(name), "histogram");
            histogram(text, family, "", series.run(), rows);
        }
        boolean upstreamHeaderWritten = false;
        for (Map.Entry<String, Snapshot.Series> entry : histograms.entrySet()) {
            if (!entry.getKey().startsWith(LatencyHistograms.UPSTREAM_PREFIX)) {
                continue;
            }
            if (!upstreamHeaderWritten) {
                header(text, "fanout_upstream_seconds",
                        "Time of one HTTP call to an upstream lookup service (each retry is a call).", "histogram");
                upstreamHeaderWritten = true;
            }
            String upstream = entry.getKey().substring(LatencyHistograms.UPSTREAM_PREFIX.length());
            histogram(text, "fanout_upstream_seconds", "upstream=\"" + escapeLabelValue(upstream) + "\",",
                    entry.getValue().run(), false);
        }
        header(text, "fanout_requests_total", "Responses to /v1/validate by HTTP status.", "counter");
        for (Map.Entry<Integer, Long> entry : snapshot.requestsByStatus().entrySet()) {
            text.append("fanout_requests_total{status=\"").append(entry.getKey()).append("\"} ")
                    .append(entry.getValue()).append('\n');
        }
        if (!snapshot.lookupOutcomes().isEmpty()) {
            header(text, "fanout_upstream_lookups_total", "Upstream lookups by upstream and outcome.", "counter");
            snapshot.lookupOutcomes().forEach((upstream, byOutcome) -> byOutcome.forEach((outcome, count) ->
                    text.append("fanout_upstream_lookups_total{upstream=\"").append(escapeLabelValue(upstream))
                            .append("\",outcome=\"").append(escapeLabelValue(outcome)).append("\"} ").append(count).append('\n')));
        }
        if (!snapshot.streamErrors().isEmpty()) {
            header(text, "fanout_stream_errors_total",
                    "Answers to /v1/validate that began 200 and ended with an error line, by code.", "counter");
            snapshot.streamErrors().forEach((code, count) -> text.append("fanout_stream_errors_total{code=\"")
                    .append(escapeLabelValue(code)).append("\"} ").append(count).append('\n'));
        }
        return text.toString();
    }

    /// Writes [#render(Snapshot)] as UTF-8 to `out`, leaving it open.
    ///
    /// @throws UncheckedIOException when `out` fails
    public static void write(Snapshot snapshot, OutputStream out) {
        try {
            out.write(render(snapshot).getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write metrics", e);
        }
    }

    private static String help(String name) {
        return switch (name) {
            case "request" -> "Time from the start of a /v1/validate request to its last response byte.";
            case "ttfb" -> "Time from the start of a /v1/validate request to its first NDJSON byte.";
            case "rows" -> "Rows per /v1/validate request.";
            case "chunk_validate" -> "Time to validate one chunk of rows.";
            case "queue_wait" -> "Time validation work waited for a permit.";
            default -> throw new IllegalArgumentException("no help text for " + name);
        };
    }

    private static void header(StringBuilder text, String family, String help, String type) {
        text.append("# HELP ").append(family).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(family).append(' ').append(type).append('\n');
    }

    /// Appends the `_bucket`, `_sum` and `_count` lines; `labels` is empty or ends with a comma.
    private static void histogram(StringBuilder text, String family, String labels, Histogram histogram,
            boolean rows) {
        long[] boundaries = rows ? ROWS_BOUNDARIES : LATENCY_BOUNDARIES_MICROS;
        List<String> les = rows ? ROWS_LABELS : LATENCY_LABELS;
        long[] cumulative = cumulativeCounts(histogram, boundaries);
        for (int i = 0; i < boundaries.length; i++) {
            text.append(family).append("_bucket{").append(labels).append("le=\"").append(les.get(i)).append("\"} ")
                    .append(cumulative[i]).append('\n');
        }
        long count = histogram.getTotalCount();
        text.append(family).append("_bucket{").append(labels).append("le=\"+Inf\"} ").append(count).append('\n');
        double sum = count == 0 ? 0 : histogram.getMean() * count;
        if (!rows) {
            sum /= MICROS_PER_SECOND;
        }
        String labelSet = labels.isEmpty() ? "" : "{" + labels.substring(0, labels.length() - 1) + "}";
        text.append(family).append("_sum").append(labelSet).append(' ')
                .append(BigDecimal.valueOf(sum).toPlainString()).append('\n');
        text.append(family).append("_count").append(labelSet).append(' ').append(count).append('\n');
    }

    /// For each boundary, how many recorded values are at most that boundary; one pass over the
    /// histogram's non-empty buckets.
    static long[] cumulativeCounts(Histogram histogram, long[] boundaries) {
        long[] cumulative = new long[boundaries.length];
        int boundary = 0;
        for (HistogramIterationValue value : histogram.recordedValues()) {
            long lowestEquivalent = histogram.lowestEquivalentValue(value.getValueIteratedTo());
            while (boundary < boundaries.length && boundaries[boundary] < lowestEquivalent) {
                boundary++;
            }
            if (boundary == boundaries.length) {
                break;
            }
            cumulative[boundary] += value.getCountAtValueIteratedTo();
        }
        for (int i = 1; i < cumulative.length; i++) {
            cumulative[i] += cumulative[i - 1];
        }
        return cumulative;
    }

    private static long[] latencyBoundaries() {
        List<Long> boundaries = new ArrayList<>();
        for (int i = 0; ; i++) {
            // Each boundary from the exact power, so rounding never accumulates.
            long micros = roundToSignificantDigits(LOWEST_LATENCY_BOUNDARY_MICROS * Math.pow(LATENCY_BUCKET_FACTOR, i), 3);
            if (boundaries.isEmpty() || micros > boundaries.getLast()) {
                boundaries.add(Math.min(micros, HIGHEST_LATENCY_BOUNDARY_MICROS));
            }
            if (micros >= HIGHEST_LATENCY_BOUNDARY_MICROS) {
                return boundaries.stream().mapToLong(Long::longValue).toArray();
            }
        }
    }

    private static long[] rowsBoundaries() {
        List<Long> boundaries = new ArrayList<>();
        for (long decade = 1; decade <= 1_000_000_000L; decade *= 10) {
            boundaries.add(decade);
            if (decade < 1_000_000_000L) {
                boundaries.add(2 * decade);
                boundaries.add(5 * decade);
            }
        }
        return boundaries.stream().mapToLong(Long::longValue).toArray();
    }

    private static long roundToSignificantDigits(double value, int digits) {
        long rounded = Math.round(value);
        int excessDigits = Long.toString(rounded).length() - digits;
        if (excessDigits <= 0) {
            return rounded;
        }
        long scale = (long) Math.pow(10, excessDigits);
        return Math.round(value / scale) * scale;
    }

    private static List<String> labels(long[] boundaries, int decimals) {
        List<String> labels = new ArrayList<>(boundaries.length);
        for (long boundary : boundaries) {
            labels.add(BigDecimal.valueOf(boundary, decimals).stripTrailingZeros().toPlainString());
        }
        return List.copyOf(labels);
    }

    static String escapeLabelValue(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
