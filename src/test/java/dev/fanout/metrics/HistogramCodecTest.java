package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Base64;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class HistogramCodecTest {
    private static Histogram randomLatencies(long seed, int count, long maxMicros) {
        var random = new SplittableRandom(seed);
        Histogram histogram = LatencyHistograms.newHistogram();
        for (int i = 0; i < count; i++) {
            histogram.recordValue(random.nextLong(1, maxMicros));
        }
        return histogram;
    }

    @Test
    void decodesWhatItEncoded() {
        Histogram original = randomLatencies(1, 10_000, 10_000_000);
        Histogram decoded = HistogramCodec.decode(HistogramCodec.encode(original));
        assertEquals(original, decoded);
        assertEquals(original.getTotalCount(), decoded.getTotalCount());
        assertEquals(original.getValueAtPercentile(99.9), decoded.getValueAtPercentile(99.9));
    }

    @Test
    void decodesAnEmptyHistogram() {
        Histogram empty = LatencyHistograms.newHistogram();
        assertEquals(empty, HistogramCodec.decode(HistogramCodec.encode(empty)));
    }

    @Test
    void mergingDecodedHistogramsEqualsRecordingAllValuesInOne() {
        // Two "instances" with different ranges, so the merge needs the decoded one to resize.
        Histogram first = randomLatencies(2, 5_000, 2_000);
        Histogram second = randomLatencies(3, 7_000, 3_600_000_000L);
        Histogram union = LatencyHistograms.newHistogram();
        union.add(randomLatencies(2, 5_000, 2_000));
        union.add(randomLatencies(3, 7_000, 3_600_000_000L));

        Histogram merged = HistogramCodec.decode(HistogramCodec.encode(first));
        merged.add(HistogramCodec.decode(HistogramCodec.encode(second)));

        assertEquals(union, merged);
        assertEquals(12_000, merged.getTotalCount());
        assertNotEquals(first, merged);
    }

    @Test
    void rejectsWhatIsNotAnEncodedHistogram() {
        assertThrows(IllegalArgumentException.class, () -> HistogramCodec.decode("not base64 !"));
        assertThrows(IllegalArgumentException.class,
                () -> HistogramCodec.decode(Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4, 5, 6, 7, 8})));
    }
}
