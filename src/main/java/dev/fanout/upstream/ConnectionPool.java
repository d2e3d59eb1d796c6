package dev.fanout.upstream;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.function.LongSupplier;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/// The keep-alive connections to one upstream (plain or TLS), lent to one call at a time and reused
/// newest first.
///
/// Nothing watches an idle connection (Helidon's connection cache did, with a virtual thread
/// reading each idle socket in 101 ms slices: with 1,000 pooled connections after a burst of
/// lookups, the gateway spent 1.6 s of CPU in the next 1.5 s doing nothing). Instead a
/// connection idle for more than [#MAX_IDLE] is closed rather than reused, and a sweep every
/// [#MAX_IDLE] closes those left over, so an upstream's keep-alive time-out (usually 5 s or more)
/// never closes one under us while it is in use, and no idle socket lingers. A connection the
/// upstream closed within its first second of idleness is found out by the call that uses it (a
/// `Call.StaleConnection`, retried at once), and the others idle then are closed with it.
///
/// Its connections' reads have no time-out (see [UpstreamConnection]): [#expireOverdue()], called
/// every few milliseconds by the upstream, closes those whose call is past its deadline.
/// Thread-safe.
final class ConnectionPool implements AutoCloseable {
    static final Duration MAX_IDLE = Duration.ofSeconds(1);
    private static final long MAX_IDLE_NANOS = MAX_IDLE.toNanos();

    private final String host;
    private final int port;
    private final int connectTimeoutMillis;
    // Idle connections, the newest last. Lock-free: with a thousand calls in flight, a lock
    // around it was contended on every take and release, and contended, a lock parks threads.
    private final ConcurrentLinkedDeque<UpstreamConnection> idle = new ConcurrentLinkedDeque<>();
    // Every connection not yet closed, idle or in a call: what expireOverdue() looks at.
    private final Set<UpstreamConnection> open = ConcurrentHashMap.newKeySet();
    // What idleness is measured with: System.nanoTime, or a test's clock that it advances
    // instead of waiting out MAX_IDLE.
    private final LongSupplier nanoClock;
    private final @Nullable SSLSocketFactory tls;
    private volatile boolean closed;

    /// Connections to `host:port` (a name, resolved for each new connection, or an IP literal,
    /// IPv6 in brackets or not), each made within `connectTimeoutMillis`.
    ConnectionPool(String host, int port, int connectTimeoutMillis) {
        this(host, port, connectTimeoutMillis, System::nanoTime);
    }

    /// As above, with idleness measured by `nanoClock` (nanoseconds, like `System.nanoTime`).
    /// Call deadlines ([#expireOverdue()]) stay on `System.nanoTime`, as the calls set them.
    ConnectionPool(String host, int port, int connectTimeoutMillis, LongSupplier nanoClock) {
        this(host, port, connectTimeoutMillis, nanoClock, null);
    }

    /// As above; with `tls`, each connection over TLS, the upstream's certificate checked for `host`.
    ConnectionPool(String host, int port, int connectTimeoutMillis, LongSupplier nanoClock, @Nullable SSLSocketFactory tls) {
        this.host = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        this.port = port;
        this.connectTimeoutMillis = connectTimeoutMillis;
        this.nanoClock = nanoClock;
        this.tls = tls;
    }

    /// The newest idle connection, or a new one. Give it back with [#release] after a call that
    /// left it [reusable][UpstreamConnection#reusable()]; close it otherwise.
    ///
    /// @throws java.net.SocketTimeoutException when a new connection is not made within the
    ///         connect time-out (thrown by `Socket.connect`)
    /// @throws IOException when a new connection cannot be made
    /// @throws IllegalStateException when the pool is closed
    UpstreamConnection take() throws IOException {
        return take(Long.MAX_VALUE);
    }

    /// As [#take()], a new connection's TLS handshake ended by `callDeadlineNanos` (on the
    /// `System.nanoTime()` clock) if that comes before the connect time-out does.
    UpstreamConnection take(long callDeadlineNanos) throws IOException {
        if (closed) {
            throw new IllegalStateException("connection pool is closed");
        }
        long now = nanoClock.getAsLong();
        UpstreamConnection newest;
        while ((newest = idle.pollLast()) != null) {
            if (now - newest.idleSinceNanos() < MAX_IDLE_NANOS && newest.isOpen()) {
                return newest;
            }
            // Too old or closed: closed for good, and the next older one is tried.
            newest.close();
        }
        UpstreamConnection connection = UpstreamConnection.open(new InetSocketAddress(host, port), connectTimeoutMillis,
                open::remove, tls, host, callDeadlineNanos);
        open.add(connection);
        return connection;
    }

    /// Closes every connection whose call is past its deadline (that call throws a
    /// `SocketTimeoutException`).
    void expireOverdue() {
        long now = System.nanoTime();
        for (UpstreamConnection connection : open) {
            connection.expireIfOverdue(now);
        }
    }

    /// Keeps a connection whose last call left it reusable (closes it once the pool is closed).
    void release(UpstreamConnection connection) {
        connection.idleSince(nanoClock.getAsLong());
        idle.addLast(connection);
        if (closed) {
            // close() may have emptied the deque before this one went in.
            drain();
        }
    }

    /// Closes every idle connection: one was found closed by the upstream, and the others most
    /// likely were too.
    void closeIdle() {
        drain();
    }

    /// Closes the connections idle for more than [#MAX_IDLE].
    void sweep() {
        long now = nanoClock.getAsLong();
        UpstreamConnection oldest;
        while ((oldest = idle.peekFirst()) != null && now - oldest.idleSinceNanos() >= MAX_IDLE_NANOS) {
            if (idle.removeFirstOccurrence(oldest)) {
                oldest.close();
            }
        }
    }

    /// Idle connections right now (tests check that they are swept).
    int idleCount() {
        return idle.size();
    }

    /// Closes the idle connections; those in use are closed when their calls end.
    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        UpstreamConnection connection;
        while ((connection = idle.pollFirst()) != null) {
            connection.close();
        }
    }
}
