package dev.fanout.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.DataWriter;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.common.socket.PeerInfo;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerContext;
import io.helidon.webserver.ProxyProtocolData;
import io.helidon.webserver.Router;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;

/// The gateway's one connection selector: HTTP/1.1 as Helidon serves it, and HTTP/1.0 — ApacheBench,
/// `curl -0`, nginx's default `proxy_http_version`, HAProxy's default health check — which
/// Helidon 4.5 drops without a word (its HTTP/1.1 selector refuses any request line that does not
/// end in `HTTP/1.1`).
///
/// Installed as the listener's only selector (`connectionSelectors`, protocol discovery off), so
/// that Helidon hands it every new connection at once rather than first reading to identify the
/// protocol: a connection that sends nothing is then already one Helidon's idle time-out can
/// close. Its connection reads up to the end of the first request line and runs Helidon's own
/// HTTP/1.1 connection either on the socket as it is, or, for a line that ends in ` HTTP/1.0`,
/// through a connection context that rewrites the request's head (`Http10Request`: version,
/// `Host`, `Connection: close`) and the response (`Http10Response`: no chunked encoding, the body
/// ends with the connection). So every route, filter and limit is the same for both versions; an
/// HTTP/1.0 connection carries one request.
///
/// Either way Helidon reads the socket through [SocketReads]: its own 8 KiB reads, and reads of
/// up to 64 KiB while a body streams in (an eighth of the `read` calls for a large upload).
///
/// It knows the listener's open connections, so that a draining gateway can close the idle ones
/// (`closeIdle`) while the busy ones finish; and once draining, a stopping server's close leaves a
/// connection that waits for a request open to take it (see `startDraining`).
final class Http1Connections implements ServerConnectionSelector {
    private final Http1ConnectionSelector http11;
    private final int maxPrologueBytes;
    private final int maxHeadBytes;
    private final RequestHeadDeadline heads;
    private final Set<VersionedConnection> open = ConcurrentHashMap.newKeySet();
    private final Semaphore wideReads = new Semaphore(SocketReads.MAX_WIDE_WAITING);
    /// From this many open connections on, idle ones are closed ([#relieveIfCrowded]), down to
    /// `relieved`.
    private final int crowded;
    private final int relieved;
    private volatile boolean draining;

    /// How long a connection must have waited for its next request to be closed to make room:
    /// as long as a draining gateway waits, past the 2 s for which nginx keeps its idle upstream
    /// connections (src/deploy/nginx), so that nginx never sends a request on a connection as it
    /// is closed. Helidon's idle time moves by whole seconds (its clock ticks once a second): a
    /// connection counted 5 s idle has waited at least 4.
    private static final Duration RELIEF_MIN_IDLE = Duration.ofSeconds(5);

    /// `heads`: the listener's request-head deadline, which also times the HTTP/1.0 heads that
    /// this selector gathers before Helidon's listener calls can. `maxConnections`: the
    /// listener's `max-tcp-connections`, past seven eighths of which idle connections are closed
    /// to make room.
    Http1Connections(Http1Config http1, RequestHeadDeadline heads, int maxConnections) {
        this.heads = heads;
        this.crowded = maxConnections - maxConnections / 8;
        this.relieved = maxConnections - maxConnections / 4;
        this.http11 = Http1ConnectionSelector.builder().config(http1).build();
        this.maxPrologueBytes = http1.maxPrologueLength();
        this.maxHeadBytes = http1.maxPrologueLength() + http1.maxHeadersSize();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData request) {
        // The only selector: Helidon does not ask, it takes it.
        return Support.SUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        return Set.of("http/1.1");
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new VersionedConnection(ctx);
    }

    /// When seven eighths of `max-tcp-connections` or more are open, closes those that have waited
    /// longest for their next request (5 s at least), until three quarters are open, so that new
    /// ones find room, as nginx closes its kept-alive connections when it runs short of them. At
    /// the limit Helidon stops accepting until a connection ends, and a client that keeps a
    /// thousand connections idle would otherwise keep everyone else out until the idle time-out
    /// (60 s). Not while draining, which closes idle connections its own way. Called every
    /// quarter second by [ConnectionRelief].
    ///
    /// @return how many were closed
    int relieveIfCrowded() {
        int count = open.size();
        return count < crowded || draining ? 0 : closeIdle(RELIEF_MIN_IDLE, count - relieved);
    }

    private record IdleConnection(VersionedConnection connection, Duration idleTime) {
    }

    /// Closes every connection that is waiting for a request and has waited at least `minIdle`;
    /// a connection busy with a request is left to finish it.
    ///
    /// A client may send its next request at the very moment its connection is closed, and then
    /// sees the connection end without an answer (the race of every keep-alive close): waiting
    /// `minIdle` first leaves alone the connections a client is most likely to reuse now.
    ///
    /// @return how many were closed
    int closeIdle(Duration minIdle) {
        return closeIdle(minIdle, Integer.MAX_VALUE);
    }

