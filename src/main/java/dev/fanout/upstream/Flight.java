package dev.fanout.upstream;

import dev.fanout.engine.LookupAnswer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/// One lookup in progress, shared by every caller that asks for the same thing meanwhile
/// (single flight).
///
/// The caller that creates the flight makes its calls on its own thread ([#run]): in the usual
/// case, where no one else asks for the value meanwhile, no thread is started and no thread
/// parks waiting for another (each did cost a virtual thread's first stack chunk, a fifth of the
/// gateway's garbage per lookup). Callers that [#join()] wait for the answer. A caller that is
/// interrupted leaves without failing the others: when the creator is interrupted while others
/// wait, a new thread of the factory takes over and makes the calls anew; when the last waiter
/// leaves, the flight is abandoned: the thread making its calls is interrupted (ending the HTTP
/// call or the backoff) and it is taken out of the in-flight map by `onEnd`, so no call goes on
/// with no one to read it. Thread-safe.
final class Flight {
    /// The calls of a flight, made by whichever thread runs it.
    interface Work {
        LookupAnswer call() throws InterruptedException;
    }

    private final CompletableFuture<LookupAnswer> answer = new CompletableFuture<>();
    private final Consumer<Flight> onEnd;
    private final ReentrantLock lock = new ReentrantLock();
    // All guarded by lock. The creator is the first waiter.
    private int waiters = 1;
    private boolean abandoned;
    private boolean cancelled;
    // The thread making the calls: the creator, then the one that took over from it, if any.
    private Thread runner;

    /// `onEnd` takes the flight out of the in-flight map (called once it has an answer, or none).
    Flight(Consumer<Flight> onEnd) {
        this.onEnd = onEnd;
    }

    /// Makes the calls on the calling thread, the flight's creator, and returns the answer.
    ///
    /// @throws InterruptedException when the creator is interrupted; the flight goes on on a new
    ///         thread of `threads` if others wait for it
    /// @throws IllegalStateException when the flight was cancelled (its upstream is closed)
    LookupAnswer run(ThreadFactory threads, Work work) throws InterruptedException {
        lock.lock();
        try {
            if (cancelled) {
                abandonLocked();
                throw new IllegalStateException("upstreams are closed");
            }
            runner = Thread.currentThread();
        } finally {
            lock.unlock();
        }
        LookupAnswer result;
        try {
            result = work.call();
        } catch (InterruptedException e) {
            handOver(threads, work);
            throw e;
        } catch (RuntimeException | Error e) {
            onEnd.accept(this);
            answer.completeExceptionally(e);
            throw e;
        }
        onEnd.accept(this);
        answer.complete(result);
        return result;
    }

    /// The creator was interrupted: a new thread takes the flight over if anyone still waits.
    private void handOver(ThreadFactory threads, Work work) {
        lock.lock();
        try {
            runner = null;
            if (--waiters > 0 && !cancelled) {
                try {
                    runner = threads.newThread(() -> runTakenOver(work));
                    runner.start();
                    return;
                } catch (RuntimeException | OutOfMemoryError e) {
                    // No thread to take over: the waiters get an answer (a failure), never a hang.
                    runner = null;
                }
            }
            abandonLocked();
        } finally {
            lock.unlock();
        }
    }

    private void runTakenOver(Work work) {
        try {
            LookupAnswer result = work.call();
            onEnd.accept(this);
            answer.complete(result);
        } catch (InterruptedException e) {
            // Every waiter left, or the upstreams are closing: abandoned already.
            onEnd.accept(this);
            answer.completeExceptionally(cancelledException());
        } catch (RuntimeException | Error e) {
            // Its waiters get it; an Error goes on to the thread's handler too.
            onEnd.accept(this);
            answer.completeExceptionally(e);
            if (e instanceof Error error) {
                throw error;
            }
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

    /// Waits for the answer as a waiter that [#join()]ed.
    ///
    /// @throws InterruptedException when the caller is interrupted; it stops waiting at once
    /// @throws IllegalStateException when the flight failed unexpectedly, was cancelled or its
    ///         upstream was closed
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

    /// Stops the flight's calls, or keeps them from starting (its upstream is closing): waiters
    /// get an `IllegalStateException`, a creator making the calls an `InterruptedException`.
    void cancel() {
        lock.lock();
        try {
            cancelled = true;
            // A creator that has its answer may already be on to other work: not interrupted.
            if (runner != null && !answer.isDone()) {
                runner.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    private void leave() {
        lock.lock();
        try {
            // While the creator makes the calls it is a waiter: the count reaches zero only after
            // a hand-over, so the runner interrupted here is never another request's caller.
            if (--waiters > 0 || abandoned) {
                return;
            }
            abandonLocked();
            if (runner != null) {
                runner.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }

    // Called under lock. Out of the map before anyone can see `abandoned`: a caller failing to
    // join finds it gone.
    private void abandonLocked() {
        abandoned = true;
        onEnd.accept(this);
        answer.completeExceptionally(cancelledException());
    }

    private static IllegalStateException cancelledException() {
        return new IllegalStateException("the lookup was cancelled: every waiter left or the upstreams were closed");
    }
}
