package dev.fanout.upstream;

import dev.fanout.engine.LookupAnswer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/// One lookup in progress, shared by every caller that asks for the same thing meanwhile
/// (single flight). It runs on its own virtual thread, not on a caller's, so that a caller that is
/// interrupted can leave without failing the others; when the last waiter leaves, the flight is
/// abandoned: its thread is interrupted (ending the HTTP call or the backoff) and it is taken out
/// of the in-flight map by `onAbandon`, so no call goes on with no one to read it. The thread is
/// started directly, not through an executor: an executor's bookkeeping of its threads (a
/// concurrent set, a future) cost more than the thread itself at thousands of lookups a second,
/// and [#cancel()] does what its shutdown did. Thread-safe.
final class Flight {
    private final CompletableFuture<LookupAnswer> answer = new CompletableFuture<>();
    private final Consumer<Flight> onAbandon;
    private final ReentrantLock lock = new ReentrantLock();
    // All guarded by lock. The creator is the first waiter.
    private int waiters = 1;
    private boolean abandoned;
    private boolean cancelled;
    private Thread thread;

    Flight(Consumer<Flight> onAbandon) {
        this.onAbandon = onAbandon;
    }

    /// Starts `work` on a new thread of `threads` unless every waiter has already left.
    ///
    /// @throws IllegalStateException when the flight was cancelled first (its upstream is closed)
    void start(ThreadFactory threads, Runnable work) {
        lock.lock();
        try {
            if (abandoned) {
                return;
            }
            if (cancelled) {
                abandoned = true;
                onAbandon.accept(this);
                IllegalStateException closed = new IllegalStateException("upstreams are closed");
                answer.completeExceptionally(closed);
                throw closed;
            }
            thread = threads.newThread(work);
            thread.start();
        } finally {
            lock.unlock();
        }
    }

    /// Stops the flight's thread, or keeps it from starting (its upstream is closing); waiters
    /// get an `IllegalStateException`.
    void cancel() {
        lock.lock();
        try {
            cancelled = true;
            if (thread != null) {
                thread.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    /// Adds a waiter; false when the flight was abandoned, and the caller should start a new one.
    boolean join() {
        lock.lock();
        try {
            if (abandoned) {
                return false;
            }
            waiters++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /// Waits for the answer as one of its waiters (after creating the flight or [#join()]ing it).
    ///
    /// @throws InterruptedException when the caller is interrupted; it stops waiting at once
    /// @throws IllegalStateException when the flight failed unexpectedly or its upstream was closed
    LookupAnswer await() throws InterruptedException {
        try {
            return answer.get();
        } catch (InterruptedException e) {
            leave();
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("upstream lookup failed: " + e.getCause().getMessage(), e.getCause());
        }
    }

    void complete(LookupAnswer value) {
        answer.complete(value);
    }

    void fail(Throwable cause) {
        answer.completeExceptionally(cause);
    }

    private void leave() {
        lock.lock();
        try {
            if (--waiters > 0 || abandoned) {
                return;
            }
            abandoned = true;
            // Out of the map before anyone can see `abandoned`: a caller failing to join finds it gone.
            onAbandon.accept(this);
            if (thread != null) {
                thread.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }
}
