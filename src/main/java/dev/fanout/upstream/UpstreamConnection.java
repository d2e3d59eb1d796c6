package dev.fanout.upstream;

import dev.fanout.http1.ResponseFraming;
import dev.fanout.http1.ResponseFraming.Event;
import dev.fanout.http1.ResponseFramingException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/// One keep-alive HTTP/1.1 connection to an upstream, plain or over TLS, on which the calling
/// (virtual) thread sends a GET and reads its answer, one call at a time.
///
/// Our own rather than Helidon's client: a lookup needs a status and at most a small body, and
/// the general client (request and header objects, mappers, its connection and buffer layers)
/// was 40 % of the gateway's CPU per lookup (JFR, `bench/lookups`). It reads into its own buffer
/// and feeds [ResponseFraming] (shared with the load generator) until the answer is whole; what
/// that understands is in its javadoc. An answer it cannot frame (with its default limits: lines
/// of 8 KiB, heads of 64 KiB) is a [MalformedResponseException], a connection failure; one cut off
/// by the upstream's close is an [EOFException].
///
/// A call ends by its deadline (a [SocketTimeoutException] after it), so a body that trickles in
/// cannot stretch it. Reads have no time-out of their own: whoever owns the connection (the pool's
/// watchdog) calls [#expireIfOverdue(long)] every few milliseconds, which closes it once its call
/// is past its deadline. A timed read on a virtual thread schedules and cancels a timer task per
/// read, and that, with the wake-ups of the timer thread, was a third of the gateway's kernel time
/// per lookup. A call that ends any other way than with a whole answer leaves the connection in
/// no known state: the caller closes it.
/// One call at a time; [#expireIfOverdue(long)] and [#close()] may be called from any thread.
final class UpstreamConnection implements AutoCloseable {
    private static final String CLOSED_BEFORE_WHOLE = "the upstream closed the connection before the answer was whole";
    private static final long NOT_IN_CALL = Long.MIN_VALUE;
    private static final long EXPIRED = Long.MIN_VALUE + 1;

    /// The TCP connection (under the TLS socket whose streams `in` and `out` are, if any): what
    /// [#close()] closes, so that a read or write blocked in TLS fails at once, whoever closes.
    private final Socket tcp;
    private final InputStream in;
    private final OutputStream out;
    // Bytes read and not yet framed are buffer[position, limit).
    private final byte[] buffer = new byte[8 * 1024];
    private int position;
    private int limit;
    private final ResponseFraming framing = new ResponseFraming(ResponseFraming.Limits.DEFAULT);
    private final Consumer<UpstreamConnection> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private long deadlineNanos;
    // What the watchdog looks at: the call's deadline, or one of the two markers below.
    private final AtomicLong callDeadline = new AtomicLong(NOT_IN_CALL);
    private boolean reusable;
    private long idleSinceNanos;
    // Whether a call on this connection has ended with an answer; whether the current call came
    // after one (a kept connection) and has read a byte: whether its failure may be a kept
    // connection the upstream closed.
    private boolean answeredBefore;
    private boolean kept;
    private boolean answerBegan;

    /// A connection over `socket`, already connected; package-private so that a test can hand it
    /// a socket over in-memory streams (`UpstreamConnectionFuzzTest` feeds it arbitrary answers).
    UpstreamConnection(Socket socket, Consumer<UpstreamConnection> onClose) throws IOException {
        this(socket, socket, onClose);
    }

    private UpstreamConnection(Socket socket, Socket tcp, Consumer<UpstreamConnection> onClose) throws IOException {
        this.tcp = tcp;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.onClose = onClose;
    }

    /// A connection to `address`, made within `connectTimeoutMillis` (a [SocketTimeoutException]
    /// thrown by `Socket.connect` after it). `onClose` is told once when it closes.
    static UpstreamConnection open(InetSocketAddress address, int connectTimeoutMillis,
            Consumer<UpstreamConnection> onClose) throws IOException {
        return open(address, connectTimeoutMillis, onClose, null, null, Long.MAX_VALUE);
    }

