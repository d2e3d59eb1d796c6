package dev.fanout.upstream;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/// Bounds the HTTP calls in flight to one upstream, across all requests, and shares them fairly.
///
/// Two gates, passed in order. First the request's own [Share]: a request may have at most
/// `ceil(maxConcurrency / activeRequests)` calls in flight, where a request is active while it
/// has a call waiting or in flight on this upstream. Then a fair (FIFO) semaphore of
/// `maxConcurrency` permits for everyone. Alone, the semaphore would let a 100,000-row upload
/// queue thousands of calls ahead of a 10-row one; with the share, once a second request arrives
/// the big one can only refill up to half the permits, so the freed permits go to the newcomer
/// within one call latency. A lone request still gets every permit. Thread-safe; a share's
/// bookkeeping is guarded by one lock per upstream, held only for a few counter updates.
final class ConcurrencyLimit {
    private final int maxConcurrency;
    private final Semaphore permits;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock: the shares with a call waiting or in flight.
    private final Set<Share> active = new LinkedHashSet<>();

    ConcurrencyLimit(int maxConcurrency) {
        this.maxConcurrency = maxConcurrency;
        this.permits = new Semaphore(maxConcurrency, true);
    }

    /// A new request's share; it takes no room until it makes a call.
    Share newShare() {
        return new Share();
    }

    /// Calls in flight right now, over all requests.
    int inFlight() {
        return maxConcurrency - permits.availablePermits();
    }

    private int fairShare() {
        // Rounded up: with 3 permits and 2 requests, 1 each would leave a permit idle; the
        // semaphore still bounds the sum.
        return Math.ceilDiv(maxConcurrency, Math.max(1, active.size()));
    }

    /// One request's slice of the upstream. Acquire before each HTTP call and release after it,
    /// also between retries, so a request waiting out a backoff holds no permit.
    final class Share {
        private final Condition room = lock.newCondition();
        // Guarded by lock.
        private int inFlight;
        private int pending;

        private Share() {
        }

        /// Waits until this request is within its fair share and a permit is free, then takes both.
        ///
        /// @throws InterruptedException when the waiting thread is interrupted; nothing is held then
        void acquire() throws InterruptedException {
            lock.lock();
            try {
                if (pending++ == 0) {
                    active.add(this);
                }
                try {
                    while (inFlight >= fairShare()) {
                        room.await();
                    }
                } catch (InterruptedException e) {
                    leave();
                    throw e;
                }
                inFlight++;
            } finally {
                lock.unlock();
            }
            try {
                permits.acquire();
            } catch (InterruptedException e) {
                leaveShare();
                throw e;
            }
        }

        /// Gives back what [#acquire()] took.
        void release() {
            permits.release();
            leaveShare();
        }

        /// Gives back the request's share of one call (the upstream's permit is separate).
        private void leaveShare() {
            lock.lock();
            try {
                inFlight--;
                room.signal();
                leave();
            } finally {
                lock.unlock();
            }
        }

        // Called under lock.
        private void leave() {
            if (--pending == 0) {
                active.remove(this);
                // One request fewer: every remaining share just grew, so its waiters may go on.
                for (Share other : active) {
                    other.room.signalAll();
                }
            }
        }
    }
}
