package dev.fanout.metrics;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/// The gateway's HdrHistograms and request counters: one series per name (`request`, `ttfb`,
/// `rows`, `chunk_validate`, `queue_wait`, and `upstream.NAME` created on first use), each with
/// 3 significant digits and auto-resizing from 1 up to whatever is recorded (so 1 µs .. 1 h and
/// beyond never throws), plus the `RequestCounters` (per HTTP status, lookup outcome and
/// in-stream error code).
/// Latencies are recorded in microseconds; `rows` records rows per request. This class is
/// thread-safe. The five fixed names are recorded through [#recordRequest(long, long, long)],
/// [#recordChunkValidate(long)] and [#recordQueueWait(long)], into `HistogramStripes`: one
/// uncontended lock per call and plain increments, a request's three values at once (a writer
/// waits only when every stripe is taken at that instant). Any name also has a `Recorder`
/// ([#recorder(String)]: wait-free, ~6 atomic operations per value), which the upstreams use.
/// Recording allocates only when a value beyond every earlier one widens a histogram's range;
/// [#countStatus(int)] allocates only the first time a status is seen. Everything else
/// ([#snapshot(Duration)], [#reset()], the ticker) takes one lock and drains the recorders with
/// `getIntervalHistogram(recycled)` and the stripes one at a time.
///
/// History is kept in slices of length `interval`: the ticker of the [SliceClock] started by [#start()] closes
/// the current slice every `interval`, writes it to the `SliceLog` (`.hlog`) attached with
/// [#logTo(Path)] (one tag per histogram name, values in µs), and keeps the last `retainedSlices` completed slices
/// in HdrHistogram's uncompressed encoding (a few bytes per non-empty bucket), so memory is bounded
/// by names × (retained slices + 4) histograms, plus the fixed names' in each stripe (up to 16
/// stripes of five).
/// Values are recorded as measured: nothing here applies coordinated-omission correction.
public final class LatencyHistograms implements AutoCloseable {
    /// The names created up front, in the order reports list them.
    public static final List<String> FIXED_NAMES =
            List.of("request", "ttfb", "rows", "chunk_validate", "queue_wait");
    /// The prefix of the per-upstream histograms, followed by the upstream's configured name.
    public static final String UPSTREAM_PREFIX = "upstream.";
    /// How many completed slices are kept when [#create(Duration)] is not told otherwise.
    public static final int DEFAULT_RETAINED_SLICES = 12;

    static final int SIGNIFICANT_DIGITS = 3;

    // Indexes into FIXED_NAMES.
    private static final int REQUEST = 0;
    private static final int TTFB = 1;
    private static final int ROWS = 2;
    private static final int CHUNK_VALIDATE = 3;
    private static final int QUEUE_WAIT = 4;

    // Names end up as .hlog tags (no commas, spaces or line breaks) and Prometheus label values.
    private static final Pattern UPSTREAM_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final Duration interval;
    private final int retainedSlices;
    private final SliceClock clock;
    private final ConcurrentHashMap<String, Series> seriesByName = new ConcurrentHashMap<>();
    // FIXED_NAMES' series in that order, the stripes' name indexes.
    private final Series[] fixedSeries = new Series[FIXED_NAMES.size()];
    private final HistogramStripes stripes = HistogramStripes.forProcessors(FIXED_NAMES.size());
    private final RequestCounters counters = new RequestCounters();
    // Guards every Series' non-recorder state, the slice start, the log and the ticker.
    private final ReentrantLock lock = new ReentrantLock();

    private long sliceStartMillis;
    // Slices completed since start or reset, at most retainedSlices.
    private int completedSlices;
    // Reused by encode, under lock: as large as the widest slice's counts.
    private ByteBuffer encodeBuffer;
    private SliceLog log;
    private SliceClock.Ticking ticker;
    private boolean closed;

    private LatencyHistograms(Duration interval, int retainedSlices, SliceClock clock) {
        this.interval = interval;
        this.retainedSlices = retainedSlices;
        this.clock = clock;
        this.sliceStartMillis = clock.millis();
        for (int i = 0; i < fixedSeries.length; i++) {
            fixedSeries[i] = new Series(FIXED_NAMES.get(i));
            seriesByName.put(fixedSeries[i].name, fixedSeries[i]);
        }
    }

