package dev.fanout.upstream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fanout.engine.LookupAnswer;
import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.JsonNumber;
import dev.fanout.schema.Lookup;
import dev.fanout.schema.Violation;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import org.HdrHistogram.Recorder;

/// One configured upstream: its transport, circuit breaker, concurrency limit, answer cache and
/// in-flight map. A lookup of a value goes, in order: the cache; a flight already asking for the
/// same thing; or a new flight, which makes up to `retries + 1` calls.
///
/// - **Calls.** `GET baseUri + path`, `{value}` encoded as one path segment (see
///   [RequestTarget#encodeSegment(String)]), redirects not followed (an upstream cannot send us to
///   another host). Each call has a hard deadline of `timeout`, body included. Plain HTTP and HTTPS go
///   through our own client ([DirectTransport]: [UpstreamConnection] on keep-alive connections
///   pooled by [ConnectionPool], whose watchdog closes a connection once its call is past the
///   deadline); proxied upstreams through Helidon's client ([HelidonTransport], whose calls are
///   bounded by a timer that interrupts the calling thread, which closes the connection).
/// - **Retries** (with jittered exponential backoff) on connection errors and 5xx only. A call that
///   timed out is *not* retried: its whole budget is spent, and a slow upstream is usually an
///   overloaded one, which retries would only load more (a connect time-out is a connection error
///   and is retried). A time-out still counts as a failure for the circuit breaker. Neither client
///   resends a request itself, so an upstream sees at most `retries + 1` requests per flight (one
///   taken over from an interrupted creator, see [Flight], starts its calls anew). A call on a
///   kept connection that the upstream had closed while idle ([Call.StaleConnection]) is one of
///   them, retried without a backoff and not told to the circuit breaker.
/// - **Outcomes.** 2xx → found (the body is read and parsed only when the lookup has `enrich`;
///   not JSON, or over 1 MiB → `lookup_failed`, not retried); 404 → `lookup_not_found`; time-out →
///   `lookup_timeout` (a connect time-out too, after the retries); any other status or a
///   connection error after the retries → `lookup_failed`; circuit open → `lookup_unavailable`.
/// - **Cache.** Found and not-found answers are kept for `cache-ttl` (Caffeine, at most
///   `cache-size` entries); failures never are. The key, also the single-flight key, is the
///   request target plus the enrich pointers, so an entry holds only the values copied out (a
///   whole body only for the pointer `""`).
/// - **Latency.** Each call's time, retries included, goes into `upstream.NAME` in microseconds.
///
/// Thread-safe; lookups block the calling (virtual) thread, which makes the calls of a flight it
/// starts, and stop when it is interrupted.
final class Upstream implements AutoCloseable {
    private final UpstreamSettings settings;
    private final Recorder latencyMicros;
    private final UpstreamTransport transport;
    private final ThreadFactory flightThreads;
    private volatile boolean closed;
    private final CircuitBreaker breaker;
    private final ConcurrencyLimit limit;
    /// The most heap a cached answer may take, by an estimate that errs high (each string 40 bytes
    /// and two a character, each entry 256 bytes of objects: the cache's node, the key, the
    /// answer and their lists): its request target, its enrich pointers (an uploaded schema's
    /// live as long as its entries), the values copied out, or a not-found answer's message.
    /// `cache-size` bounds the entries by count, and a schema (an uploaded one too) chooses what an
    /// entry holds: the pointer `""` copies a whole body (up to the 1 MiB read), a 1 MiB cell makes
    /// a 3 MiB target, a pointer may be as long as the schema, and a hundred `enrich` names may
    /// copy a hundred values. At this bound the cache of 10,000 entries holds ~11 MB at worst;
    /// larger answers are asked again, as a failure is (a value that large is seldom asked twice
    /// in `cache-ttl`). Counted in characters before, a hundred short values of one answer passed
    /// as ~800 characters and took 4-9 KB (with the pointers of an uploaded schema): 40-90 MB for
    /// 10,000 entries.
    static final int MAX_CACHED_BYTES = 1024;
    private static final int ENTRY_BYTES = 256;
    private static final int STRING_BYTES = 40;
    // Null when caching is off (cache-ttl or cache-size zero).
    private final Cache<AnswerKey, LookupAnswer> cache;
    private final ConcurrentHashMap<AnswerKey, Flight> flights = new ConcurrentHashMap<>();
    private final RequestTarget targets;

