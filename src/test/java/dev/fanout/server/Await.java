package dev.fanout.server;

import java.io.IOException;
import java.time.Duration;

/// A bounded wait for something another thread or the network makes true (a request recorded,
/// a connection seen closed, a folder emptied): the condition is checked every 10 ms until it
/// holds or the patience is spent, and the caller asserts on the answer. Unlike a fixed sleep it
/// costs only as long as the thing takes, and a slow machine gets the whole patience.
///
/// Not for waiting on our own time-based code (sweeps, windows, reload checks): give that code a
/// clock and advance it instead.
public final class Await {
    private static final long PAUSE_MILLIS = 10;

    /// What is awaited; it may do I/O.
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws IOException, InterruptedException;
    }

    private Await() {
    }

    /// Whether `condition` held within `patience` (checked once more at the end).
    public static boolean until(Duration patience, Condition condition) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() - deadline >= 0) {
                return condition.holds();
            }
            Thread.sleep(PAUSE_MILLIS);
        }
        return true;
    }
}