    /// Histograms whose window slices last `interval`, keeping [#DEFAULT_RETAINED_SLICES]
    /// completed slices. Call [#start()] to rotate slices in the background.
    ///
    /// @throws IllegalArgumentException when `interval` is shorter than 1 ms
    public static LatencyHistograms create(Duration interval) {
        return create(interval, DEFAULT_RETAINED_SLICES);
    }

    /// Like [#create(Duration)], keeping `retainedSlices` completed slices, so that a window can
    /// cover up to `retainedSlices × interval` plus the current partial slice.
    ///
    /// @throws IllegalArgumentException when `interval` is shorter than 1 ms or `retainedSlices < 1`
    public static LatencyHistograms create(Duration interval, int retainedSlices) {
        return create(interval, retainedSlices, SliceClock.system());
    }

    /// Like [#create(Duration, int)], with slices cut by `clock` rather than the wall clock and a
    /// ticker thread: the seam through which tests move time.
    ///
    /// @throws IllegalArgumentException when `interval` is shorter than 1 ms or `retainedSlices < 1`
    public static LatencyHistograms create(Duration interval, int retainedSlices, SliceClock clock) {
        Objects.requireNonNull(interval, "interval must not be null");
        Objects.requireNonNull(clock, "clock must not be null");
        if (interval.compareTo(Duration.ofMillis(1)) < 0) {
            throw new IllegalArgumentException("interval must be at least 1 ms, was " + interval);
        }
        if (retainedSlices < 1) {
            throw new IllegalArgumentException("retainedSlices must be >= 1, was " + retainedSlices);
        }
        return new LatencyHistograms(interval, retainedSlices, clock);
    }

    /// The length of one window slice (the ticker's period).
    public Duration interval() {
        return interval;
    }

    /// The recorder for `name`, one of [#FIXED_NAMES] or `upstream.NAME` (created on first use).
    /// Cache the result: this is a map lookup, while `recordValue` on the recorder is the wait-free
    /// part. Record latencies in microseconds.
    ///
    /// @throws IllegalArgumentException for any other name
    public Recorder recorder(String name) {
        Series series = seriesByName.get(name);
        if (series != null) {
            return series.recorder;
        }
        if (name == null || !name.startsWith(UPSTREAM_PREFIX)
                || !UPSTREAM_NAME.matcher(name).region(UPSTREAM_PREFIX.length(), name.length()).matches()) {
            throw new IllegalArgumentException("not a histogram name: " + name + " (expected one of "
                    + FIXED_NAMES + " or " + UPSTREAM_PREFIX + "NAME with NAME of letters, digits, '_', '-', '.')");
        }
        return seriesByName.computeIfAbsent(name, Series::new).recorder;
    }

    /// Records one finished request: its latency to the last byte, to the first byte (left out
    /// when negative) and its row count (left out when negative). Microseconds.
    public void recordRequest(long requestMicros, long ttfbMicros, long rows) {
        stripes.record(REQUEST, requestMicros, TTFB, ttfbMicros, ROWS, rows);
    }

    /// Records one chunk's validation time, in microseconds.
    public void recordChunkValidate(long micros) {
        stripes.record(CHUNK_VALIDATE, micros);
    }

    /// Records how long one chunk waited for a worker, in microseconds.
    public void recordQueueWait(long micros) {
        stripes.record(QUEUE_WAIT, micros);
    }

    /// Counts one response with HTTP `status`.
    ///
    /// @throws IllegalArgumentException when `status` is not within 100..599
    public void countStatus(int status) {
        counters.countStatus(status);
    }

    /// +1 lookup of `upstream` that ended with `outcome` (`found` or a `lookup_*` code).
    public void countLookup(String upstream, String outcome) {
        counters.countLookup(upstream, outcome);
    }

    /// +1 answer that ended with an error line of `code` (its wire name: `overloaded`, …).
    public void countStreamError(String code) {
        counters.countStreamError(code);
    }

