package dev.fanout.server;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Headers;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/// Closes the connection a request came on, from any thread: the way to unblock whichever thread
/// is stuck in a blocking socket write on it, including Helidon's own request thread (which is not
/// ours to interrupt), and the way to honour `Connection: close`.
///
/// Helidon 4.5 gives a handler no handle on its connection: `ServerRequest` keeps its
/// `ConnectionContext` private. But an HTTP/1 receive listener is called with that context on the
/// connection's own thread once the request's headers are read, just before the request is routed,
/// and the handler then runs on that same thread. So the listener keeps the context in a
/// thread-local, and `of(request)`, called by the handler, picks it up (checking that it is the
/// request's own connection). Closing is `ConnectionContext.serverSocket().close()`: Helidon's
/// socket shuts its output down and closes, which fails a write blocked on it at once.
///
/// Its `headers` must be called by the HTTP/1 receive listener (`FanoutServer` installs one that
/// calls it), and `closeWhenAsked` installed as a routing filter. Thread-safe.
final class ConnectionCloser implements Http1ConnectionListener {
    @SuppressWarnings("ThreadLocalUsage") // one closer per server: per instance on purpose, so two servers in one JVM (tests) keep apart
    private final ThreadLocal<ConnectionContext> current = new ThreadLocal<>();
    @SuppressWarnings("ThreadLocalUsage") // as `current`
    private final ThreadLocal<AfterResponse> afterResponses = new ThreadLocal<>();
    private final UploadReadDeadline reads;
    private final long maxRestBytes;

    /// `reads`: how long the read-through of a body after its answer waits for the client's next
    /// bytes (the upload read deadline), before it closes the connection. `maxRestBytes`: how much
    /// of a refused request's body is read through (the largest upload the gateway takes); past
    /// that the connection is closed instead.
    ConnectionCloser(UploadReadDeadline reads, long maxRestBytes) {
        this.reads = reads;
        this.maxRestBytes = maxRestBytes;
    }

    @Override
    public void headers(ConnectionContext connection, Headers headers) {
        current.set(connection);
    }

    /// The action that closes `request`'s connection, which may run on any thread; empty when the
    /// connection is not known (a protocol other than HTTP/1, or not called on the request's
    /// thread).
    Optional<Runnable> of(ServerRequest request) {
        ConnectionContext connection = current.get();
        if (connection == null || !connection.childSocketId().equals(request.socketId())
                || !connection.socketId().equals(request.serverSocketId())) {
            return Optional.empty();
        }
        return Optional.of(closing(connection));
    }

