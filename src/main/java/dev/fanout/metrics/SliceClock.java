package dev.fanout.metrics;

import java.time.Duration;

/// The time by which [LatencyHistograms] cut their slices: the wall-clock time each slice starts
/// and ends at (and the `.hlog` records), and what calls for the next slice every interval. The
/// gateway runs on [#system()], the wall clock and a [SliceTicker] thread; a test gives a clock
/// that moves only when the test moves it, so that windows and `.hlog` intervals are tested
/// without waiting for them to pass. Implementations are thread-safe: [#millis()] is read by
/// every thread that takes a snapshot.
public interface SliceClock {
    /// Now, in milliseconds since the epoch.
    long millis();

    /// Calls `tick` every `interval` from now on, until the returned ticking is stopped.
    Ticking startTicking(Duration interval, Runnable tick);

    /// A running schedule of ticks.
    interface Ticking {
        /// Stops the ticks; a tick in progress ends first.
        void stop();
    }

    /// The wall clock, with a platform thread that ticks on it.
    static SliceClock system() {
        return SystemSliceClock.INSTANCE;
    }
}