    /// Drains every recorder (so counts are exact up to this call) and returns copies: per name the
    /// whole-run histogram and the histogram of the last `window`, plus the counts by status.
    ///
    /// The window is made of whole slices: the current, partial slice plus the last
    /// `ceil(window / interval)` completed ones (at most the retained slices). It therefore covers
    /// at least `window` once enough history exists, and at most one `interval` more;
    /// [Snapshot#window()] says how much time it actually covers. A zero `window` gives the current
    /// partial slice alone.
    ///
    /// @throws IllegalArgumentException when `window` is negative
    public Snapshot snapshot(Duration window) {
        Objects.requireNonNull(window, "window must not be null");
        if (window.isNegative()) {
            throw new IllegalArgumentException("window must not be negative, was " + window);
        }
        lock.lock();
        try {
            long nowMillis = clock.millis();
            int usedSlices = slicesWithin(window);
            Map<String, Snapshot.Series> histograms = new LinkedHashMap<>();
            drainStripes();
            for (Series series : orderedSeries()) {
                series.drain();
                Histogram windowHistogram = newHistogram();
                windowHistogram.add(series.current);
                // An upstream first used after some rotations has fewer slices: they would be empty.
                Iterator<byte[]> newestFirst = series.completed.descendingIterator();
                for (int i = 0; i < usedSlices && newestFirst.hasNext(); i++) {
                    windowHistogram.add(Histogram.decodeFromByteBuffer(ByteBuffer.wrap(newestFirst.next()), 0));
                }
                histograms.put(series.name, new Snapshot.Series(copyOf(series.run), windowHistogram));
            }
            Duration covered = interval.multipliedBy(usedSlices)
                    .plusMillis(Math.max(0, nowMillis - sliceStartMillis));
            return new Snapshot(covered, Collections.unmodifiableMap(histograms), counters.statusCounts(),
                    counters.lookupCounts(), counters.streamErrorCounts());
        } finally {
            lock.unlock();
        }
    }

    /// Zeroes everything: run totals, slices and status counts. Values recorded before this call
    /// are dropped, even those still in the recorders; the `.hlog`, if any, carries on.
    public void reset() {
        lock.lock();
        try {
            // Drained into the series, then zeroed with them.
            drainStripes();
            for (Series series : seriesByName.values()) {
                // Drain rather than Recorder.reset(), which may lose values recorded concurrently
                // *after* this call; drained values are simply thrown away.
                series.drain();
                series.run.reset();
                series.current.reset();
                series.completed.clear();
            }
            counters.reset();
            sliceStartMillis = clock.millis();
            completedSlices = 0;
        } finally {
            lock.unlock();
        }
    }