    /// As above; with `tls`, over TLS to `host` (the name the upstream's certificate must carry,
    /// and the server name sent), its handshake done within `connectTimeoutMillis` too, and by
    /// `callDeadlineNanos` (`System.nanoTime()`) if that is sooner.
    static UpstreamConnection open(InetSocketAddress address, int connectTimeoutMillis, Consumer<UpstreamConnection> onClose,
            @Nullable SSLSocketFactory tls, @Nullable String host, long callDeadlineNanos) throws IOException {
        Socket tcp = new Socket();
        try {
            // A GET goes out in one write: nothing to gain from Nagle, a delayed ACK to lose.
            tcp.setTcpNoDelay(true);
            tcp.connect(address, connectTimeoutMillis);
            if (tls == null) {
                return new UpstreamConnection(tcp, onClose);
            }
            long leftMillis = TimeUnit.NANOSECONDS.toMillis(callDeadlineNanos - System.nanoTime());
            return new UpstreamConnection(handshake(tcp, tls, host == null ? address.getHostString() : host,
                    address.getPort(), Math.max(1, Math.min(connectTimeoutMillis, leftMillis))), tcp, onClose);
        } catch (IOException | RuntimeException e) {
            tcp.close();
            throw e;
        }
    }

    /// TLS over `tcp`, the upstream's certificate checked for `host` as an HTTPS client does
    /// (RFC 2818), with the JVM's trust store unless `tls` says otherwise, within `timeoutMillis`
    /// in all: a timer closes the connection then. Not a read time-out: a server that sends its
    /// handshake a byte at a time would reset that at every byte. The call's own deadline is
    /// watched by the pool only once the call begins.
    private static SSLSocket handshake(Socket tcp, SSLSocketFactory tls, String host, int port, long timeoutMillis)
            throws IOException {
        var socket = (SSLSocket) tls.createSocket(tcp, host, port, true);
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        if (!isIpLiteral(host)) {
            // The JDK sends a name without a dot (`https://crm:8443`) no server name of itself,
            // and an ingress that routes by SNI would not know where to send the connection.
            try {
                parameters.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException e) {
                // Not a name SNI can carry: the JDK's own choice stands.
            }
        }
        socket.setSSLParameters(parameters);
        var late = new AtomicBoolean();
        CompletableFuture<Void> timer = CompletableFuture.runAsync(() -> {
            late.set(true);
            closeQuietly(tcp);
        }, CompletableFuture.delayedExecutor(timeoutMillis, TimeUnit.MILLISECONDS));
        try {
            socket.startHandshake();
        } catch (IOException e) {
            if (!late.get()) {
                throw e;
            }
            // Part of making the connection (within connect-timeout, retried), not of the call.
            var slow = new HandshakeTimeoutException("no TLS handshake within " + timeoutMillis + " ms");
            slow.initCause(e);
            throw slow;
        } finally {
            // A timer that has not run yet never will (runAsync skips a completed future's task).
            timer.cancel(false);
        }
        if (late.get()) {
            throw new HandshakeTimeoutException("no TLS handshake within " + timeoutMillis + " ms");
        }
        return socket;
    }

