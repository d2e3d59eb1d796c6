package dev.fanout.upstream;

import dev.fanout.engine.LookupAnswer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/// One lookup in progress, shared by every caller that asks for the same thing meanwhile
/// (single flight). It runs on its own virtual thread, not on a caller's, so that a caller that is
/// interrupted can leave without failing the others; when the last waiter leaves, the flight is
/// abandoned: its thread is interrupted (ending the HTTP call or the backoff) and it is taken out
/// of the in-flight map by `onAbandon`, so no call goes on with no one to read it. Thread-safe.
final class Flight {
    private final CompletableFuture<LookupAnswer> answer = new CompletableFuture<>();
    private final Consumer<Flight> onAbandon;
    private final ReentrantLock lock = new ReentrantLock();
    // All guarded by lock. The creator is the first waiter.
    private int waiters = 1;
    private boolean abandoned;
    private Future<?> task;

    Flight(Consumer<Flight> onAbandon) {
        this.onAbandon = onAbandon;
    }

    /// Starts `work` on `executor` unless every waiter has already left.
    ///
    /// @throws IllegalStateException when the executor no longer accepts work (the upstreams are closed)
    void start(ExecutorService executor, Runnable work) {
        lock.lock();
        try {
            if (abandoned) {
                return;
            }
            task = executor.submit(work);
        } catch (RejectedExecutionException e) {
            abandoned = true;
            onAbandon.accept(this);
            answer.completeExceptionally(e);
            throw new IllegalStateException("upstreams are closed", e);
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
            if (task != null) {
                task.cancel(true);
            }
        } finally {
            lock.unlock();
        }
    }
}
