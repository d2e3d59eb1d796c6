package dev.fanout.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/// Sends the requests of a [LoadPlan] over its keep-alive connections ([Link]s, which live as
/// long as the generator: warm-up and every round), driven by a few event-loop threads — one per
/// core, each with its own selector and share of the connections — as wrk does: a thread per
/// connection would spend more CPU parking and waking than sending, and a generator that needs
/// the cores of the server it measures measures itself.
///
/// - **Closed loop** (no rate): a connection sends its next request as soon as its previous answer
///   is in; a request count is shared by all connections, so a round makes exactly that many
///   requests. Latency is measured from the actual send.
/// - **Open loop** (a rate R over C connections, wrk2's model): request `j` is due at
///   `start + j / R`; connection `j mod C` sends it then, or as soon as it is free when it is
///   late. Latency is measured from the due time, so a server stall counts against every request
///   that should have been sent during it (correcting coordinated omission); the time from the
///   actual send is recorded too, as the uncorrected figure.
///
/// With `retries` in the plan, a request answered `503` is sent again on its connection after the
/// answer's `Retry-After` (at most [#MAX_RETRY_WAIT]; without one a short doubling back-off), up
/// to that many times; its latency still counts from its first due time, waits included, as a
/// client that retries sees it. A connection the server closed (`Connection: close`, or while
/// idle) is opened again for the next send.
///
/// Latencies go into HdrHistogram `Recorder`s (wait-free from all loops); an interval
/// [LatencyLog] gets them every second when asked. Not thread-safe: one round at a time.
///
/// One class over 400 lines on purpose: its event loop (`Loop`), a round's schedule and counters
/// (`Round`) and the per-second sampler (`Intervals`) are private parts of one scheduler that share
/// the plan and the round's state; a connection's HTTP work is [Link]'s, the response framing
/// `dev.fanout.http1`'s.
public final class LoadGenerator implements AutoCloseable {
    /// The longest a retry waits, whatever `Retry-After` says: a benchmark measures, it does not sleep.
    public static final Duration MAX_RETRY_WAIT = Duration.ofSeconds(1);
    private static final long FIRST_BACKOFF_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int STATUS_UNAVAILABLE = 503;
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long EXPIRY_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final int READ_BUFFER = 64 << 10;
    private static final long MILLI_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private final LoadPlan plan;
    private final LatencyLog log;
    private final List<Loop> loops = new ArrayList<>();

