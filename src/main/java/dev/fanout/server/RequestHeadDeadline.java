package dev.fanout.server;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/// The request-head deadline: closes a connection whose request line is in but whose headers do
/// not follow within `timeout` — a slowloris client that dribbles header lines to hold a
/// connection and its thread for ever. (Waiting for the request line itself is bounded by the idle
/// time-out, which Helidon applies to connections between requests.) An HTTP/1.0 head is timed
/// from its request line by `Http1Connections`, which gathers it before Helidon sees it.
///
/// An HTTP/1 receive listener: Helidon calls `prologue` once a request line is read and `headers`
/// once the headers are, both on the connection's thread, which arms and disarms its deadline in
/// `ThreadDeadlines`; their checker looks a few times per `timeout` (a quarter of it, between
/// 10 ms and 1 s) and closes the connection of any head that is late. Thread-safe.
final class RequestHeadDeadline implements Http1ConnectionListener, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(RequestHeadDeadline.class.getName());

    private final long timeoutNanos;
    private final ThreadDeadlines deadlines;
    private final AtomicLong closed = new AtomicLong();

    RequestHeadDeadline(Duration timeout) {
        this.timeoutNanos = timeout.toNanos();
        this.deadlines = ThreadDeadlines.forTimeout("fanout-head-deadline", timeout);
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        headStarted(ctx);
    }

    @Override
    public void headers(ConnectionContext ctx, Headers headers) {
        headRead();
    }

    /// Arms the deadline of a head read on this thread from its request line on. For a head read
    /// before Helidon's calls come: an HTTP/1.0 head is gathered whole, to be rewritten, before
    /// Helidon reads its request line (see `Http1Connections`).
    void headStarted(ConnectionContext ctx) {
        deadlines.arm(System.nanoTime() + timeoutNanos, () -> closeLate(ctx));
    }

    /// Disarms this thread's deadline: its head is in.
    void headRead() {
        deadlines.disarm();
    }

    /// Disarms a deadline that this thread's connection, now ended, left armed: Helidon answers a
    /// head it cannot read (a header line without a colon, a bad `Host`) with `400` and ends the
    /// connection without a call to `headers`. The deadline's action holds the connection (its
    /// 8 KiB read buffer among it) until the time-out, so a stream of such heads, ~11,000 in 6 s
    /// on new connections, filled the 64 MB heap.
    void connectionEnded() {
        deadlines.disarm();
    }

    /// Connections closed for a late head so far.
    long closedConnections() {
        return closed.get();
    }

    private void closeLate(ConnectionContext ctx) {
        closed.incrementAndGet();
        LOG.log(Level.DEBUG, () -> "closing " + ctx.remotePeer() + ": its request head took longer than "
                + Duration.ofNanos(timeoutNanos));
        try {
            ctx.serverSocket().close();
        } catch (RuntimeException e) {
            // Already closed by its client: nothing left to do.
        }
    }

    @Override
    public void close() {
        deadlines.close();
    }
}