    /// As [#closeIdle(Duration)], but at most `max` connections, those idle longest first.
    private int closeIdle(Duration minIdle, int max) {
        // Each idle time read once: they move while the list is sorted.
        List<IdleConnection> idle = new ArrayList<>();
        for (VersionedConnection connection : open) {
            Duration idleTime = connection.idleTime();
            if (connection.waitingForRequest() && idleTime.compareTo(minIdle) >= 0) {
                idle.add(new IdleConnection(connection, idleTime));
            }
        }
        idle.sort(Comparator.comparing(IdleConnection::idleTime).reversed());
        List<IdleConnection> closing = idle.subList(0, Math.min(idle.size(), max));
        for (IdleConnection candidate : closing) {
            // Not interrupting: Helidon's connection interrupts its thread only while that
            // thread waits for a request line, so a request that has just begun is answered.
            candidate.connection().closeNow(false);
        }
        return closing.size();
    }

    /// From now on, a connection waiting for a request is not closed when the server stops
    /// (Helidon's `close(false)`), only when the listener's shutdown grace period is over
    /// (`close(true)`). Stopping closes the listening socket first; a balancer that sent a request
    /// on a kept-alive connection a moment before gets it answered (`503` while draining) instead
    /// of having it killed unread — nginx cannot send a streamed body again and would answer
    /// `502`. By the end of the grace period its next attempt to connect has been refused, so it
    /// sends the instance nothing more.
    void startDraining() {
        draining = true;
    }

    /// Connections open now.
    int openConnections() {
        return open.size();
    }

    /// A connection whose HTTP version is not known until its first line is in: until then it
    /// counts as idle since it was opened, and closing it interrupts the read.
    private final class VersionedConnection implements ServerConnection {
        private final ConnectionContext ctx;
        private final long openedNanos = System.nanoTime();
        private volatile Thread reading;
        private volatile ServerConnection http;
        private volatile boolean closed;

        VersionedConnection(ConnectionContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void handle(Limit limit) throws InterruptedException {
            open.add(this);
            SocketReads reads = null;
            try {
                reading = Thread.currentThread();
                boolean http10;
                try {
                    if (closed) {
                        return;
                    }
                    http10 = firstLineIsHttp10(ctx.dataReader());
                } finally {
                    reading = null;
                }
                // Helidon's reader holds the first line: the wider reads start with it.
                reads = new SocketReads(ctx.dataReader(), ctx.serverSocket(), wideReads);
                DataReader reader = DataReader.create(reads);
                ServerConnection connection = http11.connection(http10
                        ? RewiredContext.http10(ctx, reader, maxHeadBytes, heads)
                        : new RewiredContext(ctx, reader, ctx.dataWriter()));
                http = connection;
                if (closed) {
                    return;
                }
                connection.handle(limit);
            } finally {
                open.remove(this);
                heads.connectionEnded();
                if (reads != null) {
                    // Every read of the connection has ended: its requests' work ends before
                    // Helidon's handling returns.
                    reads.connectionEnded();
                }
            }
        }

        /// Whether the connection waits for a request (its first, or its next one).
        boolean waitingForRequest() {
            ServerConnection connection = http;
            if (connection == null) {
                return reading != null;
            }
            return connection instanceof InterruptableTask<?> task && task.canInterrupt();
        }

        /// Reads (without consuming) up to the end of the first line, or `maxPrologueBytes`.
        private boolean firstLineIsHttp10(DataReader reader) {
            while (true) {
                try {
                    reader.ensureAvailable();
                } catch (DataReader.InsufficientDataAvailableException e) {
                    // Opened and closed without a request: as Helidon ends such a connection.
                    throw new CloseConnectionException("No data available", e);
                }
                BufferData first = reader.getBuffer(reader.available());
                int lf = first.indexOf(Bytes.LF_BYTE);
                if (lf >= 0) {
                    return first.readString(lf, StandardCharsets.ISO_8859_1).endsWith(" HTTP/1.0\r");
                }
                if (reader.available() > maxPrologueBytes) {
                    // Helidon refuses it as too long.
                    return false;
                }
                try {
                    reader.pullData();
                } catch (DataReader.InsufficientDataAvailableException e) {
                    throw new CloseConnectionException("The connection ended within the first line", e);
                }
            }
        }

        @Override
        public Duration idleTime() {
            ServerConnection connection = http;
            return connection != null ? connection.idleTime() : Duration.ofNanos(System.nanoTime() - openedNanos);
        }

        @Override
        public void close(boolean interrupt) {
            if (!interrupt && draining && waitingForRequest()) {
                return;
            }
            closeNow(interrupt);
        }

        void closeNow(boolean interrupt) {
            closed = true;
            ServerConnection connection = http;
            if (connection != null) {
                connection.close(interrupt);
                return;
            }
            Thread thread = reading;
            if (thread != null) {
                // Waiting for a first line: nothing to finish.
                thread.interrupt();
            }
        }
    }

