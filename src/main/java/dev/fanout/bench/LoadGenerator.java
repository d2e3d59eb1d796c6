package dev.fanout.bench;

import java.time.Duration;
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

/// Sends the requests of a [LoadPlan]: one virtual thread per connection, each owning one
/// keep-alive [HttpConnection] for the generator's whole life (warm-up and every round).
///
/// - **Closed loop** (no rate): a sender sends its next request as soon as its previous answer is
///   in; a request count is shared by all senders, so a round makes exactly that many requests.
///   Latency is measured from the actual send.
/// - **Open loop** (a rate R over C connections, wrk2's model): request `j` is due at
///   `start + j / R`; connection `j mod C` sends it then, or as soon as it is free when it is
///   late. Latency is measured from the due time, so a server stall counts against every request
///   that should have been sent during it (correcting coordinated omission); the time from the
///   actual send is recorded too, as the uncorrected figure.
///
/// Latencies go into HdrHistogram `Recorder`s (wait-free from all senders); an interval
/// [LatencyLog] gets them every second when asked. Not thread-safe: one round at a time.
public final class LoadGenerator implements AutoCloseable {
    private static final long START_DELAY_NANOS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int SIGNIFICANT_DIGITS = 3;

    private final LoadPlan plan;
    private final HttpConnection[] connections;
    private final LatencyLog log;

    /// A generator for `plan`, logging latency intervals to `log` (or nowhere when `null`).
    public LoadGenerator(LoadPlan plan, LatencyLog log) {
        this.plan = plan;
        this.log = log;
        this.connections = new HttpConnection[plan.connections()];
        var address = Target.address(plan.url());
        for (int i = 0; i < connections.length; i++) {
            connections[i] = new HttpConnection(address, plan.timeout().toNanos(), plan.verify(), plan.expectsSummary());
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
        for (HttpConnection connection : connections) {
            connection.close();
        }
    }

    private RoundResult run(long requests, Duration duration, LatencyLog roundLog) throws InterruptedException {
        var round = new Round(requests, duration == null ? 0 : duration.toNanos());
        List<Thread> senders = new ArrayList<>(connections.length);
        for (int i = 0; i < connections.length; i++) {
            int index = i;
            senders.add(Thread.ofVirtual().name("bench-sender-" + i).start(() -> round.send(index)));
        }
        var intervals = new Intervals(round, roundLog);
        Thread sampler = Thread.ofVirtual().name("bench-sampler").start(intervals::sampleEverySecond);
        try {
            for (Thread sender : senders) {
                sender.join();
            }
        } finally {
            for (Thread sender : senders) {
                sender.interrupt();
            }
            sampler.interrupt();
            sampler.join();
        }
        intervals.sample();
        double seconds = Math.max(0, round.lastAnswer.get() - round.start) / 1e9;
        return new RoundResult(round.sent.sum(), round.errorCount(), round.errorsByKind(), seconds,
                intervals.latency, intervals.uncorrected);
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
        final Map<ErrorKind, LongAdder> failures = new EnumMap<>(ErrorKind.class);
        final ConcurrentHashMap<Integer, LongAdder> statusErrors = new ConcurrentHashMap<>();

        Round(long requests, long durationNanos) {
            this.requests = requests;
            this.durationNanos = durationNanos;
            for (ErrorKind kind : ErrorKind.values()) {
                failures.put(kind, new LongAdder());
            }
        }

        void send(int index) {
            HttpConnection connection = connections[index];
            int count = connections.length;
            for (long k = 0; ; k++) {
                long due;
                long j;
                if (plan.openLoop()) {
                    j = k * count + index;
                    due = start + (long) (j * nanosPerRequest);
                    if ((requests > 0 && j >= requests) || (requests == 0 && due - start >= durationNanos)) {
                        return;
                    }
                    if (!sleepUntil(due)) {
                        return;
                    }
                } else {
                    if (!sleepUntil(start)) {
                        return;
                    }
                    due = System.nanoTime();
                    if (requests > 0) {
                        j = tickets.getAndIncrement();
                        if (j >= requests) {
                            return;
                        }
                    } else {
                        j = k * count + index;
                        if (due - start >= durationNanos) {
                            return;
                        }
                    }
                }
                if (!exchange(connection, plan.payloads().get((int) (j % plan.payloads().size())), due)) {
                    return;
                }
            }
        }

        /// One request; `false` when the sender was interrupted and must stop.
        private boolean exchange(HttpConnection connection, Payload payload, long due) {
            long sentAt = System.nanoTime();
            try {
                int status = connection.exchange(payload);
                long done = System.nanoTime();
                latency.recordValue(Math.max(0, (done - due) / 1000));
                uncorrected.recordValue(Math.max(0, (done - sentAt) / 1000));
                if (status < 200 || status >= 300) {
                    statusErrors.computeIfAbsent(status, s -> new LongAdder()).increment();
                }
                lastAnswer.accumulateAndGet(done, Math::max);
            } catch (ExchangeFailure e) {
                failures.get(e.kind()).increment();
                lastAnswer.accumulateAndGet(System.nanoTime(), Math::max);
            } catch (InterruptedException e) {
                connection.close();
                return false;
            }
            sent.increment();
            return true;
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

        void sampleEverySecond() {
            while (!Thread.currentThread().isInterrupted()) {
                LockSupport.parkNanos(INTERVAL_NANOS);
                if (!Thread.currentThread().isInterrupted()) {
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

    /// Parks until `due` (a `System.nanoTime()` value); `false` when interrupted.
    private static boolean sleepUntil(long due) {
        long left;
        while ((left = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return false;
            }
        }
        return !Thread.currentThread().isInterrupted();
    }
}
