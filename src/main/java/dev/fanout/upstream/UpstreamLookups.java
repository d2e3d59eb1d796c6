package dev.fanout.upstream;

import dev.fanout.engine.LookupAnswer;
import dev.fanout.engine.Lookups;
import dev.fanout.schema.Lookup;
import java.util.Map;
import dev.fanout.metrics.LatencyHistograms;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/// One request's door to the upstreams: the [Lookups] the engine calls, holding the request's
/// fair share of each upstream it uses (see `ConcurrencyLimit`). Once a lookup of this request has
/// been interrupted, the request is taken as cancelled: every later lookup throws
/// `InterruptedException` without calling anyone, so a client that went away costs the upstreams
/// nothing more. Thread-safe; close it when the request ends.
public final class UpstreamLookups implements Lookups, AutoCloseable {
    private final Map<String, Upstream> upstreams;
    // Null when histograms are off: then outcomes are not counted.
    private final LatencyHistograms histograms;
    private final ConcurrentHashMap<String, ConcurrencyLimit.Share> shares = new ConcurrentHashMap<>();
    private volatile boolean cancelled;
    private volatile boolean closed;

    UpstreamLookups(Map<String, Upstream> upstreams, LatencyHistograms histograms) {
        this.upstreams = upstreams;
        this.histograms = histograms;
    }

    /// Asks `lookup.upstream()` about `value`; see `Upstream` for the outcomes.
    ///
    /// @throws InterruptedException when the calling thread is interrupted, or an earlier lookup of
    ///         this request was
    /// @throws IllegalStateException when the upstream is not configured (the server checks
    ///         schemas before), or this request's lookups or the upstreams are closed
    @Override
    public LookupAnswer lookup(Lookup lookup, String value) throws InterruptedException {
        Objects.requireNonNull(lookup, "lookup must not be null");
        Objects.requireNonNull(value, "value must not be null");
        if (closed) {
            throw new IllegalStateException("the lookups of this request are closed");
        }
        if (cancelled) {
            throw new InterruptedException("the lookups of this request were cancelled");
        }
        Upstream upstream = upstreams.get(lookup.upstream());
        if (upstream == null) {
            throw new IllegalStateException("no upstream '" + lookup.upstream() + "' is configured");
        }
        ConcurrencyLimit.Share share = shares.computeIfAbsent(lookup.upstream(), name -> upstream.limit().newShare());
        try {
            LookupAnswer answer = upstream.lookup(share, lookup, value);
            if (histograms != null) {
                histograms.countLookup(lookup.upstream(), answer.failure().map(f -> f.code().wireName()).orElse("found"));
            }
            return answer;
        } catch (InterruptedException e) {
            cancelled = true;
            throw e;
        }
    }

    /// The upstream's `max-concurrency`: more lookups at once than that could only wait for a
    /// permit (an unknown upstream fails its lookups anyway: no limit).
    @Override
    public int parallelism(String upstream) {
        Upstream named = upstreams.get(upstream);
        return named == null ? Integer.MAX_VALUE : named.settings().maxConcurrency();
    }

    /// Ends the request: later lookups throw. A share takes no room once its calls are done, so
    /// there is nothing to give back; calls still running for other requests' waiters go on.
    @Override
    public void close() {
        closed = true;
    }
}
