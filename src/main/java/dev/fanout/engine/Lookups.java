package dev.fanout.engine;

import dev.fanout.schema.Lookup;

/// The engine's door to upstream lookups: it asks, per distinct value of a chunk, what the
/// field's `x-lookup` upstream says, and merges the answers back in row order. The engine knows
/// nothing of HTTP; the gateway supplies one `Lookups` per request (so limits and fairness can be
/// per request) and closes it after the run. Called from many validation subtasks at once:
/// implementations are thread-safe, block the calling (virtual) thread, and give up promptly when
/// it is interrupted (a cancelled request makes no further calls).
public interface Lookups {
    /// For schemas without lookups. A class rather than a lambda: every `fanout validate` loads
    /// this interface, and linking the lambda's call site (which the AOT cache does not keep
    /// linked here) took ~2 ms of CPU in a profile of a 20-row run from launch.
    @SuppressWarnings("Convert2Lambda")
    Lookups NONE = new Lookups() {
        @Override
        public LookupAnswer lookup(Lookup lookup, String value) {
            throw new IllegalStateException("no upstreams are configured for x-lookup '" + lookup.upstream() + "'");
        }
    };

    /// Asks `lookup.upstream()` about `value` (a non-missing cell that passed its cast).
    ///
    /// @throws InterruptedException when the run is cancelled
    LookupAnswer lookup(Lookup lookup, String value) throws InterruptedException;

    /// How many lookups on `upstream` can usefully be under way at once (its `max-concurrency`).
    /// A run starts no more lookup subtasks at a time than the sum of this over the upstreams its
    /// schema uses, so it does not park thousands of threads that could only wait for a permit.
    default int parallelism(String upstream) {
        return Integer.MAX_VALUE;
    }
}
