package dev.fanout.memory;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/// How many records wider than a batch (256 KiB) the runs of a process may hold at once. Such a
/// record is held whole while it is validated, and its line can take six times its bytes (a
/// control character is written `\u0001`), growing by doubling as it is written: a 2 MiB record
/// of control characters took ~30 MB of the heap until its line was written. Chunking bounds a
/// run's ordinary chunks and the admission places bound how many runs hold them, but nothing
/// bounded how many of these were held at once: eight uploads of one such record each ran the
/// gateway's 64 MB heap out, and two to five of them ended with `internal_error`
/// (`bench/RESULTS.md`).
///
/// The reader enters the gate once the record it is reading outgrows a batch, before it reads
/// more of it, and the run leaves it once the chunk that holds the record is written (or the run
/// ends): a record that waits for the gate waits only for wide records already read, whose
/// chunks need nothing more from the gate to be written. A reader that waits longer than
/// `maxWait` gives up (the run ends with `overloaded`), so that a client that sends its wide
/// record slowly holds the others up for a bounded time. Thread-safe.
public final class WideRecordGate {
    /// No bound: for the CLI, whose one run at a time has the heap to itself, and for tests.
    public static final WideRecordGate UNLIMITED = new WideRecordGate(Integer.MAX_VALUE, Duration.ZERO);

    private final int records;
    private final Duration maxWait;
    private final Semaphore permits;

    private WideRecordGate(int records, Duration maxWait) {
        this.records = records;
        this.maxWait = maxWait;
        // Fair: a reader that has waited longest goes first, so none waits behind a stream of others.
        this.permits = new Semaphore(records, true);
    }

    /// A gate that lets `records` wide records be held at once, and makes a reader wait up to
    /// `maxWait` for its turn.
    public static WideRecordGate of(int records, Duration maxWait) {
        if (records < 1) {
            throw new IllegalArgumentException("records must be at least 1, got " + records);
        }
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
        }
        return new WideRecordGate(records, maxWait);
    }

    /// Lets one more wide record in, waiting up to `nanos` for a turn; false, having taken
    /// nothing, when none came. A reader waits [#maxWait] in all, in slices, so that it can give
    /// up when its run stops.
    ///
    /// @throws InterruptedException when the waiting thread is interrupted (its run was cancelled)
    public boolean enter(long nanos) throws InterruptedException {
        return permits.tryAcquire(nanos, TimeUnit.NANOSECONDS);
    }

    /// How long a reader waits for a turn before its run ends with `overloaded`.
    public Duration maxWait() {
        return maxWait;
    }

    /// A wide record let in by [#enter] is no longer held.
    public void leave() {
        permits.release();
    }

    /// Whether the gate bounds anything: false for [#UNLIMITED], whose readers need not ask.
    @SuppressWarnings("ReferenceEquality") // UNLIMITED is a sentinel, known by identity
    public boolean bounded() {
        return this != UNLIMITED;
    }

    /// Wide records held now.
    public int held() {
        return records - permits.availablePermits();
    }

    /// What bounds the gate, for the message of a reader that gave up.
    public String describe() {
        String waited = maxWait.toMillis() % 1000 == 0 ? maxWait.toSeconds() + " s" : maxWait.toMillis() + " ms";
        return "%d such record%s at once (fanout.limits.max-concurrent-wide-records), and waited %s for a turn"
                .formatted(records, records == 1 ? "" : "s", waited);
    }
}