    /// `latencyMicros` may be null: then nothing is recorded.
    Upstream(UpstreamSettings settings, Recorder latencyMicros) {
        this.settings = settings;
        this.latencyMicros = latencyMicros;
        // Plain HTTP and HTTPS without a proxy, the usual case, get our own client and pool;
        // proxied upstreams keep Helidon's client and cache (proxy tunnels are its business).
        this.transport = UpstreamTransport.create(settings);
        this.targets = new RequestTarget(settings);
        this.flightThreads = Thread.ofVirtual().name("upstream-" + settings.name() + "-lookup").factory();
        this.breaker = new CircuitBreaker(settings.breakerFailures(), settings.breakerOpen());
        this.limit = new ConcurrencyLimit(settings.maxConcurrency());
        this.cache = settings.cacheTtl().isZero() || settings.cacheSize() == 0 ? null
                : Caffeine.newBuilder()
                        .expireAfterWrite(settings.cacheTtl())
                        .maximumSize(settings.cacheSize())
                        // Maintenance on the writing thread, not on the common ForkJoinPool.
                        .executor(Runnable::run)
                        .build();
    }

    UpstreamSettings settings() {
        return settings;
    }

    ConcurrencyLimit limit() {
        return limit;
    }

    /// What the upstream says about `value`, on behalf of the request owning `share`.
    ///
    /// @throws InterruptedException when the calling thread is interrupted
    /// @throws IllegalArgumentException when the lookup's path does not start with `/`
    /// @throws IllegalStateException when this upstream is closed
    LookupAnswer lookup(ConcurrencyLimit.Share share, Lookup lookup, String value) throws InterruptedException {
        if (value.isEmpty()) {
            // "/customers/{value}" would become "/customers/", another resource: never call for it.
            return failure(lookup, ErrorCode.LOOKUP_NOT_FOUND, Violation.quote(value) + " was not found by upstream '"
                    + settings.name() + "' (an empty value is never looked up)");
        }
        String target = targets.target(lookup.path(), value);
        var key = new AnswerKey(target, List.copyOf(lookup.enrich().values()));
        while (true) {
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            LookupAnswer cached = cache == null ? null : cache.getIfPresent(key);
            if (cached != null) {
                return cached;
            }
            Flight existing = flights.get(key);
            if (existing != null) {
                if (existing.join()) {
                    return existing.await();
                }
                continue; // abandoned and already out of the map: start a new one
            }
            Flight flight = new Flight(ended -> flights.remove(key, ended));
            if (flights.putIfAbsent(key, flight) != null) {
                continue;
            }
            if (closed) {
                // close() may have looked at the flights before this one went in.
                flight.cancel();
            }
            return flight.run(flightThreads, () -> fly(key, share, lookup, value, target));
        }
    }

    /// The cache's and the flights' key: the request target and the enrich pointers, whose values
    /// an answer holds in their order. A record, not one string joined from them: a pointer may
    /// hold any character (`"/p, /q"` is one pointer), and two lookups whose joined strings matched
    /// shared answers of another shape — fewer or more enrich values than the field has room for.
    private record AnswerKey(String target, List<String> pointers) {
    }

    private LookupAnswer fly(AnswerKey key, ConcurrencyLimit.Share share, Lookup lookup, String value, String target)
            throws InterruptedException {
        // An earlier flight may have filled the cache between our caller's look and our start.
        LookupAnswer answer = cache == null ? null : cache.getIfPresent(key);
        if (answer == null) {
            answer = callWithRetries(share, lookup, value, target);
            // Cached before the flight leaves the map, so a caller arriving now finds one or the other.
            if (cache != null && cacheable(key, answer)) {
                cache.put(key, answer);
            }
        }
        return answer;
    }

