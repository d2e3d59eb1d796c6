package dev.fanout.metrics;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.zip.DataFormatException;
import org.HdrHistogram.Histogram;

/// The body of `GET /v1/stats/{name}.hdr`: a histogram in HdrHistogram's compressed binary form
/// (`encodeIntoCompressedByteBuffer`, the form `.hlog` lines carry), base64-encoded, and back.
/// Decoding is exact, so the histograms of several instances can be decoded and `add`ed into one
/// that equals a histogram of all their values. This class is thread-safe and stateless.
public final class HistogramCodec {
    // Decoding never needs a range beyond what the encoded form says.
    private static final long NO_MINIMUM_HIGHEST_TRACKABLE_VALUE = 0;

    private HistogramCodec() {
    }

    /// `histogram` as base64 (RFC 4648, no line breaks) of its compressed form.
    public static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        return Base64.getEncoder().encodeToString(Arrays.copyOf(buffer.array(), length));
    }

    /// The histogram that [#encode(Histogram)] gave `base64` for. It auto-resizes, so histograms
    /// of different ranges can be added into it.
    ///
    /// @throws IllegalArgumentException when `base64` is not a base64 compressed HdrHistogram
    public static Histogram decode(String base64) {
        Objects.requireNonNull(base64, "base64 must not be null");
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not base64: " + e.getMessage(), e);
        }
        Histogram histogram;
        try {
            histogram = Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes),
                    NO_MINIMUM_HIGHEST_TRACKABLE_VALUE);
        } catch (DataFormatException | RuntimeException e) {
            // HdrHistogram reports a bad cookie or truncated input with assorted runtime exceptions.
            throw new IllegalArgumentException("not a compressed HdrHistogram: " + e.getMessage(), e);
        }
        histogram.setAutoResize(true);
        return histogram;
    }
}
