package dev.fanout.upstream;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/// One keep-alive HTTP/1.1 connection to a plain-HTTP upstream, on which the calling (virtual)
/// thread sends a GET and reads its answer, one call at a time.
///
/// Our own rather than Helidon's client: a lookup needs a status and at most a small body, and
/// the general client (request and header objects, mappers, its connection and buffer layers)
/// was 40 % of the gateway's CPU per lookup (JFR, `bench/lookups`). What it understands of an
/// answer: an `HTTP/1.0` or `1.1` status line; interim `1xx` answers, skipped; a body framed by
/// `Content-Length`, by the chunked transfer coding, or by the end of the connection; no body
/// after `204` and `304`; `Connection: close` (and HTTP/1.0 without `keep-alive`). A folded
/// (continued) line of another field is skipped; one continuing `Content-Length`,
/// `Transfer-Encoding` or `Connection`, or anything else malformed (a status line, a header line,
/// a length or chunk size, a line over 8 KiB or a head over 64 KiB) is a
/// [MalformedResponseException], a connection failure.
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
    private static final int MAX_LINE_BYTES = 8 * 1024;
    private static final int MAX_HEAD_BYTES = 64 * 1024;
    private static final long NOT_IN_CALL = Long.MIN_VALUE;
    private static final long EXPIRED = Long.MIN_VALUE + 1;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    // Bytes read and not yet parsed are buffer[position, limit).
    private final byte[] buffer = new byte[MAX_LINE_BYTES];
    private int position;
    private int limit;
    // Where the line after the one readLine() found starts.
    private int next;
    private final Consumer<UpstreamConnection> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private long deadlineNanos;
    // What the watchdog looks at: the call's deadline, or one of the two markers below.
    private final AtomicLong callDeadline = new AtomicLong(NOT_IN_CALL);
    private boolean reusable;
    private long idleSinceNanos;

    /// A connection over `socket`, already connected; package-private so that a test can hand it
    /// a socket over in-memory streams (`UpstreamConnectionFuzzTest` feeds it arbitrary answers).
    UpstreamConnection(Socket socket, Consumer<UpstreamConnection> onClose) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
        this.onClose = onClose;
    }

    /// A connection to `address`, made within `connectTimeoutMillis` (a [SocketTimeoutException]
    /// thrown by `Socket.connect` after it). `onClose` is told once when it closes.
    static UpstreamConnection open(InetSocketAddress address, int connectTimeoutMillis,
            Consumer<UpstreamConnection> onClose) throws IOException {
        Socket socket = new Socket();
        try {
            // A GET goes out in one write: nothing to gain from Nagle, a delayed ACK to lose.
            socket.setTcpNoDelay(true);
            socket.connect(address, connectTimeoutMillis);
            return new UpstreamConnection(socket, onClose);
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
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
        // Never one of the markers (a nanoTime value equal to one is moved by a few nanoseconds).
        long watchedDeadline = deadlineNanos == NOT_IN_CALL || deadlineNanos == EXPIRED ? EXPIRED + 1 : deadlineNanos;
        callDeadline.set(watchedDeadline);
        try {
            Call call = exchange(request, wantBody);
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
        out.write(request);
        Head head;
        do {
            head = readHead();
        } while (head.status() >= 100 && head.status() < 200 && head.status() != 101);
        boolean keepAlive = head.keepAlive();
        Call call;
        boolean needed = wantBody && head.status() >= 200 && head.status() < 300;
        if (head.status() < 200 || head.status() == 204 || head.status() == 304) {
            // 101 switches protocols: whatever follows is not HTTP/1.1 any more.
            keepAlive &= head.status() != 101;
            call = new Call.Answered(head.status(), Call.NO_BODY);
        } else if (head.chunked()) {
            byte[] body = readChunked(needed ? Call.MAX_BODY_BYTES : Call.DISCARD_BYTES, needed);
            if (body == null) {
                keepAlive = false;
                call = needed ? new Call.BodyTooLarge() : new Call.Answered(head.status(), Call.NO_BODY);
            } else {
                call = new Call.Answered(head.status(), body);
            }
        } else if (head.contentLength() >= 0) {
            long length = head.contentLength();
            if (needed && length > Call.MAX_BODY_BYTES) {
                keepAlive = false;
                call = new Call.BodyTooLarge();
            } else if (needed) {
                call = new Call.Answered(head.status(), readExactly((int) length));
            } else {
                if (length <= Call.DISCARD_BYTES) {
                    skip((int) length);
                } else {
                    keepAlive = false;
                }
                call = new Call.Answered(head.status(), Call.NO_BODY);
            }
        } else {
            // Delimited by the end of the connection, which then cannot be reused.
            keepAlive = false;
            if (needed) {
                byte[] body = readToEnd();
                call = body == null ? new Call.BodyTooLarge() : new Call.Answered(head.status(), body);
            } else {
                call = new Call.Answered(head.status(), Call.NO_BODY);
            }
        }
        // Bytes beyond the answer were never asked for: the connection is not in a known state.
        reusable = keepAlive && position == limit;
        return call;
    }

    /// Whether the last [#get] left the connection ready for another call.
    boolean reusable() {
        return reusable;
    }

    boolean isOpen() {
        return !socket.isClosed();
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
            socket.close();
        } catch (IOException e) {
            // Nothing was pending on it that anyone could still lose.
        }
        onClose.accept(this);
    }

    /// The parts of a response head the call needs. `contentLength` is -1 when absent.
    private record Head(int status, long contentLength, boolean chunked, boolean keepAlive) {
    }

    private Head readHead() throws IOException {
        int headBytes = 0;
        int end = readLine();
        headBytes += end - position;
        int status = statusLine(position, end);
        boolean http10 = buffer[position + 7] == '0';
        position = next;
        long contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        boolean keepAliveToken = false;
        boolean transferEncoding = false;
        // Whether the last header line was one of those read here (a folded line would extend it).
        boolean interpreted = false;
        boolean first = true;
        while (true) {
            end = readLine();
            headBytes += next - position;
            if (headBytes > MAX_HEAD_BYTES) {
                throw new MalformedResponseException("response head over " + MAX_HEAD_BYTES + " bytes");
            }
            if (end == position) {
                position = next;
                break;
            }
            if (isSpace(buffer[position]) && !first && !interpreted) {
                // An obsolete line folding of a field not read here: its value changes nothing.
                position = next;
                continue;
            }
            first = false;
            int colon = indexOf(position, end, (byte) ':');
            if (colon <= position || isSpace(buffer[position]) || isSpace(buffer[colon - 1])) {
                throw new MalformedResponseException("malformed header line");
            }
            interpreted = true;
            if (nameIs(position, colon, "content-length")) {
                long length = digits(colon + 1, end);
                if (contentLength >= 0 && contentLength != length) {
                    throw new MalformedResponseException("conflicting Content-Length headers");
                }
                contentLength = length;
            } else if (nameIs(position, colon, "transfer-encoding")) {
                transferEncoding = true;
                chunked = lastTokenIs(colon + 1, end, "chunked");
            } else if (nameIs(position, colon, "connection")) {
                close |= hasToken(colon + 1, end, "close");
                keepAliveToken |= hasToken(colon + 1, end, "keep-alive");
            } else {
                interpreted = false;
            }
            position = next;
        }
        if (transferEncoding) {
            // Transfer-Encoding overrides a length; not chunked, the body ends with the connection.
            return new Head(status, -1, chunked, chunked && !close && !http10 && contentLength < 0);
        }
        return new Head(status, contentLength, false, !close && (!http10 || keepAliveToken));
    }

    /// Makes a whole line available at `position` and returns its end (before CR LF, or LF);
    /// `next` is where the following line starts.
    private int readLine() throws IOException {
        int scanned = position;
        while (true) {
            int lf = indexOf(scanned, limit, (byte) '\n');
            if (lf >= 0) {
                next = lf + 1;
                return lf > position && buffer[lf - 1] == '\r' ? lf - 1 : lf;
            }
            scanned = limit;
            if (position > 0) {
                System.arraycopy(buffer, position, buffer, 0, limit - position);
                scanned -= position;
                limit -= position;
                position = 0;
            }
            if (limit == buffer.length) {
                throw new MalformedResponseException("response line over " + MAX_LINE_BYTES + " bytes");
            }
            int n = read(buffer, limit, buffer.length - limit);
            if (n < 0) {
                throw new EOFException("the upstream closed the connection before the answer was whole");
            }
            limit += n;
        }
    }

    /// The status of `HTTP/1.x NNN[ reason]`.
    private int statusLine(int from, int end) throws MalformedResponseException {
        if (end - from < 12 || !startsWith(from, "HTTP/1.") || (buffer[from + 7] != '0' && buffer[from + 7] != '1')
                || buffer[from + 8] != ' ' || (end - from > 12 && buffer[from + 12] != ' ')) {
            throw new MalformedResponseException("malformed status line");
        }
        int status = 0;
        for (int i = from + 9; i < from + 12; i++) {
            int digit = buffer[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new MalformedResponseException("malformed status line");
            }
            status = status * 10 + digit;
        }
        if (status < 100) {
            throw new MalformedResponseException("malformed status line");
        }
        return status;
    }

    /// A chunked body, or null once it grows past `max` bytes; the bytes are kept only if `keep`.
    private byte[] readChunked(int max, boolean keep) throws IOException {
        byte[] body = keep ? new byte[Math.min(max, 256)] : null;
        int size = 0;
        while (true) {
            int end = readLine();
            int stop = indexOf(position, end, (byte) ';');
            long chunk = hex(position, stop < 0 ? end : stop);
            position = next;
            if (chunk == 0) {
                break;
            }
            if (size + chunk > max) {
                return null;
            }
            if (keep && size + chunk > body.length) {
                body = Arrays.copyOf(body, (int) Math.min(max, Math.max(size + chunk, 2L * body.length)));
            }
            readInto(body, size, (int) chunk);
            size += (int) chunk;
            if (readLine() != position) {
                throw new MalformedResponseException("chunk not followed by CRLF");
            }
            position = next;
        }
        // Trailer fields, up to the empty line.
        int trailerBytes = 0;
        while (true) {
            int end = readLine();
            trailerBytes += next - position;
            if (trailerBytes > MAX_HEAD_BYTES) {
                throw new MalformedResponseException("trailer over " + MAX_HEAD_BYTES + " bytes");
            }
            boolean last = end == position;
            position = next;
            if (last) {
                break;
            }
        }
        return keep ? Arrays.copyOf(body, size) : Call.NO_BODY;
    }

    private byte[] readExactly(int length) throws IOException {
        byte[] body = new byte[length];
        readInto(body, 0, length);
        return body;
    }

    private void skip(int length) throws IOException {
        readInto(null, 0, length);
    }

    /// Moves the next `length` bytes of the answer into `into` at `offset` (drops them if null).
    private void readInto(byte[] into, int offset, int length) throws IOException {
        int buffered = Math.min(length, limit - position);
        if (into != null) {
            System.arraycopy(buffer, position, into, offset, buffered);
        }
        position += buffered;
        int done = buffered;
        while (done < length) {
            int n;
            if (into != null) {
                n = read(into, offset + done, length - done);
            } else {
                position = 0;
                limit = 0;
                n = read(buffer, 0, Math.min(buffer.length, length - done));
            }
            if (n < 0) {
                throw new EOFException("the upstream closed the connection in the middle of a body");
            }
            done += n;
        }
    }

    /// A body that ends with the connection, or null once it is over [Call#MAX_BODY_BYTES].
    private byte[] readToEnd() throws IOException {
        var body = new ByteArrayOutputStream(256);
        body.write(buffer, position, limit - position);
        position = 0;
        limit = 0;
        int n;
        while (body.size() <= Call.MAX_BODY_BYTES && (n = read(buffer, 0, buffer.length)) >= 0) {
            body.write(buffer, 0, n);
        }
        return body.size() > Call.MAX_BODY_BYTES ? null : body.toByteArray();
    }

    /// One read from the socket, unless the deadline has passed already.
    private int read(byte[] into, int offset, int length) throws IOException {
        if (deadlineNanos - System.nanoTime() <= 0) {
            throw new SocketTimeoutException("no whole answer by the call's deadline");
        }
        return in.read(into, offset, length);
    }

    private int indexOf(int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buffer[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private boolean startsWith(int from, String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            if (buffer[from + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /// Whether buffer[from, to) is `lowerCaseName`, ignoring ASCII case.
    private boolean nameIs(int from, int to, String lowerCaseName) {
        if (to - from != lowerCaseName.length()) {
            return false;
        }
        for (int i = 0; i < lowerCaseName.length(); i++) {
            int b = buffer[from + i];
            char expected = lowerCaseName.charAt(i);
            // Only letters fold: `b | 0x20` would also take a CR for the '-' of a name.
            if (b != expected && !(expected >= 'a' && expected <= 'z' && b == expected - ('a' - 'A'))) {
                return false;
            }
        }
        return true;
    }

    /// Whether the comma-separated list in buffer[from, to) has `lowerCaseToken`, ignoring case.
    private boolean hasToken(int from, int to, String lowerCaseToken) {
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || buffer[i] == ',') {
                int a = start;
                int b = i;
                while (a < b && isSpace(buffer[a])) {
                    a++;
                }
                while (b > a && isSpace(buffer[b - 1])) {
                    b--;
                }
                if (nameIs(a, b, lowerCaseToken)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    /// Whether the last entry of the comma-separated list in buffer[from, to) is `lowerCaseToken`.
    private boolean lastTokenIs(int from, int to, String lowerCaseToken) {
        int comma = from - 1;
        for (int i = from; i < to; i++) {
            if (buffer[i] == ',') {
                comma = i;
            }
        }
        return hasToken(comma + 1, to, lowerCaseToken);
    }

    /// A decimal length with optional surrounding spaces.
    private long digits(int from, int to) throws MalformedResponseException {
        while (from < to && isSpace(buffer[from])) {
            from++;
        }
        while (to > from && isSpace(buffer[to - 1])) {
            to--;
        }
        if (from == to || to - from > 18) {
            throw new MalformedResponseException("malformed Content-Length");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = buffer[i] - '0';
            if (digit < 0 || digit > 9) {
                throw new MalformedResponseException("malformed Content-Length");
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /// A chunk size: hex digits, optionally followed by spaces.
    private long hex(int from, int to) throws MalformedResponseException {
        while (to > from && isSpace(buffer[to - 1])) {
            to--;
        }
        if (from == to || to - from > 15) {
            throw new MalformedResponseException("malformed chunk size");
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(buffer[i], 16);
            if (digit < 0) {
                throw new MalformedResponseException("malformed chunk size");
            }
            value = value * 16 + digit;
        }
        return value;
    }

    private static boolean isSpace(byte b) {
        return b == ' ' || b == '\t';
    }

    /// An answer that is not HTTP/1.x as this client reads it: a connection failure, retried.
    static final class MalformedResponseException extends IOException {
        MalformedResponseException(String message) {
            super(message);
        }
    }
}
