package dev.fanout.upstream;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.fanout.engine.LookupAnswer;
import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.Lookup;
import dev.fanout.schema.Violation;
import io.helidon.common.uri.UriInfo;
import io.helidon.common.uri.UriPath;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;

/// One configured upstream: its HTTP client, circuit breaker, concurrency limit, answer cache and
/// in-flight map. A lookup of a value goes, in order: the cache; a flight already asking for the
/// same thing; or a new flight, which makes up to `retries + 1` calls.
///
/// - **Calls.** `GET baseUri + path`, `{value}` encoded as one path segment (see
///   [#encodeSegment(String)]), redirects not followed (an upstream cannot send us to another host).
///   Each call has a hard deadline of `timeout`, body included. Plain HTTP goes through our own
///   client ([UpstreamConnection]) on keep-alive connections pooled by [ConnectionPool], whose
///   watchdog closes a connection once its call is past the deadline (checked every twentieth of
///   `timeout`, 5 to 50 ms); HTTPS and proxied upstreams through Helidon's client, whose calls are
///   bounded by a timer that interrupts the calling thread (which closes the connection).
/// - **Retries** (with jittered exponential backoff) on connection errors and 5xx only. A call that
///   timed out is *not* retried: its whole budget is spent, and a slow upstream is usually an
///   overloaded one, which retries would only load more (a connect time-out is a connection error
///   and is retried). A time-out still counts as a failure for the circuit breaker. Neither client
///   resends a request itself, so an upstream sees at most `retries + 1` requests per flight (one
///   taken over from an interrupted creator, see [Flight], starts its calls anew).
/// - **Outcomes.** 2xx → found (the body is read and parsed only when the lookup has `enrich`;
///   not JSON, or over 1 MiB → `lookup_failed`, not retried); 404 → `lookup_not_found`; time-out →
///   `lookup_timeout` (a connect time-out too, after the retries); any other status or a
///   connection error after the retries → `lookup_failed`; circuit open → `lookup_unavailable`.
/// - **Cache.** Found and not-found answers are kept for `cache-ttl` (Caffeine, at most
///   `cache-size` entries); failures never are. The key, also the single-flight key, is the path
///   plus the enrich pointers, so an entry holds only the few values copied out, never a body.
/// - **Latency.** Each call's time, retries included, goes into `upstream.NAME` in microseconds.
///
/// Thread-safe; lookups block the calling (virtual) thread, which makes the calls of a flight it
/// starts, and stop when it is interrupted.
final class Upstream implements AutoCloseable {
    private static final String VALUE = "{value}";
    private static final int MAX_TARGETS = 1024;

    private final UpstreamSettings settings;
    private final Recorder latencyMicros;
    private final Http1Client client;
    // Null for HTTPS or proxied upstreams: Helidon's connection cache serves them.
    private final ConnectionPool pool;
    // One platform thread: the deadlines of calls through Helidon, the pool's sweep and its watchdog.
    private final ScheduledThreadPoolExecutor deadlines;
    private final ThreadFactory flightThreads;
    private volatile boolean closed;
    private final CircuitBreaker breaker;
    private final ConcurrencyLimit limit;
    // Null when caching is off (cache-ttl or cache-size zero).
    private final Cache<String, LookupAnswer> cache;
    private final ConcurrentHashMap<String, Flight> flights = new ConcurrentHashMap<>();
    // Lookup path → checked target template (base path + path, ASCII); see target(String, String).
    // Paths come from uploaded schemas too: at most MAX_TARGETS are kept.
    private final ConcurrentHashMap<String, String> targets = new ConcurrentHashMap<>();
    // What follows the target in a request head: the version, Host and Accept.
    private final byte[] requestHeadTail;