    /// A generator for `plan`, logging latency intervals to `log` (or nowhere when `null`).
    public LoadGenerator(LoadPlan plan, LatencyLog log) {
        this.plan = plan;
        this.log = log;
        var address = Target.address(plan.url());
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("cannot resolve the host of " + plan.url());
        }
        int threads = Math.max(1, Math.min(plan.connections(), Runtime.getRuntime().availableProcessors()));
        try {
            for (int t = 0; t < threads; t++) {
                loops.add(new Loop(Selector.open()));
            }
        } catch (IOException e) {
            close();
            throw new UncheckedIOException("cannot open a selector: " + e.getMessage(), e);
        }
        for (int i = 0; i < plan.connections(); i++) {
            Loop loop = loops.get(i % threads);
            loop.links.add(new Link(i, address, plan.timeout().toNanos(), plan.verify(), plan.expectsSummary(), loop));
        }
    }

    /// Sends for the plan's warm-up time, the same way as a round, and forgets the results.
    public void warmUp() throws InterruptedException {
        if (!plan.warmup().isZero()) {
            run(0, plan.warmup(), null);
        }
    }

    /// One measured round.
    public RoundResult round() throws InterruptedException {
        return run(plan.requests(), plan.duration(), log);
    }

    @Override
    public void close() {
        for (Loop loop : loops) {
            loop.links.forEach(Link::close);
            try {
                loop.selector.close();
            } catch (IOException ignored) {
                // Every channel is closed already.
            }
        }
    }

    private RoundResult run(long requests, Duration duration, LatencyLog roundLog) throws InterruptedException {
        var round = new Round(requests, duration == null ? 0 : duration.toNanos());
        List<Thread> threads = new ArrayList<>(loops.size());
        var loopFailure = new java.util.concurrent.atomic.AtomicReference<RuntimeException>();
        for (Loop loop : loops) {
            threads.add(Thread.ofPlatform().daemon().name("bench-loop-" + threads.size()).start(() -> {
                try {
                    loop.run(round);
                } catch (RuntimeException e) {
                    loopFailure.compareAndSet(null, e);
                }
            }));
        }
        var intervals = new Intervals(round, roundLog);
        Thread sampler = Thread.ofVirtual().name("bench-sampler").start(intervals::sampleEverySecond);
        try {
            for (Thread thread : threads) {
                thread.join();
            }
        } finally {
            for (Thread thread : threads) {
                thread.interrupt();
            }
            for (Thread thread : threads) {
                thread.join();
            }
            intervals.stop();
            sampler.interrupt();
            sampler.join();
        }
        if (loopFailure.get() != null) {
            // A loop that died dropped its share of the connections: no honest result is left.
            throw loopFailure.get();
        }
        intervals.sample();
        double seconds = Math.max(0, round.lastAnswer.get() - round.start) / 1e9;
        return new RoundResult(round.sent.sum(), round.errorCount(), round.errorsByKind(), seconds,
                intervals.latency, intervals.uncorrected,
                new RoundResult.Retries(round.firstTry.sum(), round.retriedThenSucceeded.sum(), round.retriesSent.sum(),
                        round.unavailable.sum()));
    }

    /// The shared state of one round: the schedule, the recorders and the counters.
    private final class Round {
        final long requests;
        final long durationNanos;
        final long start = System.nanoTime() + START_DELAY_NANOS;
        final double nanosPerRequest = plan.openLoop() ? 1e9 / plan.rate() : 0;
        final AtomicLong tickets = new AtomicLong();
        final AtomicLong lastAnswer = new AtomicLong(start);
        final Recorder latency = new Recorder(SIGNIFICANT_DIGITS);
        final Recorder uncorrected = new Recorder(SIGNIFICANT_DIGITS);
        final LongAdder sent = new LongAdder();
        final LongAdder firstTry = new LongAdder();
        final LongAdder retriedThenSucceeded = new LongAdder();
        final LongAdder retriesSent = new LongAdder();
        // Every 503 answer, retried or not: how much the server shed.
        final LongAdder unavailable = new LongAdder();
        final Map<ErrorKind, LongAdder> failures = new EnumMap<>(ErrorKind.class);
        final ConcurrentHashMap<Integer, LongAdder> statusErrors = new ConcurrentHashMap<>();

        Round(long requests, long durationNanos) {
            this.requests = requests;
            this.durationNanos = durationNanos;
            for (ErrorKind kind : ErrorKind.values()) {
                failures.put(kind, new LongAdder());
            }
        }

        /// Gives `link` its next request (number and due time); `false` when it has no more.
        boolean next(Link link, long now) {
            int count = plan.connections();
            if (plan.openLoop()) {
                long j = link.started * count + link.index;
                long due = start + (long) (j * nanosPerRequest);
                if ((requests > 0 && j >= requests) || (requests == 0 && due - start >= durationNanos)) {
                    return false;
                }
                link.requestNumber = j;
                link.due = due;
            } else {
                long due = Math.max(now, start);
                long j;
                if (requests > 0) {
                    j = tickets.getAndIncrement();
                    if (j >= requests) {
                        return false;
                    }
                } else {
                    j = link.started * count + link.index;
                    if (due - start >= durationNanos) {
                        return false;
                    }
                }
                link.requestNumber = j;
                link.due = due;
            }
            link.started++;
            return true;
        }

        void answered(Link link, int status, long done) {
            latency.recordValue(Math.max(0, (done - link.due) / 1000));
            uncorrected.recordValue(Math.max(0, (done - link.sentAt) / 1000));
            if (status < 200 || status >= 300) {
                statusErrors.computeIfAbsent(status, s -> new LongAdder()).increment();
            } else if (link.retries == 0) {
                firstTry.increment();
            } else {
                retriedThenSucceeded.increment();
            }
            ended(done);
        }

        /// Whether `link`'s answer `status` is a 503 to send again; if so, counts the retry and
        /// sets when to send it.
        boolean retry(Link link, int status, long now) {
            if (status != STATUS_UNAVAILABLE) {
                return false;
            }
            unavailable.increment();
            if (link.retries >= plan.retries()) {
                return false;
            }
            link.retries++;
            retriesSent.increment();
            long maxWait = MAX_RETRY_WAIT.toNanos();
            int retryAfter = link.retryAfterSeconds();
            long wait = retryAfter >= 0
                    ? Math.min(TimeUnit.SECONDS.toNanos(retryAfter), maxWait)
                    : Math.min(FIRST_BACKOFF_NANOS << Math.min(link.retries - 1, 20), maxWait);
            link.sendAt = now + wait;
            return true;
        }

        void failed(ExchangeFailure failure, long done) {
            failures.get(failure.kind()).increment();
            ended(done);
        }

        private void ended(long done) {
            lastAnswer.accumulateAndGet(done, Math::max);
            sent.increment();
        }

        long errorCount() {
            long errors = 0;
            for (LongAdder adder : failures.values()) {
                errors += adder.sum();
            }
            for (LongAdder adder : statusErrors.values()) {
                errors += adder.sum();
            }
            return errors;
        }

        Map<String, Long> errorsByKind() {
            Map<String, Long> byKind = new TreeMap<>();
            statusErrors.forEach((status, count) -> byKind.put("status " + status, count.sum()));
            failures.forEach((kind, count) -> {
                if (count.sum() > 0) {
                    byKind.put(kind.label(), count.sum());
                }
            });
            return byKind;
        }
    }

    /// One event-loop thread and its connections. A connection waits in `waiting` (by due time)
    /// until its next request is due, is busy while it is in flight, and is done when the round
    /// has no more requests for it; the loop ends when all of its connections are done.
    private final class Loop implements Link.Listener {
        final Selector selector;
        final List<Link> links = new ArrayList<>();
        final ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER);
        final PriorityQueue<Link> waiting = new PriorityQueue<>(Comparator.comparingLong((Link link) -> link.sendAt));
        // Links whose request just ended, to be given their next one by the loop (not inside
        // the callback, which may run inside another link's I/O).
        final ArrayDeque<Link> ended = new ArrayDeque<>();
        Round round;
        int active;

        Loop(Selector selector) {
            this.selector = selector;
        }

        void run(Round current) {
            round = current;
            waiting.clear();
            ended.clear();
            active = links.size();
            for (Link link : links) {
                link.started = 0;
                schedule(link, System.nanoTime());
            }
            long nextExpiryCheck = System.nanoTime() + EXPIRY_CHECK_NANOS;
            try {
                while (active > 0 && !Thread.currentThread().isInterrupted()) {
                    long now = System.nanoTime();
                    while (!waiting.isEmpty() && waiting.peek().sendAt - now <= 0) {
                        Link link = waiting.poll();
                        if (link.retries == 0) {
                            // Uncorrected latency counts from the first send, as the client's wait does.
                            link.sentAt = System.nanoTime();
                        }
                        link.start(selector, plan.payloads().get((int) (link.requestNumber % plan.payloads().size())));
                        drainEnded();
                    }
                    long wake = Math.min(nextExpiryCheck, waiting.isEmpty() ? Long.MAX_VALUE : waiting.peek().sendAt) - now;
                    if (wake <= 0) {
                        selector.selectNow();
                    } else if (wake < MILLI_NANOS) {
                        // select() counts in whole milliseconds: a send due sooner would go out
                        // late, and the open loop would charge that delay to the server.
                        LockSupport.parkNanos(wake);
                        selector.selectNow();
                    } else {
                        selector.select(TimeUnit.NANOSECONDS.toMillis(wake));
                    }
                    for (SelectionKey key : selector.selectedKeys()) {
                        ((Link) key.attachment()).ready(buffer);
                    }
                    selector.selectedKeys().clear();
                    drainEnded();
                    now = System.nanoTime();
                    if (now - nextExpiryCheck >= 0) {
                        for (Link link : links) {
                            link.expire(now);
                        }
                        drainEnded();
                        nextExpiryCheck = now + EXPIRY_CHECK_NANOS;
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("the selector failed: " + e.getMessage(), e);
            } finally {
                if (active > 0) {
                    // Interrupted: what is in flight is dropped with its connection.
                    links.forEach(link -> {
                        if (link.busy()) {
                            link.close();
                        }
                    });
                }
            }
        }

        @Override
        public void answered(Link link, int status) {
            long now = System.nanoTime();
            if (round.retry(link, status, now)) {
                // Not the end of the request: it waits in the queue for its retry's send time.
                waiting.add(link);
                return;
            }
            round.answered(link, status, now);
            ended.add(link);
        }

        @Override
        public void failed(Link link, ExchangeFailure failure) {
            round.failed(failure, System.nanoTime());
            ended.add(link);
        }

        private void drainEnded() {
            Link link;
            while ((link = ended.poll()) != null) {
                schedule(link, System.nanoTime());
            }
        }

        private void schedule(Link link, long now) {
            link.retries = 0;
            if (round.next(link, now)) {
                link.sendAt = link.due;
                waiting.add(link);
            } else {
                active--;
            }
        }
    }

    /// Takes each second's values out of the round's recorders into the round's totals (and the
    /// log), so that the log has intervals and the totals have everything.
    private static final class Intervals {
        final Round round;
        final LatencyLog log;
        final Histogram latency = new Histogram(SIGNIFICANT_DIGITS);
        final Histogram uncorrected = new Histogram(SIGNIFICANT_DIGITS);
        private Histogram latencyInterval;
        private Histogram uncorrectedInterval;

        Intervals(Round round, LatencyLog log) {
            this.round = round;
            this.log = log;
        }

        // A flag, not only the interrupt: HdrHistogram's phase flip (in sample()) sleeps and
        // swallows an InterruptedException, so an interrupt that lands there was lost and the
        // round's join waited forever (seen under CPU contention in BenchCommandTest).
        private volatile boolean stopped;

        void stop() {
            stopped = true;
        }

        void sampleEverySecond() {
            while (!stopped) {
                LockSupport.parkNanos(INTERVAL_NANOS);
                if (!stopped) {
                    sample();
                }
            }
        }

        synchronized void sample() {
            latencyInterval = round.latency.getIntervalHistogram(latencyInterval);
            uncorrectedInterval = round.uncorrected.getIntervalHistogram(uncorrectedInterval);
            latency.add(latencyInterval);
            uncorrected.add(uncorrectedInterval);
            if (log != null) {
                log.write(latencyInterval, uncorrectedInterval);
            }
        }
    }
}
