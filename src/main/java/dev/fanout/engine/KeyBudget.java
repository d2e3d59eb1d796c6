package dev.fanout.engine;

import java.util.concurrent.atomic.AtomicLong;

/// The memory one run may give the keys it remembers to decide `unique`, `primaryKey`,
/// `uniqueKeys` and self-referencing foreign keys. Those keys grow with the number of distinct
/// values, the one part of a run that chunking cannot bound: without a budget, a million-row
/// upload with a primary key filled a 64 MB heap, and every request under way failed with it.
///
/// A run takes bytes as its key sets grow and gives every byte back when it ends, however it
/// ends. When a set cannot grow, the run stops at that row with a `too_many_keys` error line (the
/// rows before it are written), and [#describe] says in the message what bounds the budget and
/// how to raise it. One instance serves one run at a time, whose writer calls it from one thread
/// at a time; a budget shared between runs is thread-safe.
public interface KeyBudget {
    /// No bound: for tests and benchmarks, whose heaps are sized for their inputs.
    KeyBudget UNLIMITED = new KeyBudget() {
        @Override
        public boolean take(long bytes) {
            return true;
        }

        @Override
        public void giveBack(long bytes) {
        }

        @Override
        public long left() {
            return Long.MAX_VALUE;
        }

        @Override
        public String describe() {
            return "the heap";
        }
    };

    /// Takes `bytes` more; false, taking nothing, when they are not to be had.
    boolean take(long bytes);

    /// Gives back `bytes` taken before.
    void giveBack(long bytes);

    /// The bytes that could be taken now (a budget shared between runs may have fewer a moment
    /// later).
    long left();

    /// What bounds this budget and how to raise it, for the error message, e.g. "the 32 MiB
    /// the heap leaves for keys (raise -Xmx)".
    String describe();

    /// A budget of `bytes` for the runs that share it (thread-safe), described as `description`.
    static KeyBudget of(long bytes, String description) {
        if (bytes < 0) {
            throw new IllegalArgumentException("a key budget is at least 0 bytes, not " + bytes);
        }
        var left = new AtomicLong(bytes);
        return new KeyBudget() {
            @Override
            public boolean take(long wanted) {
                long now;
                do {
                    now = left.get();
                    if (now < wanted) {
                        return false;
                    }
                } while (!left.compareAndSet(now, now - wanted));
                return true;
            }

            @Override
            public void giveBack(long taken) {
                left.addAndGet(taken);
            }

            @Override
            public long left() {
                return left.get();
            }

            @Override
            public String describe() {
                return description;
            }
        };
    }

    /// Thrown by a key set that could not grow within its budget; the writer ends the run with
    /// `too_many_keys` at the row it was deciding.
    final class Exhausted extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Exhausted() {
            super("the run's keys outgrew their budget", null, false, false);
        }
    }
}
