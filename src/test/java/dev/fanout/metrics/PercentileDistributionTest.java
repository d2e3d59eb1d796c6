package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class PercentileDistributionTest {
    @Test
    void writesHdrHistogramsTextWithValuesInMicroseconds() {
        Histogram histogram = LatencyHistograms.newHistogram();
        for (long micros = 1_000; micros <= 2_000; micros++) {
            histogram.recordValue(micros);
        }
        String text = PercentileDistribution.render(histogram);
        assertTrue(text.lines().findFirst().orElseThrow().strip().startsWith("Value"), text);
        // Unscaled: the maximum appears as 2000 µs, not 2.000 ms.
        assertTrue(text.contains("#[Max     =     2000.000, Total count    =         1001]"), text);
        assertTrue(text.contains("#[Mean    =     1500.000"), text);
    }
}
