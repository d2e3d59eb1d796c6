package dev.fanout.upstream;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.URI;

/// How one upstream's GETs reach it: [DirectTransport], our own HTTP/1.1 client on pooled
/// keep-alive connections (plain HTTP or HTTPS without a proxy, the usual case), or
/// [HelidonTransport], Helidon's client (proxied upstreams: proxy tunnels are its business). Either
/// ends each call within the upstream's `timeout`, body included, follows no redirect and never
/// resends a request itself, and says what happened as a [Call] rather than an exception; retries,
/// the circuit breaker and the answers are `Upstream`'s. Thread-safe.
sealed interface UpstreamTransport extends AutoCloseable permits DirectTransport, HelidonTransport {

    /// The transport for `settings`: our own when the JVM's proxy settings send calls to the base
    /// URI directly, else Helidon's.
    static UpstreamTransport create(UpstreamSettings settings) {
        return direct(settings.baseUri()) ? new DirectTransport(settings) : new HelidonTransport(settings, false);
    }

    /// One GET of `target` (the raw path and query, ASCII), begun at `startNanos`
    /// (`System.nanoTime()`); `readBody`: the lookup enriches, so a 2xx body is needed. An
    /// interrupt of the calling thread ends the call (the caller checks for it after).
    Call send(String target, boolean readBody, long startNanos);

    /// Closes the connections and stops the transport's timer thread.
    @Override
    void close();

    /// How long a connect may take: `connect-timeout`, but never past the call's `timeout`.
    static long connectMillis(UpstreamSettings settings) {
        return Math.max(1, Math.min(Integer.MAX_VALUE,
                Math.min(settings.connectTimeout().toMillis(), settings.timeout().toMillis())));
    }

    /// Whether the JVM's proxy settings (`http.proxyHost`, `http.nonProxyHosts`, …) send calls to
    /// `baseUri` directly.
    private static boolean direct(URI baseUri) {
        ProxySelector selector = ProxySelector.getDefault();
        return selector == null || selector.select(baseUri).stream().allMatch(p -> p.type() == java.net.Proxy.Type.DIRECT);
    }

    static int port(URI uri) {
        return uri.getPort() != -1 ? uri.getPort() : "https".equals(uri.getScheme()) ? 443 : 80;
    }

    /// A failed call as a [Call]: a time-out (of the connect or of a read), or a connection failure.
    static Call classify(Exception e) {
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

    /// Whether a time-out was thrown by `Socket.connect` or a TLS handshake (connect-timeout)
    /// rather than a call's read.
    private static boolean connecting(SocketTimeoutException e) {
        if (e instanceof UpstreamConnection.HandshakeTimeoutException) {
            return true;
        }
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().equals("java.net.Socket") && frame.getMethodName().equals("connect")) {
                return true;
            }
        }
        return false;
    }
}