    /// Found and not-found answers that take at most [#MAX_CACHED_BYTES], their key (target and
    /// enrich pointers) included.
    private static boolean cacheable(AnswerKey key, LookupAnswer answer) {
        if (!answer.failure().map(v -> v.code() == ErrorCode.LOOKUP_NOT_FOUND).orElse(true)) {
            return false;
        }
        long bytes = ENTRY_BYTES + stringBytes(key.target()) + answer.failure().map(Upstream::violationBytes).orElse(0L);
        for (String pointer : key.pointers()) {
            bytes += Integer.BYTES + stringBytes(pointer);
        }
        for (Object value : answer.enrichValues()) {
            bytes += Integer.BYTES + switch (value) {
                case null -> 0;
                case String text -> stringBytes(text);
                case JsonNumber number -> 16 + stringBytes(number.text());
                // Booleans are the two shared instances.
                default -> 0;
            };
        }
        return bytes <= MAX_CACHED_BYTES;
    }

    private static long stringBytes(String text) {
        return STRING_BYTES + 2L * text.length();
    }

    /// A not-found answer's message: its text, and the cell's bytes it quotes.
    private static long violationBytes(Violation violation) {
        byte[] quoted = violation.quoted();
        return stringBytes(violation.problem()) + (quoted == null ? 0 : 16 + quoted.length);
    }

    private LookupAnswer callWithRetries(ConcurrencyLimit.Share share, Lookup lookup, String value, String target)
            throws InterruptedException {
        int maxCalls = settings.retries() + 1;
        Call last = null;
        int calls = 0;
        while (calls < maxCalls) {
            if (calls > 0 && !(last instanceof Call.StaleConnection)) {
                Thread.sleep(backoffMillis(calls));
            }
            share.acquire();
            CircuitBreaker.Permission permission;
            Call call;
            try {
                // Asked after the permit: the circuit may have opened while we queued.
                permission = breaker.tryCall();
                if (permission == CircuitBreaker.Permission.REFUSED) {
                    break;
                }
                try {
                    call = send(target, !lookup.enrich().isEmpty(), permission);
                } catch (RuntimeException | Error e) {
                    // A trial that ends without a result must not keep the circuit half-open.
                    breaker.abandon(permission);
                    throw e;
                }
            } finally {
                share.release();
            }
            calls++;
            last = call;
            switch (call) {
                case Call.Answered(int status, byte[] body) when status >= 200 && status < 300 -> {
                    return found(lookup, value, body);
                }
                case Call.Answered(int status, byte[] _) when status == 404 -> {
                    return failure(lookup, ErrorCode.LOOKUP_NOT_FOUND,
                            Violation.quote(value) + " was not found by upstream '" + settings.name() + "'");
                }
                case Call.Answered(int status, byte[] _) when status >= 500 -> {
                    // retried
                }
                case Call.Answered _, Call.BodyTooLarge _ -> {
                    return failed(lookup, value, call, calls);
                }
                case Call.TimedOut(boolean connecting) when connecting -> {
                    // retried: a connection error, and only connect-timeout of the budget is spent
                }
                case Call.TimedOut _ -> {
                    return failed(lookup, value, call, calls);
                }
                case Call.ConnectionFailed _, Call.StaleConnection _ -> {
                    // retried
                }
            }
        }
        if (last == null) {
            return failure(lookup, ErrorCode.LOOKUP_UNAVAILABLE, Violation.quote(value) + " could not be looked up: upstream '"
                    + settings.name() + "' is unavailable (circuit open after repeated failures)");
        }
        // Out of calls, or the circuit opened between retries: report the last failure.
        return failed(lookup, value, last, calls);
    }

    private LookupAnswer found(Lookup lookup, String value, byte[] body) {
        if (lookup.enrich().isEmpty()) {
            return new LookupAnswer(Optional.empty(), List.of());
        }
        Optional<List<Object>> values = Enrichment.values(body, lookup.enrich().values());
        if (values.isEmpty()) {
            return failure(lookup, ErrorCode.LOOKUP_FAILED, Violation.quote(value) + " could not be looked up: upstream '"
                    + settings.name() + "' answered with a body that is not JSON");
        }
        return new LookupAnswer(Optional.empty(), values.get());
    }

