package dev.fanout.engine;

/// Where the engine reports its stage timings, so that the gateway can put them in its
/// histograms without the engine knowing about them: how long each chunk took to validate, and how
/// long it waited for a worker first. Called from validation subtasks, concurrently: implementations
/// must be thread-safe and cheap (they run once per chunk).
public interface EngineMetrics {
    /// Reports nothing.
    EngineMetrics NONE = new EngineMetrics() {
        @Override
        public void chunkValidated(long elapsedNanos) {
        }

        @Override
        public void queueWaited(long elapsedNanos) {
        }
    };

    /// One chunk was validated and rendered in `elapsedNanos`.
    void chunkValidated(long elapsedNanos);

    /// One chunk waited `elapsedNanos` for a free worker before its validation started.
    void queueWaited(long elapsedNanos);
}