    private static boolean isIpLiteral(String host) {
        return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || c >= '0' && c <= '9');
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException e) {
            // Closing is all that was wanted.
        }
    }

    /// Sends `request`, a whole request head, and reads the answer by `deadlineNanos` (on the
    /// `System.nanoTime()` clock). The body is kept only when `wantBody` and the status is 2xx.
    ///
    /// @throws SocketTimeoutException when the answer is not in by the deadline
    /// @throws MalformedResponseException when the answer is not HTTP/1.x as described above
    /// @throws IOException when the connection fails or closes before the answer is whole
    Call get(byte[] request, long deadlineNanos, boolean wantBody) throws IOException {
        this.deadlineNanos = deadlineNanos;
        reusable = false;
        answerBegan = false;
        kept = answeredBefore;
        // Never one of the markers (a nanoTime value equal to one is moved by a few nanoseconds).
        long watchedDeadline = deadlineNanos == NOT_IN_CALL || deadlineNanos == EXPIRED ? EXPIRED + 1 : deadlineNanos;
        callDeadline.set(watchedDeadline);
        try {
            Call call = exchange(request, wantBody);
            answeredBefore = true;
            if (!callDeadline.compareAndSet(watchedDeadline, NOT_IN_CALL)) {
                // Expired just as the answer came in: the answer counts, the connection is closed.
                reusable = false;
            }
            return call;
        } catch (IOException e) {
            if (callDeadline.get() == EXPIRED) {
                // The watchdog closed the socket under the read.
                var timeout = new SocketTimeoutException("no whole answer by the call's deadline");
                timeout.initCause(e);
                throw timeout;
            }
            throw e;
        } finally {
            callDeadline.set(NOT_IN_CALL);
        }
    }

    /// Closes this connection if it is in a call past its deadline (`nowNanos` on the
    /// `System.nanoTime()` clock); the call then throws a [SocketTimeoutException].
    void expireIfOverdue(long nowNanos) {
        long deadline = callDeadline.get();
        // Compare-and-set: a call that ended, and the next one that began, since the read are
        // left alone.
        if (deadline != NOT_IN_CALL && deadline != EXPIRED && nowNanos - deadline >= 0
                && callDeadline.compareAndSet(deadline, EXPIRED)) {
            close();
        }
    }

    private Call exchange(byte[] request, boolean wantBody) throws IOException {
        if (deadlineNanos - System.nanoTime() <= 0) {
            // Made late (a slow connect and handshake): the upstream never sees the request.
            throw new SocketTimeoutException("no whole answer by the call's deadline");
        }
        out.write(request);
        framing.reset(false);
        while (next() != Event.HEAD) {
            // the head is not complete yet
        }
        int status = framing.status();
        boolean needed = wantBody && status >= 200 && status < 300;
        // A wanted body over 1 MiB is refused; an unwanted one over 16 KiB costs more to read than a
        // new connection, which it is closed for.
        int max = needed ? Call.MAX_BODY_BYTES : Call.DISCARD_BYTES;
        long length = framing.contentLength();
        if (length > max || (framing.closeDelimited() && !needed)) {
            return needed && length > max ? new Call.BodyTooLarge() : new Call.Answered(status, Call.NO_BODY);
        }
        byte[] body = Call.NO_BODY;
        int size = 0;
        for (Event event = next(); event != Event.COMPLETE; event = next()) {
            int from = framing.bodyStart();
            int n = framing.position() - from;
            if (size + n > max) {
                return needed ? new Call.BodyTooLarge() : new Call.Answered(status, Call.NO_BODY);
            }
            if (needed) {
                if (size + n > body.length) {
                    // A length is allocated once; a chunked or close-delimited body grows from 256 bytes.
                    int capacity = length > 0 ? (int) length : Math.min(max, Math.max(256, 2 * body.length));
                    body = Arrays.copyOf(body, Math.max(size + n, capacity));
                }
                System.arraycopy(buffer, from, body, size, n);
            }
            size += n;
        }
        // Bytes beyond the answer were never asked for: the connection is not in a known state.
        reusable = framing.keepAlive() && position == limit;
        return new Call.Answered(status, !needed ? Call.NO_BODY : size == body.length ? body : Arrays.copyOf(body, size));
    }

    /// Feeds the framing what is buffered, reading more (one read at a time) while it asks for more.
    private Event next() throws IOException {
        try {
            while (true) {
                Event event = framing.feed(buffer, position, limit);
                position = framing.position();
                if (event != Event.MORE) {
                    return event;
                }
                int n = read(buffer, 0, buffer.length);
                if (n < 0) {
                    position = 0;
                    limit = 0;
                    if (!framing.endOfInput()) {
                        throw new EOFException(CLOSED_BEFORE_WHOLE);
                    }
                    return Event.COMPLETE;
                }
                position = 0;
                limit = n;
            }
        } catch (ResponseFramingException e) {
            throw failure(e.reason());
        }
    }

    /// What a lookup's failure says (in its row's error message), in the words it has used since
    /// before the framing was shared.
    private static IOException failure(ResponseFramingException.Reason reason) {
        ResponseFraming.Limits limits = ResponseFraming.Limits.DEFAULT;
        return switch (reason) {
            case TRUNCATED_HEAD, TRUNCATED_CHUNKS -> new EOFException(CLOSED_BEFORE_WHOLE);
            case TRUNCATED_BODY -> new EOFException("the upstream closed the connection in the middle of a body");
            case STATUS_LINE -> new MalformedResponseException("malformed status line");
            case FIELD_LINE, FOLDED_FIELD -> new MalformedResponseException("malformed header line");
            case CONTENT_LENGTH -> new MalformedResponseException("malformed Content-Length");
            case CONFLICTING_CONTENT_LENGTH -> new MalformedResponseException("conflicting Content-Length headers");
            case LINE_TOO_LONG -> new MalformedResponseException("response line over " + limits.lineBytes() + " bytes");
            case HEAD_TOO_LARGE -> new MalformedResponseException("response head over " + limits.headBytes() + " bytes");
            case TRAILERS_TOO_LARGE -> new MalformedResponseException("trailer over " + limits.headBytes() + " bytes");
            case TOO_MANY_FIELDS -> new MalformedResponseException("response head over " + limits.fields() + " header lines");
            case CHUNK_SIZE -> new MalformedResponseException("malformed chunk size");
            case CHUNK_END -> new MalformedResponseException("chunk not followed by CRLF");
        };
    }

    /// Whether the last [#get] left the connection ready for another call.
    boolean reusable() {
        return reusable;
    }

    boolean isOpen() {
        return !tcp.isClosed();
    }

    /// When this connection went idle (set by the pool).
    long idleSinceNanos() {
        return idleSinceNanos;
    }

    void idleSince(long nanos) {
        idleSinceNanos = nanos;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            // The TCP connection, not the TLS socket: that one's close would first send a
            // close_notify, and wait for a write blocked in another thread to give up its lock.
            tcp.close();
        } catch (IOException e) {
            // Nothing was pending on it that anyone could still lose.
        }
        onClose.accept(this);
    }

    /// One read from the socket, unless the deadline has passed already.
    private int read(byte[] into, int offset, int length) throws IOException {
        if (deadlineNanos - System.nanoTime() <= 0) {
            throw new SocketTimeoutException("no whole answer by the call's deadline");
        }
        int n = in.read(into, offset, length);
        answerBegan |= n > 0;
        return n;
    }

    /// Whether the last [#get] failed as a kept connection does that the upstream closed while it
    /// sat idle (a reload, a keep-alive time-out shorter than the pool's): an earlier call was
    /// answered on it, and not a byte of this one's answer came. The upstream has not answered the
    /// request, and a GET may be sent again (RFC 9110 §9.2.2), as browsers and Go's client do.
    boolean failedStale(IOException failure) {
        return kept && !answerBegan && !(failure instanceof SocketTimeoutException);
    }

    /// Whether the last [#get]'s answer, `call`, is what some servers send on a kept connection
    /// before they close it for idleness, unasked: a `408`. A GET sent whole in one write is
    /// never timed out by a server; the `408` was there before it.
    boolean answeredStale(Call call) {
        return kept && call instanceof Call.Answered(int status, byte[] _) && status == 408;
    }

    /// A TLS handshake not done within the connect time-out: a connect time-out.
    static final class HandshakeTimeoutException extends SocketTimeoutException {
        HandshakeTimeoutException(String message) {
            super(message);
        }
    }

    /// An answer that is not HTTP/1.x as this client reads it: a connection failure, retried.
    static final class MalformedResponseException extends IOException {
        MalformedResponseException(String message) {
            super(message);
        }
    }
}
