package dev.fanout.bench;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/// What one `fanout bench` measurement does. Exactly one of `requests` (> 0) and `duration`
/// (non-null) says when a round ends. `rate` > 0 makes it an open loop at that many requests per
/// second, spread over the connections; 0 makes it a closed loop, each connection sending its
/// next request as soon as the previous answer is in. Request `j` posts body `j mod payloads`
/// (round-robin over requests).
///
/// @param url        the target, e.g. `http://127.0.0.1:8080/v1/validate?schema=people`
/// @param payloads   the requests to send, round-robin; at least one
/// @param requests   requests per round, or 0 when the round lasts `duration`
/// @param duration   length of a round, or `null` when it counts `requests`
/// @param connections keep-alive connections, each used by one sender
/// @param rate       requests per second for an open loop, 0 for a closed loop
/// @param warmup     how long to send, unmeasured, before the first round (`Duration.ZERO`: none)
/// @param rounds     measured rounds, back to back (their spread is the noise band)
/// @param timeout    deadline of one request, connect to last byte
/// @param verify     whether 2xx bodies must be complete NDJSON
/// @param retries    how many times a request answered `503` is sent again (0: never)
/// @param gatewayStats base URLs of the replicas whose `request` histograms make the gateway's
///                   view (read before and after, and merged); empty: the target's own base URL
public record LoadPlan(URI url, List<Payload> payloads, long requests, Duration duration, int connections,
                       double rate, Duration warmup, int rounds, Duration timeout, boolean verify,
                       int retries, List<URI> gatewayStats) {
    public LoadPlan {
        Objects.requireNonNull(url, "url");
        Target.check(url);
        payloads = List.copyOf(payloads);
        if (payloads.isEmpty()) {
            throw new IllegalArgumentException("at least one file is needed");
        }
        if ((requests > 0) == (duration != null)) {
            throw new IllegalArgumentException("give exactly one of --requests and --duration");
        }
        if (duration != null && (duration.isNegative() || duration.isZero())) {
            throw new IllegalArgumentException("--duration must be positive");
        }
        if (connections < 1) {
            throw new IllegalArgumentException("--connections must be at least 1");
        }
        if (rate < 0 || Double.isNaN(rate) || Double.isInfinite(rate)) {
            throw new IllegalArgumentException("--rate must be a positive number of requests per second");
        }
        if (rounds < 1) {
            throw new IllegalArgumentException("--rounds must be at least 1");
        }
        Objects.requireNonNull(warmup, "warmup");
        if (warmup.isNegative()) {
            throw new IllegalArgumentException("--warmup cannot be negative");
        }
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("--timeout must be positive");
        }
        if (retries < 0) {
            throw new IllegalArgumentException("--retries cannot be negative");
        }
        gatewayStats = List.copyOf(gatewayStats);
        for (URI replica : gatewayStats) {
            Target.check(replica);
        }
    }

    /// A plan without retries whose gateway view is the target's own.
    public LoadPlan(URI url, List<Payload> payloads, long requests, Duration duration, int connections,
                    double rate, Duration warmup, int rounds, Duration timeout, boolean verify) {
        this(url, payloads, requests, duration, connections, rate, warmup, rounds, timeout, verify, 0, List.of());
    }

    /// The base URLs whose histograms make the gateway's view: the listed replicas, or the target.
    public List<URI> replicas() {
        return gatewayStats.isEmpty() ? List.of(Target.base(url)) : gatewayStats.stream().map(Target::base).toList();
    }

    /// Whether this is an open loop (a fixed rate, latency from intended send times).
    public boolean openLoop() {
        return rate > 0;
    }

    /// The same plan at another rate (a sweep's step), without warm-up.
    public LoadPlan atRate(double newRate, Duration newWarmup) {
        return new LoadPlan(url, payloads, requests, duration, connections, newRate, newWarmup, rounds, timeout, verify,
                retries, gatewayStats);
    }

    /// Whether the gateway was asked to end each answer with a summary line.
    @SuppressWarnings("StringSplitter") // empty pieces are no parameters: dropping trailing ones is right
    boolean expectsSummary() {
        String query = url.getRawQuery();
        if (query == null) {
            return false;
        }
        for (String parameter : query.split("&")) {
            if (parameter.equals("summary=true") || parameter.equals("summary")) {
                return true;
            }
        }
        return false;
    }
}