    /// The connection as Helidon's HTTP/1.1 code sees it: the same socket, read through
    /// [SocketReads] and, for HTTP/1.0, read and written through the rewriting.
    private static final class RewiredContext implements ConnectionContext {
        private final ConnectionContext delegate;
        private final DataReader reader;
        private final DataWriter writer;

        RewiredContext(ConnectionContext delegate, DataReader reader, DataWriter writer) {
            this.delegate = delegate;
            this.reader = reader;
            this.writer = writer;
        }

        static RewiredContext http10(ConnectionContext delegate, DataReader socketReader, int maxHeadBytes,
                RequestHeadDeadline heads) {
            var head = new Http10Request(maxHeadBytes, hostOf(delegate.localPeer()));
            return new RewiredContext(delegate,
                    DataReader.create(new RewritingSource(socketReader, head, () -> heads.headStarted(delegate), heads::headRead)),
                    new Http10Writer(delegate.dataWriter(), new Http10Response()));
        }

        private static String hostOf(PeerInfo local) {
            if (local.address() instanceof InetSocketAddress address && address.getAddress() != null) {
                String host = address.getAddress().getHostAddress();
                return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
            }
            return local.host() + ":" + local.port();
        }

        @Override
        public ListenerContext listenerContext() {
            return delegate.listenerContext();
        }

        @Override
        public ExecutorService executor() {
            return delegate.executor();
        }

        @Override
        public DataWriter dataWriter() {
            return writer;
        }

        @Override
        public DataReader dataReader() {
            return reader;
        }

        @Override
        public Router router() {
            return delegate.router();
        }

        @Override
        public Optional<ProxyProtocolData> proxyProtocolData() {
            return delegate.proxyProtocolData();
        }

        @Override
        public HelidonSocket serverSocket() {
            return delegate.serverSocket();
        }

        @Override
        public PeerInfo remotePeer() {
            return delegate.remotePeer();
        }

        @Override
        public PeerInfo localPeer() {
            return delegate.localPeer();
        }

        @Override
        public boolean isSecure() {
            return delegate.isSecure();
        }

        @Override
        public String socketId() {
            return delegate.socketId();
        }

        @Override
        public String childSocketId() {
            return delegate.childSocketId();
        }
    }

    /// The connection's bytes, the request's head rewritten: it is gathered whole first, then
    /// handed on in one piece; the rest passes as it comes. The gathering is timed as a head
    /// (`headStarted`, then `headRead` however it ends): the head deadline that Helidon's listener
    /// calls arm starts only once Helidon has the head, too late for a client that dribbles it.
    private static final class RewritingSource implements Supplier<byte[]> {
        private final DataReader raw;
        private final Http10Request request;
        private final Runnable headStarted;
        private final Runnable headRead;
        private boolean headDone;

        RewritingSource(DataReader raw, Http10Request request, Runnable headStarted, Runnable headRead) {
            this.raw = raw;
            this.request = request;
            this.headStarted = headStarted;
            this.headRead = headRead;
        }

        @Override
        public byte[] get() {
            if (headDone) {
                return next();
            }
            headStarted.run();
            try {
                while (!request.complete()) {
                    byte[] bytes = next();
                    if (bytes == null) {
                        return null;
                    }
                    request.add(bytes);
                }
            } finally {
                headRead.run();
            }
            headDone = true;
            return request.rewritten();
        }

        /// What the socket has, or `null` at its end (the contract of `DataReader`'s source).
        private byte[] next() {
            try {
                raw.ensureAvailable();
            } catch (DataReader.InsufficientDataAvailableException e) {
                return null;
            }
            return raw.readBytes(raw.available());
        }
    }

    /// Helidon's response writes, translated by `Http10Response` on their way to the socket.
    private static final class Http10Writer implements DataWriter {
        private final DataWriter socket;
        private final Http10Response response;

        Http10Writer(DataWriter socket, Http10Response response) {
            this.socket = socket;
            this.response = response;
        }

        @Override
        public void write(BufferData... buffers) {
            for (BufferData buffer : buffers) {
                write(buffer);
            }
        }

        @Override
        public void write(BufferData buffer) {
            byte[] bytes = response.translate(buffer.readBytes());
            if (bytes.length > 0) {
                socket.write(BufferData.create(bytes));
            }
        }

        @Override
        public void writeNow(BufferData... buffers) {
            for (BufferData buffer : buffers) {
                writeNow(buffer);
            }
        }

        @Override
        public void writeNow(BufferData buffer) {
            byte[] bytes = response.translate(buffer.readBytes());
            if (bytes.length > 0) {
                socket.writeNow(BufferData.create(bytes));
            }
        }

        @Override
        public void flush() {
            socket.flush();
        }
    }
}
