package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
    private static final long LOWEST_CHECKED_MICROS = 100;
    private static final long HIGHEST_CHECKED_MICROS = 10_000_000;
    private static final double TOLERANCE = 0.10;

    /// Shapes of latency within 100 µs – 10 s.
    enum Distribution {
        UNIFORM {
            @Override
            long nextMicros(SplittableRandom random, double[] shape) {
                return random.nextLong(LOWEST_CHECKED_MICROS, HIGHEST_CHECKED_MICROS + 1);
            }
        },
        LOGNORMAL {
            @Override
            long nextMicros(SplittableRandom random, double[] shape) {
                double medianMicros = Math.exp(Math.log(200) + shape[0] * Math.log(20_000));
                double sigma = 0.05 + 2 * shape[1];
                return clamp(Math.round(medianMicros * Math.exp(sigma * gaussian(random))));
            }
        },
        BIMODAL {
            @Override
            long nextMicros(SplittableRandom random, double[] shape) {
                double fastMicros = 100 + shape[0] * 5_000;
                double slowMicros = 50_000 + shape[1] * 5_000_000;
                boolean slow = random.nextDouble() < 0.002 + shape[2] * 0.05;
                double center = slow ? slowMicros : fastMicros;
                return clamp(Math.round(center * (1 + 0.1 * gaussian(random))));
            }
        },
        LOG_UNIFORM {
            @Override
            long nextMicros(SplittableRandom random, double[] shape) {
                return clamp(Math.round(Math.exp(random.nextDouble(Math.log(LOWEST_CHECKED_MICROS),
                        Math.log(HIGHEST_CHECKED_MICROS)))));
            }
        };

        abstract long nextMicros(SplittableRandom random, double[] shape);

        Histogram sample(long seed, int count) {
            var random = new SplittableRandom(seed);
            double[] shape = {random.nextDouble(), random.nextDouble(), random.nextDouble()};
            Histogram histogram = LatencyHistograms.newHistogram();
            for (int i = 0; i < count; i++) {
                histogram.recordValue(nextMicros(random, shape));
            }
            return histogram;
        }

        private static double gaussian(SplittableRandom random) {
            // Box–Muller: SplittableRandom has no nextGaussian.
            return Math.sqrt(-2 * Math.log(1 - random.nextDouble())) * Math.cos(2 * Math.PI * random.nextDouble());
        }

        private static long clamp(long micros) {
            return Math.clamp(micros, LOWEST_CHECKED_MICROS, HIGHEST_CHECKED_MICROS);
        }
    }

    private static PrometheusExposition.Histogram requestHistogram(Histogram request) {
        var snapshot = new Snapshot(Duration.ZERO, Map.of("request", new Snapshot.Series(request, request)), Map.of());
        var exposition = PrometheusExposition.parse(PrometheusText.render(snapshot));
        return exposition.histograms.get("fanout_request_seconds{}");
    }

    /// |p99 from buckets − exact p99| / exact p99.
    static double p99Error(Histogram histogram) {
        double exactSeconds = histogram.getValueAtPercentile(99.0) / 1e6;
        double bucketSeconds = PrometheusExposition.histogramQuantile(0.99, requestHistogram(histogram));
        return Math.abs(bucketSeconds - exactSeconds) / exactSeconds;
    }

    @Property(tries = 200)
    void p99FromBucketsIsWithinTenPercentOfTheExactP99(@ForAll Distribution distribution, @ForAll long seed) {
        Histogram histogram = distribution.sample(seed, 20_000);
        double error = p99Error(histogram);
        assertTrue(error < TOLERANCE, distribution + " seed " + seed + ": p99 off by " + error);
    }

    @Test
    void p99FromBucketsIsWithinTenPercentForConstantValuesAtAndBesideEveryBoundary() {
        for (long boundary : PrometheusText.LATENCY_BOUNDARIES_MICROS) {
            for (long micros = boundary - 1; micros <= boundary + 1; micros++) {
                if (micros < LOWEST_CHECKED_MICROS || micros > HIGHEST_CHECKED_MICROS) {
                    continue;
                }
                Histogram constant = LatencyHistograms.newHistogram();
                constant.recordValueWithCount(micros, 1_000);
                double error = p99Error(constant);
                assertTrue(error < TOLERANCE, micros + " µs: p99 off by " + error);
            }
        }
    }

    @Test
    void bucketLayoutIsFixedAndFine() {
        long[] boundaries = PrometheusText.LATENCY_BOUNDARIES_MICROS;
        assertEquals(50, boundaries[0]);
        assertEquals(20_000_000, boundaries[boundaries.length - 1]);
        for (int i = 1; i < boundaries.length; i++) {
            double ratio = (double) boundaries[i] / boundaries[i - 1];
            assertTrue(ratio > 1 && ratio <= 1.062, "ratio " + ratio + " at " + boundaries[i]);
        }
    }

    @Test
    void exposesEveryHistogramUpstreamStatusAndStreamErrorCounter() {
        var histograms = LatencyHistograms.create(Duration.ofSeconds(1));
        Recorder request = histograms.recorder("request");
        for (long micros = 1; micros <= 1_000; micros++) {
            request.recordValue(micros);
        }
        request.recordValue(30_000_000);
        histograms.recorder("rows").recordValue(3);
        histograms.recorder("rows").recordValue(1_000);
        histograms.recorder("upstream.geo").recordValue(500);
        histograms.recorder("upstream.crm").recordValue(700);
        histograms.countStatus(200);
        histograms.countStatus(200);
        histograms.countStatus(503);
        histograms.countStreamError("overloaded");
        histograms.countStreamError("max_errors");
        histograms.countStreamError("overloaded");

        String text = PrometheusText.render(histograms.snapshot(Duration.ofSeconds(10)));
        var exposition = PrometheusExposition.parse(text);

        assertEquals(Map.of("fanout_request_seconds", "histogram", "fanout_ttfb_seconds", "histogram",
                "fanout_rows", "histogram", "fanout_chunk_validate_seconds", "histogram",
                "fanout_queue_wait_seconds", "histogram", "fanout_upstream_seconds", "histogram",
                "fanout_requests_total", "counter", "fanout_stream_errors_total", "counter"), exposition.types);
        var requestSeconds = exposition.histograms.get("fanout_request_seconds{}");
        assertEquals(1_001, requestSeconds.count());
        assertEquals(50L, requestSeconds.buckets().get(0.00005), "values up to 50 µs");
        assertEquals(1_000L, requestSeconds.buckets().get(20.0), "30 s is beyond the last finite bucket");
        assertEquals((500_500 + 30_000_000) / 1e6, requestSeconds.sum(), 0.001 * requestSeconds.sum());
        var rows = exposition.histograms.get("fanout_rows{}");
        assertEquals(1L, rows.buckets().get(5.0));
        assertEquals(2L, rows.buckets().get(1_000.0));
        assertEquals(1_003, rows.sum(), 1);
        assertEquals(1, exposition.histograms.get("fanout_upstream_seconds{upstream=geo}").count());
        assertEquals(1, exposition.histograms.get("fanout_upstream_seconds{upstream=crm}").count());
        assertEquals(0, exposition.histograms.get("fanout_ttfb_seconds{}").count());
        assertEquals(Map.of("fanout_requests_total{status=200}", 2.0, "fanout_requests_total{status=503}", 1.0,
                "fanout_stream_errors_total{code=max_errors}", 1.0, "fanout_stream_errors_total{code=overloaded}", 2.0),
                exposition.samples);
    }

    @Test
    void theStrictParserRejectsBrokenText() {
        String good = PrometheusText.render(LatencyHistograms.create(Duration.ofSeconds(1)).snapshot(Duration.ZERO));
        PrometheusExposition.parse(good);
        String noInf = good.replaceFirst("fanout_request_seconds_bucket\\{le=\"\\+Inf\"} 0\n", "");
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> PrometheusExposition.parse(noInf));
        String decreasing = good.replaceFirst("(fanout_ttfb_seconds_bucket\\{le=\"0.00005\"}) 0", "$1 7");
        org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class, () -> PrometheusExposition.parse(decreasing));
    }
}
