package dev.fanout.jmh;

import dev.fanout.metrics.LatencyHistograms;
import java.time.Duration;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/// What metrics cost one `/v1/validate` request: recording `request`, `ttfb` and `rows` and
/// counting its status, on one thread and with two threads sharing the same histograms
/// (contention on their counts and the status `LongAdder`); and all five values a small request
/// records (plus `queue_wait` and `chunk_validate`). `recorders` goes through HdrHistogram's
/// `Recorder`s (what the server did before issue 11's twenty-third pass), `stripes` through
/// `LatencyHistograms`' striped plain histograms (what it does now). The ticker runs meanwhile,
/// draining every 100 ms, so writers also meet the drains. One operation is one request's
/// recording; `recordValue` alone is the baseline.
@State(Scope.Benchmark)
@BenchmarkMode(org.openjdk.jmh.annotations.Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xmx256m", "-XX:+UseSerialGC"})
public class RecorderBenchmark {
    private LatencyHistograms histograms;
    private Recorder request;
    private Recorder ttfb;
    private Recorder rows;
    private Recorder chunkValidate;
    private Recorder queueWait;

    /// Per thread, a ring of plausible request shapes, so values vary without a random draw in
    /// the measured code.
    @State(Scope.Thread)
    public static class Requests {
        private static final int SIZE = 1 << 12;
        final long[] requestMicros = new long[SIZE];
        final long[] ttfbMicros = new long[SIZE];
        final long[] rowCounts = new long[SIZE];
        final int[] statuses = new int[SIZE];
        int next;

        @Setup(Level.Trial)
        public void generate() {
            var random = new SplittableRandom(Thread.currentThread().threadId());
            for (int i = 0; i < SIZE; i++) {
                // Log-uniform 200 µs .. 2 s: exercises many HdrHistogram buckets.
                requestMicros[i] = (long) Math.exp(random.nextDouble(Math.log(200), Math.log(2_000_000)));
                ttfbMicros[i] = Math.max(1, requestMicros[i] / 4);
                rowCounts[i] = random.nextLong(1, 100_000);
                statuses[i] = random.nextInt(20) == 0 ? 422 : 200;
            }
        }

        int advance() {
            int index = next;
            next = (index + 1) & (SIZE - 1);
            return index;
        }
    }

    @Setup(Level.Trial)
    public void createHistograms() {
        histograms = LatencyHistograms.create(Duration.ofMillis(100));
        request = histograms.recorder("request");
        ttfb = histograms.recorder("ttfb");
        rows = histograms.recorder("rows");
        chunkValidate = histograms.recorder("chunk_validate");
        queueWait = histograms.recorder("queue_wait");
        histograms.start();
    }

    @TearDown(Level.Trial)
    public void closeHistograms() {
        histograms.close();
    }

    @Benchmark
    @Threads(1)
    public void recordValue(Requests requests) {
        request.recordValue(requests.requestMicros[requests.advance()]);
    }

    @Benchmark
    @Threads(1)
    public void oneRequest(Requests requests) {
        record(requests);
    }

    @Benchmark
    @Threads(2)
    public void oneRequestTwoThreads(Requests requests) {
        record(requests);
    }

    @Benchmark
    @Threads(1)
    public void oneRequestStripes(Requests requests) {
        int i = requests.advance();
        histograms.recordRequest(requests.requestMicros[i], requests.ttfbMicros[i], requests.rowCounts[i]);
        histograms.countStatus(requests.statuses[i]);
    }

    @Benchmark
    @Threads(2)
    public void oneRequestTwoThreadsStripes(Requests requests) {
        oneRequestStripes(requests);
    }

    @Benchmark
    @Threads(2)
    public void fiveValuesTwoThreadsRecorders(Requests requests) {
        int i = requests.advance();
        queueWait.recordValue(0);
        chunkValidate.recordValue(requests.ttfbMicros[i] / 8);
        record(requests);
    }

    @Benchmark
    @Threads(2)
    public void fiveValuesTwoThreadsStripes(Requests requests) {
        int i = requests.advance();
        histograms.recordQueueWait(0);
        histograms.recordChunkValidate(requests.ttfbMicros[i] / 8);
        oneRequestStripes(requests);
    }

    private void record(Requests requests) {
        int i = requests.advance();
        request.recordValue(requests.requestMicros[i]);
        ttfb.recordValue(requests.ttfbMicros[i]);
        rows.recordValue(requests.rowCounts[i]);
        histograms.countStatus(requests.statuses[i]);
    }
}