    /// `latencyMicros` may be null: then nothing is recorded.
    Upstream(UpstreamSettings settings, Recorder latencyMicros) {
        this.settings = settings;
        this.latencyMicros = latencyMicros;
        var config = WebClient.builder()
                .connectTimeout(Duration.ofMillis(connectMillis()))
                .readTimeout(settings.timeout())
                .followRedirects(false)
                .keepAlive(true)
                // Our own cache, closed with this upstream, holding a connection per permit
                // (used only where ConnectionPool is not).
                .shareConnectionCache(false)
                .connectionCacheSize(settings.maxConcurrency())
                // A GET is one small write: unbuffered, it goes to the socket as it is. Buffered,
                // Helidon copies it through a scratch array as large as the buffer (4 KiB) per call.
                .writeBufferSize(0)
                .servicesDiscoverServices(false);
        boolean direct = direct(settings.baseUri());
        if (direct) {
            // Helidon's default proxy setting asks the JVM's ProxySelector on every request (a
            // URI parse and host matching, ~5 % of the gateway's CPU under load); its answer
            // depends on the base URI only, so it is asked once, here.
            config.proxy(Proxy.noProxy());
        }
        WebClient webClient = config.build();
        this.client = webClient.client(Http1Client.PROTOCOL);
        // Plain HTTP without a proxy, the usual case, gets our own client and pool; HTTPS and
        // proxied upstreams keep Helidon's client and cache (TLS and proxy tunnels are its business).
        this.pool = direct && "http".equals(settings.baseUri().getScheme())
                ? new ConnectionPool(settings.baseUri().getHost(), port(settings.baseUri()), (int) connectMillis())
                : null;
        this.requestHeadTail = (" HTTP/1.1\r\nHost: " + settings.baseUri().getRawAuthority()
                + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.deadlines = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("upstream-" + settings.name() + "-deadlines").factory());
        deadlines.setRemoveOnCancelPolicy(true);
        if (pool != null) {
            every(ConnectionPool.MAX_IDLE.toMillis(), pool::sweep, "idle connection sweep");
            // Calls end at most a twentieth of their timeout (between 5 and 50 ms) after it.
            every(Math.clamp(settings.timeout().toMillis() / 20, 5, 50), pool::expireOverdue, "call deadline check");
        }
        this.flightThreads = Thread.ofVirtual().name("upstream-" + settings.name() + "-lookup-", 0).factory();
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

    /// Runs `task` on the deadline thread every `periodMillis`; a failed run is logged, and does
    /// not end the schedule (an uncaught exception would).
    private void every(long periodMillis, Runnable task, String what) {
        deadlines.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                System.getLogger(Upstream.class.getName()).log(System.Logger.Level.WARNING, what + " failed", e);
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
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
        String target = target(lookup.path(), value);
        String key = target + " " + lookup.enrich().values();
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

    private LookupAnswer fly(String key, ConcurrencyLimit.Share share, Lookup lookup, String value, String target)
            throws InterruptedException {
        // An earlier flight may have filled the cache between our caller's look and our start.
        LookupAnswer answer = cache == null ? null : cache.getIfPresent(key);
        if (answer == null) {
            answer = callWithRetries(share, lookup, value, target);
            // Cached before the flight leaves the map, so a caller arriving now finds one or the other.
            if (cache != null && cacheable(answer)) {
                cache.put(key, answer);
            }
        }
        return answer;
    }

    private static boolean cacheable(LookupAnswer answer) {
        return answer.failure().map(v -> v.code() == ErrorCode.LOOKUP_NOT_FOUND).orElse(true);
    }

    private LookupAnswer callWithRetries(ConcurrencyLimit.Share share, Lookup lookup, String value, String target)
            throws InterruptedException {
        int maxCalls = settings.retries() + 1;
        Call last = null;
        int calls = 0;
        while (calls < maxCalls) {
            if (calls > 0) {
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
                } catch (RuntimeException e) {
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
                case Call.ConnectionFailed _ -> {
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
                            + (connecting ? "accept a connection within " + connectMillis()
                                    : "answer within " + settings.timeout().toMillis())
                            + " ms" + after);
            case Call.ConnectionFailed(String reason) -> failure(lookup, ErrorCode.LOOKUP_FAILED,
                    prefix + "the connection to upstream '" + settings.name() + "' failed: " + reason + after);
        };
    }

    /// How long a connect may take: `connect-timeout`, but never past the call's `timeout`.
    private long connectMillis() {
        return Math.max(1, Math.min(Integer.MAX_VALUE,
                Math.min(settings.connectTimeout().toMillis(), settings.timeout().toMillis())));
    }

    private static LookupAnswer failure(Lookup lookup, ErrorCode code, String message) {
        return new LookupAnswer(Optional.of(new Violation(code, message)),
                Collections.nCopies(lookup.enrich().size(), null));
    }

    /// One call to `target` (the raw path and query); `readBody`: the lookup enriches, so a 2xx
    /// body is needed.
    private Call send(String target, boolean readBody, CircuitBreaker.Permission permission) throws InterruptedException {
        long startNanos = System.nanoTime();
        Call call = pool != null ? sendPlain(target, readBody, startNanos) : sendThroughHelidon(target, readBody);
        if (Thread.currentThread().isInterrupted()) {
            // The caller has gone (the interrupt closed the connection): so has the call.
            Thread.interrupted();
            breaker.abandon(permission);
            throw new InterruptedException();
        }
        if (latencyMicros != null) {
            latencyMicros.recordValue(Math.max(1, (System.nanoTime() - startNanos) / 1_000));
        }
        boolean healthy = call instanceof Call.Answered(int status, byte[] _) && status < 500
                || call instanceof Call.BodyTooLarge;
        breaker.record(permission, healthy);
        return call;
    }

    /// One GET with our own client on a pooled connection; its reads wait no later than
    /// `timeout` after `startNanos`.
    private Call sendPlain(String target, boolean readBody, long startNanos) {
        UpstreamConnection connection;
        try {
            connection = pool.take();
        } catch (IOException e) {
            return classify(e);
        }
        try {
            Call call = connection.get(requestHead(target), startNanos + settings.timeout().toNanos(), readBody);
            if (connection.reusable()) {
                pool.release(connection);
            } else {
                connection.close();
            }
            return call;
        } catch (IOException e) {
            connection.close();
            return classify(e);
        } catch (RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    private byte[] requestHead(String target) {
        byte[] head = new byte[4 + target.length() + requestHeadTail.length];
        head[0] = 'G';
        head[1] = 'E';
        head[2] = 'T';
        head[3] = ' ';
        // The target is ASCII (see target(String, String)).
        target.getBytes(0, target.length(), head, 4);
        System.arraycopy(requestHeadTail, 0, head, 4 + target.length(), requestHeadTail.length);
        return head;
    }

    /// One GET with Helidon's client (HTTPS or a proxy), under an overall deadline that
    /// interrupts the calling thread.
    private Call sendThroughHelidon(String target, boolean readBody) {
        URI uri = URI.create(settings.baseUri().getScheme() + "://" + settings.baseUri().getRawAuthority() + target);
        Deadline deadline = new Deadline(Thread.currentThread());
        ScheduledFuture<?> timer = deadlines.schedule(deadline, settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        Call call;
        try {
            call = exchange(client.get()
                    .uri(clientUri(uri))
                    .header(HeaderNames.ACCEPT, "application/json"), readBody);
        } catch (UncheckedIOException | IOException e) {
            call = classify(e);
        } catch (RuntimeException e) {
            if (causedByIo(e)) {
                // Helidon wraps socket failures of its read loop in its own unchecked exceptions.
                call = classify(e);
            } else if (!deadline.finish() && !Thread.currentThread().isInterrupted()) {
                timer.cancel(false);
                throw new IllegalStateException("GET " + uri + " failed unexpectedly", e);
            } else {
                call = new Call.ConnectionFailed(NetworkFailure.describe(e));
            }
        }
        timer.cancel(false);
        if (deadline.finish()) {
            // The deadline interrupted us (and so closed the connection): clear its interrupt. An
            // answer read in full before the interrupt landed still counts.
            Thread.interrupted();
            if (!(call instanceof Call.Answered)) {
                call = new Call.TimedOut(false);
            }
        }
        return call;
    }

    /// Sends `request`. The body is kept only when `readBody` and the status is 2xx.
    private Call exchange(Http1ClientRequest request, boolean readBody) throws IOException {
        try (HttpClientResponse response = request.request()) {
            int status = response.status().code();
            if (!readBody || status < 200 || status >= 300) {
                discard(response);
                return new Call.Answered(status, Call.NO_BODY);
            }
            OptionalLong contentLength = response.headers().contentLength();
            if (contentLength.orElse(0) > Call.MAX_BODY_BYTES) {
                // Closing an unread response closes its connection.
                return new Call.BodyTooLarge();
            }
            // Read to its length, not with readNBytes(Call.MAX_BODY_BYTES + 1): that takes a 16 KiB
            // scratch array, and Helidon another per read, for a body of a few dozen bytes (at
            // thousands of calls a second, 4 times the gateway's garbage).
            try (InputStream in = response.inputStream()) {
                if (contentLength.isPresent()) {
                    return new Call.Answered(status, in.readNBytes((int) contentLength.getAsLong()));
                }
                byte[] body = readUpToLimit(in);
                return body == null ? new Call.BodyTooLarge() : new Call.Answered(status, body);
            }
        }
    }

    /// Reads a small body nobody needs to its end, so that the connection can be reused. Helidon
    /// would skip it only if it had all arrived with the head, and otherwise close the connection;
    /// a larger or chunked one is left to it (not worth reading for a connection).
    private static void discard(HttpClientResponse response) throws IOException {
        long length = response.headers().contentLength().orElse(Long.MAX_VALUE);
        if (length > 0 && length <= Call.DISCARD_BYTES) {
            try (InputStream in = response.inputStream()) {
                in.readNBytes((int) length);
            }
        }
    }

    /// A body without a `Content-Length` (chunked), or null once it exceeds [Call#MAX_BODY_BYTES].
    private static byte[] readUpToLimit(InputStream in) throws IOException {
        var body = new ByteArrayOutputStream(256);
        byte[] buffer = new byte[1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
            body.write(buffer, 0, n);
            if (body.size() > Call.MAX_BODY_BYTES) {
                return null;
            }
        }
        return body.toByteArray();
    }

    /// Whether the JVM's proxy settings (`http.proxyHost`, `http.nonProxyHosts`, …) send calls to
    /// `baseUri` directly.
    private static boolean direct(URI baseUri) {
        ProxySelector selector = ProxySelector.getDefault();
        return selector == null || selector.select(baseUri).stream().allMatch(p -> p.type() == java.net.Proxy.Type.DIRECT);
    }

    /// `uri` as Helidon's URI, its path and query kept exactly as encoded: `ClientUri.create(URI)`
    /// would take the decoded path, turning an encoded `/` in a value back into a separator.
    private static ClientUri clientUri(URI uri) {
        return ClientUri.create(UriInfo.builder()
                .scheme(uri.getScheme())
                .host(uri.getHost())
                .port(port(uri))
                .path(UriPath.create(uri.getRawPath()))
                .query(uri.getRawQuery() == null ? UriQuery.empty() : UriQuery.create(uri.getRawQuery()))
                .build());
    }

    private static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static Call classify(Exception e) {
        Throwable cause = e;
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                cause = t;
                break;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException timeout) {
                return new Call.TimedOut(connecting(timeout));
            }
        }
        return new Call.ConnectionFailed(NetworkFailure.describe(cause));
    }

    /// Whether a time-out was thrown by `Socket.connect` (connect-timeout) rather than a read.
    private static boolean connecting(SocketTimeoutException e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().equals("java.net.Socket") && frame.getMethodName().equals("connect")) {
                return true;
            }
        }
        return false;
    }

    /// The overall deadline of one call: when it fires first, it interrupts the calling thread,
    /// whose blocked socket operation then fails (and its connection is closed).
    private static final class Deadline implements Runnable {
        private final Thread caller;
        private boolean finished;
        private boolean fired;

        Deadline(Thread caller) {
            this.caller = caller;
        }

        @Override
        public synchronized void run() {
            if (!finished) {
                fired = true;
                finished = true;
                caller.interrupt();
            }
        }

        /// Ends the race with the timer; true when the deadline fired (its interrupt is delivered).
        synchronized boolean finish() {
            finished = true;
            return fired;
        }
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

    /// The request target of `path` for `value`: the base URI's path, then `path` with every
    /// `{value}` replaced by the encoded value; ASCII (other characters of `path` percent-encoded
    /// as UTF-8). Each distinct path is checked once.
    ///
    /// @throws IllegalArgumentException when the path does not start with `/`, is not URI text or
    ///         would leave the upstream's host
    private String target(String path, String value) {
        String template = targets.get(path);
        if (template == null) {
            template = checkedTemplate(path);
            if (targets.size() < MAX_TARGETS) {
                targets.putIfAbsent(path, template);
            }
        }
        return template.replace(VALUE, encodeSegment(value));
    }

    private String checkedTemplate(String path) {
        if (!path.startsWith("/")) {
            // "@evil.example/x" appended to "http://crm" would change the host.
            throw new IllegalArgumentException("x-lookup path must start with '/', was '" + path + "'");
        }
        // An encoded value is letters, digits, "-_.*" and %XX: it cannot change how the rest of
        // the URI parses, so one stand-in value checks the path for every value.
        URI uri = URI.create(settings.baseUri() + path.replace(VALUE, "x"));
        if (!settings.baseUri().getRawAuthority().equals(uri.getRawAuthority())) {
            throw new IllegalArgumentException("x-lookup path '" + path + "' leaves upstream '" + settings.name() + "'");
        }
        // A fragment is never sent (the URI class took it off the path before, too).
        String template = settings.baseUri().getRawPath() + (path.indexOf('#') < 0 ? path : path.substring(0, path.indexOf('#')));
        var ascii = new StringBuilder(template.length());
        for (byte b : template.getBytes(StandardCharsets.UTF_8)) {
            if (b > 0x20 && b < 0x7F) {
                ascii.append((char) b);
            } else {
                ascii.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return ascii.toString();
    }

    /// `value` as one path segment: every character but letters, digits and `-_.*` is
    /// percent-encoded (`/`, `?`, `#`, `%` and spaces included), and the segments `.` and `..` are
    /// encoded too, so a value can neither leave its segment nor walk up the path.
    static String encodeSegment(String value) {
        return switch (value) {
            case "." -> "%2E";
            case ".." -> "%2E%2E";
            default -> URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        };
    }

    /// Stops the flights (their waiters get an `IllegalStateException`) and the HTTP client.
    @Override
    public void close() {
        closed = true;
        flights.values().forEach(Flight::cancel);
        deadlines.shutdownNow();
        if (pool != null) {
            pool.close();
        }
        client.closeResource();
    }

    /// The pool of plain-HTTP connections; null when Helidon's cache serves this upstream.
    ConnectionPool connectionPool() {
        return pool;
    }

    /// Flights under way (tests check that abandoned ones are gone).
    int flightCount() {
        return flights.size();
    }
}
