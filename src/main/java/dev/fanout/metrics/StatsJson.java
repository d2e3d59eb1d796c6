package dev.fanout.metrics;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import org.HdrHistogram.Histogram;

/// The body of `GET /v1/stats`: a [Snapshot] as JSON, values in microseconds (`rows` in rows).
///
/// ```json
/// {"windowSeconds":10.2,
///  "histograms":{"request":{"unit":"us",
///                           "run":{"count":12,"min":180,"mean":412.5,"p50":390,"p90":610,
///                                  "p99":905,"p999":905,"p9999":905,"max":905},
///                           "window":{…same fields…}},
///                "rows":{"unit":"rows","run":{…},"window":{…}}, …},
///  "requests":{"200":12,"422":1},
///  "streamErrors":{"overloaded":1}}
/// ```
///
/// `requests` counts answers by HTTP status; `streamErrors` the answers among them that began
/// `200` and ended with an error line, by its code.
///
/// `windowSeconds` is the time the `window` sections actually cover (whole slices, see
/// [LatencyHistograms#snapshot]), to 3 decimals. Histograms are listed in [Snapshot] order. Every
/// field is an integer except `mean` (1 decimal) and `windowSeconds`; an empty histogram gives
/// `count` 0 and zeros. Percentiles are HdrHistogram's (`getValueAtPercentile`: the highest value
/// equivalent to the one at that rank, within 0.1 %). This class is thread-safe and stateless.
public final class StatsJson {
    // Jackson's shared bounded pool, not its per-thread default: a connection's virtual thread
    // kept its own buffers (~12 KB) for as long as the connection stayed open.
    private static final JsonFactory JSON = JsonFactory.builder().recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build();
    private static final String[] PERCENTILE_FIELDS = {"p50", "p90", "p99", "p999", "p9999"};
    private static final double[] PERCENTILES = {50.0, 90.0, 99.0, 99.9, 99.99};

    private StatsJson() {
    }

    /// Writes `snapshot` as JSON (UTF-8) to `out`, leaving `out` open.
    ///
    /// @throws UncheckedIOException when `out` fails
    public static void write(Snapshot snapshot, OutputStream out) {
        try (JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)
                .disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET)) {
            json.writeStartObject();
            json.writeFieldName("windowSeconds");
            json.writeNumber(BigDecimal.valueOf(snapshot.window().toMillis(), 3));
            json.writeObjectFieldStart("histograms");
            for (Map.Entry<String, Snapshot.Series> entry : snapshot.histograms().entrySet()) {
                json.writeObjectFieldStart(entry.getKey());
                json.writeStringField("unit", "rows".equals(entry.getKey()) ? "rows" : "us");
                writeSummary(json, "run", entry.getValue().run());
                writeSummary(json, "window", entry.getValue().window());
                json.writeEndObject();
            }
            json.writeEndObject();
            json.writeObjectFieldStart("requests");
            for (Map.Entry<Integer, Long> entry : snapshot.requestsByStatus().entrySet()) {
                json.writeNumberField(Integer.toString(entry.getKey()), entry.getValue());
            }
            json.writeEndObject();
            json.writeObjectFieldStart("streamErrors");
            for (Map.Entry<String, Long> entry : snapshot.streamErrors().entrySet()) {
                json.writeNumberField(entry.getKey(), entry.getValue());
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write stats JSON", e);
        }
    }

    /// `snapshot` as JSON bytes (UTF-8).
    public static byte[] render(Snapshot snapshot) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        write(snapshot, out);
        return out.toByteArray();
    }

    private static void writeSummary(JsonGenerator json, String field, Histogram histogram) throws IOException {
        boolean empty = histogram.getTotalCount() == 0;
        json.writeObjectFieldStart(field);
        json.writeNumberField("count", histogram.getTotalCount());
        json.writeNumberField("min", empty ? 0 : histogram.getMinValue());
        json.writeFieldName("mean");
        // BigDecimal, not a double: a double of 1e7 or more would print as 1.2345E7.
        json.writeNumber(empty ? BigDecimal.ZERO.setScale(1)
                : BigDecimal.valueOf(histogram.getMean()).setScale(1, RoundingMode.HALF_UP));
        for (int i = 0; i < PERCENTILES.length; i++) {
            json.writeNumberField(PERCENTILE_FIELDS[i], empty ? 0 : histogram.getValueAtPercentile(PERCENTILES[i]));
        }
        json.writeNumberField("max", empty ? 0 : histogram.getMaxValue());
        json.writeEndObject();
    }
}