    /// Writes every completed slice, from now on, to `hlog` in HdrHistogram's interval log format:
    /// one line per histogram name per slice, tagged with the name, values in microseconds (so
    /// HdrHistogram's `HistogramLogProcessor` wants `-outputValueUnitRatio 1` or `1000` for ms).
    /// The file is replaced. The log is flushed after every slice and closed by [#close()].
    ///
    /// @throws IllegalStateException when a log is already attached or this is closed
    /// @throws UncheckedIOException when the file cannot be created
    public void logTo(Path hlog) {
        Objects.requireNonNull(hlog, "hlog must not be null");
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("histograms are closed");
            }
            if (log != null) {
                throw new IllegalStateException("already logging to " + log.path());
            }
            log = SliceLog.open(hlog, clock.millis());
        } finally {
            lock.unlock();
        }
    }

    /// Starts the ticker: a platform thread (or the clock given to `create`) that closes the current
    /// slice every `interval`.
    ///
    /// @throws IllegalStateException when already started or closed
    public void start() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("histograms are closed");
            }
            if (ticker != null) {
                throw new IllegalStateException("ticker already started");
            }
            ticker = clock.startTicking(interval, this::rotate);
        } finally {
            lock.unlock();
        }
    }

    /// Stops and joins the ticker, writes the last, partial slice to the `.hlog` so that the log
    /// holds every value recorded, and closes it. Recording and snapshots keep working afterwards;
    /// only the ticker and the log stop. Idempotent.
    @Override
    public void close() {
        SliceClock.Ticking stopping;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            stopping = ticker;
            ticker = null;
        } finally {
            lock.unlock();
        }
        if (stopping != null) {
            stopping.stop();
        }
        lock.lock();
        try {
            if (log != null) {
                rotate();
                if (log != null) {
                    log.close();
                }
                log = null;
            }
        } finally {
            lock.unlock();
        }
    }

    /// Closes the current slice: drains the recorders, writes the slice to the log, keeps it as
    /// the newest completed slice (dropping the oldest beyond the retained count) and starts a new
    /// one. The ticker calls this every `interval`; tests call it to control time.
    void rotate() {
        lock.lock();
        try {
            long endMillis = clock.millis();
            List<Series> ordered = orderedSeries();
            drainStripes();
            for (Series series : ordered) {
                series.drain();
            }
            if (log != null) {
                Map<String, Histogram> slices = new LinkedHashMap<>();
                for (Series series : ordered) {
                    slices.put(series.name, series.current);
                }
                if (!log.write(slices, Math.max(sliceStartMillis, log.baseTimeMillis()), endMillis)) {
                    log = null;
                }
            }
            for (Series series : ordered) {
                series.completed.addLast(encode(series.current));
                while (series.completed.size() > retainedSlices) {
                    series.completed.removeFirst();
                }
                series.current.reset();
            }
            sliceStartMillis = endMillis;
            completedSlices = Math.min(completedSlices + 1, retainedSlices);
        } finally {
            lock.unlock();
        }
    }

    // Called under lock.
    private void drainStripes() {
        stripes.drain((histogram, name) -> fixedSeries[name].add(histogram));
    }

    private List<Series> orderedSeries() {
        List<Series> ordered = new ArrayList<>(seriesByName.size());
        for (String name : FIXED_NAMES) {
            ordered.add(seriesByName.get(name));
        }
        new TreeMap<>(seriesByName).forEach((name, series) -> {
            if (name.startsWith(UPSTREAM_PREFIX)) {
                ordered.add(series);
            }
        });
        return ordered;
    }

    // A slice as kept: encoding takes ~1 ms for a W1 request histogram of 12k non-empty buckets
    // (into 12 KB), where adding it to a PackedHistogram took 25-85 ms (into 19 KB): at every
    // rotation, five times, ~1 % of W1's CPU (issue 11). Decoded only for a snapshot's window.
    private byte[] encode(Histogram slice) {
        int needed = slice.getNeededByteBufferCapacity();
        if (encodeBuffer == null || encodeBuffer.capacity() < needed) {
            encodeBuffer = ByteBuffer.allocate(needed);
        }
        encodeBuffer.clear();
        int length = slice.encodeIntoByteBuffer(encodeBuffer);
        byte[] encoded = new byte[length];
        encodeBuffer.flip().get(encoded);
        return encoded;
    }

    private static Histogram copyOf(Histogram histogram) {
        Histogram copy = newHistogram();
        copy.add(histogram);
        return copy;
    }

    /// How many completed slices, newest first, a window of `window` takes: `ceil(window /
    /// interval)`, at most the slices completed since start or reset. Called under `lock`.
    private int slicesWithin(Duration window) {
        // Compared as Durations first: toNanos() of a window of centuries would overflow.
        if (window.compareTo(interval.multipliedBy(completedSlices)) >= 0) {
            return completedSlices;
        }
        return (int) Math.ceilDiv(window.toNanos(), interval.toNanos());
    }

    /// One name's recorder and the history drained from it. All but `recorder` are guarded by
    /// `lock`.
    private static final class Series {
        final String name;
        final Recorder recorder = new Recorder(SIGNIFICANT_DIGITS);
        final Histogram run = newHistogram();
        final Histogram current = newHistogram();
        // Oldest first, encoded: most slices are sparse, and they are kept the longest.
        final ArrayDeque<byte[]> completed = new ArrayDeque<>();
        Histogram recycled;

        Series(String name) {
            this.name = name;
        }

        void drain() {
            Histogram interval = recorder.getIntervalHistogram(recycled);
            add(interval);
            recycled = interval;
        }

        void add(Histogram values) {
            run.add(values);
            current.add(values);
        }
    }

    static Histogram newHistogram() {
        // This constructor auto-resizes: any value can be added, and memory follows the range used.
        return new Histogram(SIGNIFICANT_DIGITS);
    }

}