    /// Closes `connection` on its first run, from any thread; later runs do nothing. More than one
    /// party may close the same connection (a cut answer's sender, the request's handler, the write
    /// deadline), and Helidon's socket throws when asked to close again.
    private static Runnable closing(ConnectionContext connection) {
        var closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    connection.serverSocket().close();
                } catch (UncheckedIOException e) {
                    // Gone already (the client closed or reset it first): nothing is left to close.
                }
            }
        };
    }

    /// The two ends of a TCP connection.
    record Ends(InetSocketAddress server, InetSocketAddress client) {
    }

    /// The ends of `request`'s connection, when known (as for `of`, on the request's thread).
    Optional<Ends> ends(ServerRequest request) {
        ConnectionContext connection = current.get();
        if (connection == null || !connection.childSocketId().equals(request.socketId())
                || !(connection.localPeer().address() instanceof InetSocketAddress local)
                || !(connection.remotePeer().address() instanceof InetSocketAddress remote)
                || local.getAddress() == null || remote.getAddress() == null) {
            return Optional.empty();
        }
        return Optional.of(new Ends(local, remote));
    }

    /// A routing filter: closes the connection right after the response when the request or the
    /// response says `Connection: close`. Helidon 4.5 sends `Connection: close` back and then
    /// waits for another request on the connection (helidon-io/helidon#12324, fixed after 4.5.3),
    /// so a client that reads to the end of the stream would hang until a time-out.
    ///
    /// The close runs when the response is sent: in Helidon 4.5 as it commits the response, on the
    /// request's thread, once the handler (or the error handler) is done, a streamed answer's
    /// sender thread having ended before. A request body still unread (a `503` answered before
    /// reading it) is read and dropped first, up to `LINGER_BYTES` and `LINGER_TIME`: closing a
    /// socket with unread bytes makes the kernel reset the connection, and a reset can destroy the
    /// answer before the client has read it — nginx then reports `502` for a request we did
    /// answer. A larger or slower rest is cut as before (a body the handler already began to read
    /// is read on for the time limit only). On a connection that is kept, the rest of the body is
    /// read through after the handler instead (`readRestThrough`).
    void closeWhenAsked(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        boolean asked = asksToClose(req.headers());
        Optional<Runnable> close = of(req);
        var after = new AfterResponse();
        close.ifPresent(action -> res.whenSent(() -> {
            if (asked || after.close || asksToClose(res.headers())) {
                dropUnreadBody(req, after.unreadBody, action);
                action.run();
            }
        }));
        afterResponses.set(after);
        try {
            chain.proceed();
        } finally {
            afterResponses.remove();
        }
        if (close.isPresent() && !asked && !after.close && res.isSent() && !asksToClose(res.headers())
                && !readRestThrough(req, after.upload, close.get())) {
            // Closed: Helidon must not read on from its buffer either (it would take what
            // follows the broken framing for a next request).
            throw new CloseConnectionException("the request body's framing broke after the answer");
        }
    }

    /// After the answer, on a connection that is kept: reads what is left of the request body
    /// through and drops it, as Helidon would after the handler, but so that a body whose framing
    /// breaks on the way ends the connection. Helidon's own reader, once a chunk size is wrong,
    /// takes the next line for a size and waits for that many bytes, and would take the client's
    /// next request for them. An upload goes through its own `UploadStream`; any other body (a
    /// request refused before its upload was opened: a bad parameter, a `415`, no route) through
    /// one made here, which reads at most `maxRestBytes`. Either way a rest over its limit, or a read
    /// that waits longer than the upload read deadline, closes the connection (a client that
    /// stalls there, or sends a chunked body without end, would hold it, and its thread, for ever). It runs
    /// after the handler, so a validation's admission place is already given back however long
    /// the rest takes.
    ///
    /// Returns false when the connection was closed.
    private boolean readRestThrough(RoutingRequest req, @Nullable UploadStream upload, Runnable close) {
        UploadStream rest = upload;
        if (rest == null) {
            if (!req.content().hasEntity() || req.content().consumed() || !req.continueSent()) {
                // No body, or one the client was not asked for: Helidon counts it as not sent.
                return true;
            }
            try {
                // Helidon's own drain had no size limit: a chunked body that never ends kept the
                // connection's thread reading for as long as the client sent.
                rest = new UploadStream(req.content().inputStream(), maxRestBytes, broken -> { }, reads, close);
            } catch (IllegalStateException taken) {
                // A handler took the body and left before its end: Helidon reads on, as before.
                return true;
            }
        }
        if (!rest.finish()) {
            close.run();
            return false;
        }
        return true;
    }

    /// What a request's handler asks of its connection once the response is sent, from any thread:
    /// to close it, as `Connection: close` would, for a response whose head may already be out (a
    /// validation stopped at its error limit leaves the rest of its upload unread: keeping the
    /// connection would mean reading it all; an upload that broke cannot be read on).
    ///
    /// Kept per request by `closeWhenAsked` rather than in Helidon's request context, which Helidon
    /// makes on first use, per request: an id string, a builder and a registry.
    static final class AfterResponse {
        private volatile boolean close;
        private volatile @Nullable InputStream unreadBody;
        private volatile @Nullable UploadStream upload;

        /// The request's upload, for `closeWhenAsked` to read through after the answer.
        void upload(UploadStream body) {
            upload = body;
        }

        /// Closes the connection once the response is sent. `body` is the request's body as the
        /// handler read it: the unread rest is dropped from it (up to `LINGER_BYTES` and
        /// `LINGER_TIME`) before the close. The first call's `body` is kept: an upload that broke
        /// names what may still be read of it (see `UploadStream`), and the handler's later call
        /// its own stream, which would fail at once.
        synchronized void close(InputStream body) {
            if (unreadBody == null) {
                unreadBody = body;
            }
            close = true;
        }

        boolean closing() {
            return close;
        }
    }

    /// The `AfterResponse` of the request being handled on this thread (called by its handler,
    /// on the request's thread); a detached one when the request did not come through
    /// `closeWhenAsked`.
    AfterResponse afterResponse() {
        AfterResponse after = afterResponses.get();
        return after != null ? after : new AfterResponse();
    }

    /// Whether `headers` hold `Connection: close`. Helidon's `containsToken` splits every value
    /// through streams (5 % of a small request's allocated bytes, run twice per request): most
    /// requests and answers have no `Connection` header (Helidon's `keep-alive` on answers is off
    /// by default, see `FanoutServer`), and a client's is most often `keep-alive`.
    private static boolean asksToClose(Headers headers) {
        if (!headers.contains(HeaderNames.CONNECTION)) {
            return false;
        }
        Header connection = headers.get(HeaderNames.CONNECTION);
        if (connection.valueCount() == 1 && "keep-alive".equalsIgnoreCase(connection.get())) {
            return false;
        }
        return headers.containsToken(HeaderValues.CONNECTION_CLOSE);
    }

    /// At most this much of an unread request body is read before its connection is closed.
    static final int LINGER_BYTES = 1 << 20;
    /// And for at most this long: then the connection is closed, which ends the read.
    static final Duration LINGER_TIME = Duration.ofSeconds(1);

    private static void dropUnreadBody(RoutingRequest req, @Nullable InputStream leftUnread, Runnable close) {
        if (!req.content().hasEntity() || req.content().consumed() || !req.continueSent()) {
            // No body, or one the client was not asked for (`Expect: 100-continue` answered
            // with a final status): reading it would first send the `100 Continue`, after the
            // answer.
            return;
        }
        Thread deadline = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(LINGER_TIME);
                close.run();
            } catch (InterruptedException e) {
                // Read to its end in time.
            }
        });
        try {
            InputStream body;
            try {
                body = leftUnread != null ? leftUnread : req.content().inputStream();
            } catch (IllegalStateException alreadyRequested) {
                // The handler took the stream and left before its end (an unknown schema, say):
                // Helidon reads on from where it stopped, up to the deadline.
                req.content().consume();
                return;
            }
            // Not closed: closing Helidon's entity stream would read the rest, however long.
            byte[] scratch = new byte[8192];
            int left = LINGER_BYTES;
            int n;
            while (left > 0 && (n = body.read(scratch, 0, Math.min(scratch.length, left))) >= 0) {
                left -= n;
            }
        } catch (IOException | RuntimeException e) {
            // Reset, cut at the deadline, or malformed: the connection is closed either way.
        } finally {
            deadline.interrupt();
        }
    }
}