    private LookupAnswer failed(Lookup lookup, String value, Call call, int calls) {
        String prefix = Violation.quote(value) + " could not be looked up: ";
        String after = calls == 1 ? "" : " (" + calls + " calls)";
        return switch (call) {
            case Call.Answered(int status, byte[] _) -> failure(lookup, ErrorCode.LOOKUP_FAILED,
                    prefix + "upstream '" + settings.name() + "' answered HTTP " + status + after);
            case Call.BodyTooLarge _ -> failure(lookup, ErrorCode.LOOKUP_FAILED,
                    prefix + "upstream '" + settings.name() + "' answered with a body over 1 MiB" + after);
            case Call.TimedOut(boolean connecting) -> failure(lookup, ErrorCode.LOOKUP_TIMEOUT,
                    prefix + "upstream '" + settings.name() + "' did not "
                            + (connecting ? "accept a connection within " + UpstreamTransport.connectMillis(settings)
                                    : "answer within " + settings.timeout().toMillis())
                            + " ms" + after);
            case Call.ConnectionFailed(String reason) -> failure(lookup, ErrorCode.LOOKUP_FAILED,
                    prefix + "the connection to upstream '" + settings.name() + "' failed: " + reason + after);
            case Call.StaleConnection(String reason) -> failure(lookup, ErrorCode.LOOKUP_FAILED,
                    prefix + "the connection to upstream '" + settings.name() + "' failed: " + reason
                            + " (a kept connection it had closed)" + after);
        };
    }

    private static LookupAnswer failure(Lookup lookup, ErrorCode code, String message) {
        return new LookupAnswer(Optional.of(new Violation(code, message)),
                Collections.nCopies(lookup.enrich().size(), null));
    }

    /// One call to `target` (the raw path and query); `readBody`: the lookup enriches, so a 2xx
    /// body is needed.
    private Call send(String target, boolean readBody, CircuitBreaker.Permission permission) throws InterruptedException {
        long startNanos = System.nanoTime();
        Call call = transport.send(target, readBody, startNanos);
        if (Thread.currentThread().isInterrupted()) {
            // The caller has gone (the interrupt closed the connection): so has the call.
            Thread.interrupted();
            breaker.abandon(permission);
            throw new InterruptedException();
        }
        if (latencyMicros != null) {
            latencyMicros.recordValue(Math.max(1, (System.nanoTime() - startNanos) / 1_000));
        }
        if (call instanceof Call.StaleConnection) {
            // No result: the upstream closed an idle connection, as it may.
            breaker.abandon(permission);
            return call;
        }
        boolean healthy = call instanceof Call.Answered(int status, byte[] _) && status < 500
                || call instanceof Call.BodyTooLarge;
        breaker.record(permission, healthy);
        return call;
    }

    /// Equal jitter: half of `min(max-backoff, backoff × 2^(retry-1))` plus a random part of the
    /// other half, so retries of many values spread out yet never come back at once.
    private long backoffMillis(int retry) {
        long baseMillis = settings.backoff().toMillis();
        long capMillis = settings.maxBackoff().toMillis();
        long exponential = retry >= 31 ? capMillis : Math.min(capMillis, baseMillis << (retry - 1));
        long half = exponential / 2;
        return half + ThreadLocalRandom.current().nextLong(exponential - half + 1);
    }

    /// Stops the flights (their waiters get an `IllegalStateException`) and the HTTP client.
    @Override
    public void close() {
        closed = true;
        flights.values().forEach(Flight::cancel);
        transport.close();
    }

    /// The pool of our own client's connections; null when Helidon's cache serves this upstream.
    ConnectionPool connectionPool() {
        return transport instanceof DirectTransport direct ? direct.pool() : null;
    }

    /// Flights under way (tests check that abandoned ones are gone).
    int flightCount() {
        return flights.size();
    }
}
