package dev.fanout.server;

import io.helidon.http.Headers;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.util.Optional;

/// Closes the connection a request came on, from any thread: the way to unblock whichever thread
/// is stuck in a blocking socket write on it, including Helidon's own request thread (which is not
/// ours to interrupt). Used by the write deadline (`WriteWatchdog`).
///
/// Helidon 4.4 gives a handler no handle on its connection: `ServerRequest` keeps its
/// `ConnectionContext` private. But an HTTP/1 receive listener is called with that context on the
/// connection's own thread once the request's headers are read, just before the request is routed,
/// and the handler then runs on that same thread. So the listener keeps the context in a
/// thread-local, and `of(request)`, called by the handler, picks it up (checking that it is the
/// request's own connection). Closing is `ConnectionContext.serverSocket().close()`: Helidon's
/// socket shuts its output down and closes, which fails a write blocked on it at once.
///
/// Install it with `Http1Config.builder().addReceiveListener(closer)`. Thread-safe.
final class ConnectionCloser implements Http1ConnectionListener {
    private final ThreadLocal<ConnectionContext> current = new ThreadLocal<>();

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
        return Optional.of(() -> connection.serverSocket().close());
    }
}
