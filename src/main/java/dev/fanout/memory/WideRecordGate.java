package dev.fanout.memory;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/// How many records longer than a batch (256 KiB) the runs of a process may hold at once. Such a
/// record is held whole while it is validated, and its line can take six times its bytes (a
/// control character is written `\u0001`), growing by doubling as it is written: a 1.9 MB record
/// of control characters took ~30 MB of the heap until its line was written. Chunking bounds a
/// run's ordinary chunks and the admission places bound how many runs hold them, but nothing
/// bounded how many of these were held at once: eight uploads of one such record each ran the
/// gateway's 64 MB heap out, and one to five of them ended with `internal_error`
/// (`bench/RESULTS.md`).
///
/// The reader takes a turn once the record it is reading outgrows a batch, before it reads more
/// of it, and the run gives the turn back once the chunk that holds the record is written (or the
/// run ends). A record that waits for a turn waits only for wide records already read, whose
/// chunks need nothing more from the gate to be written, so no run waits for ever on itself (with
/// one turn, a run's second wide record waits for its first one's line to be written). Readers
/// take turns in the order they came, and one that waits longer than its time gives up (the run
/// ends with `overloaded`). A reader may read under its turn for as long as another may wait for
/// one (the reader enforces it before each read, ending its run with `upload_too_slow`), so that a
/// client that sends its wide record slowly but steadily cannot hold the others up for ever.
/// Thread-safe.
public final class WideRecordGate {
    /// No bound: for the CLI, whose one run at a time has the heap to itself, and for tests.
    public static final WideRecordGate UNLIMITED = new WideRecordGate(Integer.MAX_VALUE, Duration.ZERO);
    /// How often a waiting reader asks whether it should give up.
    private static final long SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final int records;
    private final Duration maxWait;
    private final ReentrantLock lock = new ReentrantLock();
    /// Signalled whenever a turn is given back or a waiter leaves the line.
    private final Condition changed = lock.newCondition();
    /// The readers waiting, first come first; guarded by `lock`.
    private final ArrayDeque<Thread> line = new ArrayDeque<>();
    /// Turns taken; guarded by `lock`.
    private int held;

    private WideRecordGate(int records, Duration maxWait) {
        this.records = records;
        this.maxWait = maxWait;
    }

    /// A gate that lets `records` wide records be held at once, and makes a reader wait up to
    /// `maxWait` for its turn (and read under it for as long: [#turnNanos]).
    public static WideRecordGate of(int records, Duration maxWait) {
        if (records < 1) {
            throw new IllegalArgumentException("records must be at least 1, got " + records);
        }
        if (maxWait.isNegative() || maxWait.isZero()) {
            // Zero would cut every wide record at its next read under its turn.
            throw new IllegalArgumentException("maxWait must be positive, got " + maxWait);
        }
        return new WideRecordGate(records, maxWait);
    }

    /// Takes a turn, waiting behind the readers that came first for up to [#maxWait]; false,
    /// having taken nothing, when none came in time or `giveUp` said so (it is asked at least
    /// every 100 ms while waiting: the run has stopped).
    ///
    /// @throws InterruptedException when the waiting thread is interrupted (its run was cancelled)
    public boolean enter(BooleanSupplier giveUp) throws InterruptedException {
        long deadline = System.nanoTime() + maxWait.toNanos();
        lock.lockInterruptibly();
        try {
            if (line.isEmpty() && held < records) {
                held++;
                return true;
            }
            Thread self = Thread.currentThread();
            line.addLast(self);
            try {
                while (line.peekFirst() != self || held >= records) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || giveUp.getAsBoolean()) {
                        return false;
                    }
                    changed.awaitNanos(Math.min(left, SLICE_NANOS));
                }
                held++;
                return true;
            } finally {
                line.remove(self);
                // The next in line may go now (or, when this one gave up, in its place).
                changed.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /// A turn taken by [#enter] is given back.
    public void leave() {
        lock.lock();
        try {
            if (held == 0) {
                throw new IllegalStateException("no turn is taken");
            }
            held--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /// Turns taken now.
    public int held() {
        lock.lock();
        try {
            return held;
        } finally {
            lock.unlock();
        }
    }

    /// Turns there are: how many wide records may be held at once.
    public int limit() {
        return records;
    }

    /// Readers waiting for a turn now.
    public int waiting() {
        lock.lock();
        try {
            return line.size();
        } finally {
            lock.unlock();
        }
    }

    /// Whether the gate bounds anything: false for [#UNLIMITED], whose readers need not ask.
    @SuppressWarnings("ReferenceEquality") // UNLIMITED is a sentinel, known by identity
    public boolean bounded() {
        return this != UNLIMITED;
    }

    /// How long a reader waits for a turn, and may go on reading under one (`CsvSource` fails its
    /// first read after that time). The same time: a reader that came after the turn was taken
    /// gets it within its own wait when the holder is cut, unless it came within one of the
    /// holder's pauses between bytes (up to the upload read deadline) of the turn's start, since
    /// a read already waiting is not cut short.
    public long turnNanos() {
        return maxWait.toNanos();
    }

    /// [#turnNanos] as the messages say it: `60 s`, `250 ms`.
    public String turnTime() {
        return maxWait.toMillis() % 1000 == 0 ? maxWait.toSeconds() + " s" : maxWait.toMillis() + " ms";
    }

    /// What bounds the gate, for the messages of the readers it fails: `1 such record at once
    /// (fanout.limits.max-concurrent-wide-records)`.
    public String describe() {
        return "%d such record%s at once (fanout.limits.max-concurrent-wide-records)".formatted(records, records == 1 ? "" : "s");
    }
}
