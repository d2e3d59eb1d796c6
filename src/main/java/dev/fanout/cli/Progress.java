package dev.fanout.cli;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/// The progress line on a terminal: rows read and MB/s, redrawn in place (`\r`) about four times a
/// second by a thread of its own, erased on `close`.
///
/// `close` stops and joins the thread, so no thread outlives the run and nothing else writes to
/// the stream once it returns. `disabled()` draws nothing and starts no thread.
final class Progress implements AutoCloseable {
    static final long INTERVAL_MILLIS = 250;

    private final Thread thread;
    private final PrintStream err;
    private int drawnChars;

    private Progress(PrintStream err, LongSupplier rows, LongSupplier bytes) {
        this.err = err;
        this.thread = err == null ? null : Thread.ofPlatform().daemon().name("fanout-progress")
                .start(() -> draw(rows, bytes));
    }

    /// A progress line on `err`, fed by the two counters, which are polled from another thread.
    static Progress start(PrintStream err, LongSupplier rows, LongSupplier bytes) {
        return new Progress(err, rows, bytes);
    }

    /// No progress line.
    static Progress disabled() {
        return new Progress(null, null, null);
    }

    private void draw(LongSupplier rows, LongSupplier bytes) {
        long startNanos = System.nanoTime();
        while (true) {
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                // Interrupting is how close() stops us; keep the status for anyone who looks.
                Thread.currentThread().interrupt();
                return;
            }
            double seconds = (System.nanoTime() - startNanos) / 1e9;
            String line = String.format(Locale.ROOT, "fanout: %,d rows, %.1f MB/s",
                    rows.getAsLong(), bytes.getAsLong() / 1e6 / seconds);
            // Pad over the previous line in case this one is shorter.
            String padding = " ".repeat(Math.max(0, drawnChars - line.length()));
            err.print("\r" + line + padding);
            err.flush();
            drawnChars = line.length();
        }
    }

    /// Stops the thread and erases the line.
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        thread.interrupt();
        // Wait for the thread even if we are interrupted: it must not draw after we return.
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        // drawnChars was written by the joined thread: join() makes it visible here.
        if (drawnChars > 0) {
            err.print("\r" + " ".repeat(drawnChars) + "\r");
            err.flush();
        }
    }
}
