package dev.fanout.upstream;

import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/// The keep-alive connections to one upstream, handed to Helidon's HTTP/1.1 client one call at a
/// time and reused newest first.
///
/// Not Helidon's own connection cache: it watches every idle connection with a virtual thread
/// that reads its socket in 101 ms slices, and gives the connection up once idle for the read
/// time-out. Measured with 1,000 pooled connections after a burst of lookups: the gateway then
/// spent 1.6 s of CPU in the next 1.5 s doing nothing, and each call paid a thread start and two
/// more parks (about 10 % of its CPU). This pool does not watch: a connection idle for more than
/// [#MAX_IDLE] is closed rather than reused, and a sweep every [#MAX_IDLE] closes those left
/// over, so an upstream's keep-alive time-out (usually 5 s or more) never closes one under us
/// while it is in use, and no idle socket lingers. A connection the upstream closed within its
/// first second of idleness is found out by the call that uses it: a connection error, retried
/// like any other. Thread-safe.
final class ConnectionPool implements AutoCloseable {
    static final Duration MAX_IDLE = Duration.ofSeconds(1);
    private static final long MAX_IDLE_NANOS = MAX_IDLE.toNanos();
    private static final List<String> PROTOCOLS = List.of("http/1.1");

    private final WebClient webClient;
    private final ConnectionKey key;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock: idle connections, the newest last.
    private final ArrayDeque<Idle> idle = new ArrayDeque<>();
    private boolean closed;

    private record Idle(TcpClientConnection connection, long sinceNanos) {
    }

    /// Connections to `key` with the socket settings (connect time-out, TLS) of `webClient`.
    ConnectionPool(WebClient webClient, ConnectionKey key) {
        this.webClient = webClient;
        this.key = key;
    }

    /// The newest idle connection, or a new one. Helidon gives it back when its response has
    /// been read to the end (see [#release(TcpClientConnection)]) and closes it otherwise.
    ///
    /// @throws java.io.UncheckedIOException when a new connection cannot be made
    /// @throws IllegalStateException when the pool is closed
    TcpClientConnection take() {
        long now = System.nanoTime();
        List<Idle> stale = List.of();
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("connection pool is closed");
            }
            Idle newest = idle.pollLast();
            if (newest != null && now - newest.sinceNanos() < MAX_IDLE_NANOS && newest.connection().isConnected()) {
                return newest.connection();
            }
            if (newest != null) {
                // The newest is too old or gone, so is every older one.
                stale = new ArrayList<>(idle);
                stale.add(newest);
                idle.clear();
            }
        } finally {
            lock.unlock();
        }
        stale.forEach(s -> s.connection().closeResource());
        return TcpClientConnection.create(webClient, key, PROTOCOLS, this::release, connection -> {
        }).connect();
    }

    /// Keeps a connection whose response was read in full; false (Helidon then closes it) once
    /// the pool is closed.
    private boolean release(TcpClientConnection connection) {
        lock.lock();
        try {
            if (closed) {
                return false;
            }
            idle.addLast(new Idle(connection, System.nanoTime()));
            return true;
        } finally {
            lock.unlock();
        }
    }

    /// Closes the connections idle for more than [#MAX_IDLE].
    void sweep() {
        long now = System.nanoTime();
        List<Idle> stale = new ArrayList<>();
        lock.lock();
        try {
            while (!idle.isEmpty() && now - idle.peekFirst().sinceNanos() >= MAX_IDLE_NANOS) {
                stale.add(idle.pollFirst());
            }
        } finally {
            lock.unlock();
        }
        stale.forEach(s -> s.connection().closeResource());
    }

    /// Idle connections right now (tests check that they are swept).
    int idleCount() {
        lock.lock();
        try {
            return idle.size();
        } finally {
            lock.unlock();
        }
    }

    /// Closes the idle connections; those in use are closed when their calls end.
    @Override
    public void close() {
        List<Idle> all;
        lock.lock();
        try {
            closed = true;
            all = new ArrayList<>(idle);
            idle.clear();
        } finally {
            lock.unlock();
        }
        all.forEach(s -> s.connection().closeResource());
    }
}
