package dev.fanout.upstream;

import dev.fanout.metrics.LatencyHistograms;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/// Every upstream of the server's configuration, built once at start and closed at shutdown.
/// Requests reach them through [#forRequest()], which keeps each request within its fair share of
/// every upstream's `max-concurrency`. The set of names is fixed: a schema's `x-lookup` can only
/// name one of them (check with [#has(String)]), never supply a URL. Thread-safe.
public final class Upstreams implements AutoCloseable {
    private final Map<String, Upstream> byName;
    private final LatencyHistograms histograms;

    private Upstreams(Map<String, Upstream> byName, LatencyHistograms histograms) {
        this.byName = byName;
        this.histograms = histograms;
    }

    /// Builds an HTTP client, cache and circuit breaker per upstream. Each call's latency is
    /// recorded into `histograms`' `upstream.NAME` recorder and each lookup's outcome counted; `histograms` may be null (the CLI, or
    /// histograms turned off), and then nothing is recorded.
    public static Upstreams create(Map<String, UpstreamSettings> settings, LatencyHistograms histograms) {
        Objects.requireNonNull(settings, "settings must not be null");
        Map<String, Upstream> byName = new LinkedHashMap<>();
        settings.forEach((name, upstream) -> {
            if (!name.equals(upstream.name())) {
                throw new IllegalArgumentException("upstream '" + upstream.name() + "' is filed under '" + name + "'");
            }
            byName.put(name, new Upstream(upstream, histograms == null ? null
                    : histograms.recorder(LatencyHistograms.UPSTREAM_PREFIX + name)));
        });
        return new Upstreams(Collections.unmodifiableMap(byName), histograms);
    }

    /// Whether an upstream called `name` is configured.
    public boolean has(String name) {
        return byName.containsKey(name);
    }

    /// The configured names, in configuration order.
    public Set<String> names() {
        return byName.keySet();
    }

    /// The upstream called `name`, or null.
    Upstream upstream(String name) {
        return byName.get(name);
    }

    /// The lookups of one request; close it when the request ends.
    public UpstreamLookups forRequest() {
        return new UpstreamLookups(byName, histograms);
    }

    /// Cancels every flight still running and closes the HTTP clients. Idempotent.
    @Override
    public void close() {
        byName.values().forEach(Upstream::close);
    }
}
