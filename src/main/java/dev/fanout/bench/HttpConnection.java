package dev.fanout.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/// One keep-alive HTTP/1.1 connection of the load generator, speaking just what a benchmark needs:
/// send a [Payload], read the whole answer (`Content-Length`, chunked, or up to the close), and
/// check a 2xx body with [NdjsonCheck]. It is our own code, not an HTTP client library, so that
/// the generator spends a few microseconds per request and no allocation per body byte, and so
/// that every failure is classified exactly ([ErrorKind]).
///
/// The connection opens on first use and again after any failure; a request has one deadline
/// covering connect, send and the whole answer. A body bigger than the socket buffers is written
/// on a second virtual thread while this one reads, so a server that answers while it reads
/// (the gateway streams) cannot deadlock against us. Used by one thread at a time.
final class HttpConnection implements Closeable {
    private static final int BUFFER = 64 << 10;
    private static final int MAX_LINE = 16 << 10;
    private static final long INLINE_WRITE_LIMIT = 64 << 10;

    private final InetSocketAddress address;
    private final long timeoutNanos;
    private final boolean verify;
    private final boolean expectSummary;
    private final byte[] buffer = new byte[BUFFER];
    private final StringBuilder line = new StringBuilder(128);
    private Socket socket;
    private InputStream in;
    private OutputStream out;
    private int position;
    private int limit;
    private long deadline;

    /// A connection to `address`; each exchange must finish within `timeoutNanos`. With
    /// `verify`, 2xx bodies must be complete NDJSON (ending with a summary when `expectSummary`).
    HttpConnection(InetSocketAddress address, long timeoutNanos, boolean verify, boolean expectSummary) {
        this.address = address;
        this.timeoutNanos = timeoutNanos;
        this.verify = verify;
        this.expectSummary = expectSummary;
    }

    /// Sends `payload` and reads the whole answer; returns its status code. Throws
    /// [ExchangeFailure] (after closing the connection) when no complete, well-formed answer came.
    int exchange(Payload payload) throws ExchangeFailure, InterruptedException {
        deadline = System.nanoTime() + timeoutNanos;
        if (socket == null) {
            connect();
        }
        Thread writer = null;
        WriteResult written = new WriteResult();
        try {
            if (payload.streamed() || payload.length() > INLINE_WRITE_LIMIT) {
                writer = Thread.ofVirtual().name("bench-writer").start(() -> written.run(payload, out));
            } else {
                payload.writeTo(out);
            }
            int status = readAnswer();
            if (writer != null && writer.isAlive() && (status < 200 || status >= 300)) {
                // The server refused the request before taking the whole body (e.g. 413) and
                // need never read the rest: stop sending (the finally below ends the writer).
                // The answer counts, but the connection cannot carry another request.
                close();
            } else if (writer != null) {
                waitFor(writer);
                if (written.failure != null) {
                    // The server answered before taking the whole body and closed: the answer
                    // counts, but the connection cannot carry another request.
                    close();
                }
            }
            return status;
        } catch (SocketTimeoutException e) {
            throw fail(ErrorKind.TIMEOUT, "no answer within the time-out");
        } catch (ExchangeFailure e) {
            close();
            throw e;
        } catch (IOException e) {
            throw fail(ErrorKind.CLOSED, e.getMessage() == null ? e.toString() : e.getMessage());
        } finally {
            if (writer != null && writer.isAlive()) {
                close();
                writer.join();
            }
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Nothing more can be done with a socket that fails to close.
            }
            socket = null;
        }
        position = 0;
        limit = 0;
    }

    private void connect() throws ExchangeFailure {
        var fresh = new Socket();
        try {
            fresh.setTcpNoDelay(true);
            fresh.connect(address, (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining())));
            in = fresh.getInputStream();
            out = fresh.getOutputStream();
            socket = fresh;
        } catch (IOException e) {
            try {
                fresh.close();
            } catch (IOException ignored) {
                // The socket never carried anything.
            }
            ErrorKind kind = e instanceof SocketTimeoutException ? ErrorKind.TIMEOUT : ErrorKind.CONNECT;
            throw new ExchangeFailure(kind, "connect to " + address + ": " + e.getMessage());
        }
    }

    private int readAnswer() throws IOException, ExchangeFailure {
        if (position == limit && !fill()) {
            // Not a byte of an answer: typically a keep-alive connection the server closed idle.
            throw new ExchangeFailure(ErrorKind.CLOSED, "the server closed the connection");
        }
        while (true) {
            String statusLine = readLine();
            int status = parseStatus(statusLine);
            long contentLength = -1;
            boolean chunked = false;
            boolean closeAfter = statusLine.startsWith("HTTP/1.0");
            for (String header = readLine(); !header.isEmpty(); header = readLine()) {
                int colon = header.indexOf(':');
                if (colon <= 0) {
                    throw new ExchangeFailure(ErrorKind.MALFORMED, "bad header line '" + header + "'");
                }
                String name = header.substring(0, colon).trim();
                String value = header.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("content-length")) {
                    contentLength = parseLength(value);
                } else if (name.equalsIgnoreCase("transfer-encoding")) {
                    chunked = value.toLowerCase(java.util.Locale.ROOT).contains("chunked");
                } else if (name.equalsIgnoreCase("connection")) {
                    closeAfter = value.equalsIgnoreCase("close") || (closeAfter && !value.equalsIgnoreCase("keep-alive"));
                }
            }
            if (status >= 100 && status < 200) {
                continue; // an interim answer (100 Continue); the real one follows
            }
            NdjsonCheck check = verify && status >= 200 && status < 300 ? new NdjsonCheck(expectSummary) : null;
            if (chunked) {
                readChunked(check);
            } else if (contentLength >= 0) {
                readExactly(contentLength, check);
            } else if (status != 204 && status != 304) {
                readToClose(check);
                closeAfter = true;
            }
            if (check != null) {
                String problem = check.finish();
                if (problem != null) {
                    throw new ExchangeFailure(ErrorKind.MALFORMED, problem);
                }
            }
            if (closeAfter) {
                close();
            }
            return status;
        }
    }

    private void readChunked(NdjsonCheck check) throws IOException, ExchangeFailure {
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
            long size;
            try {
                // parseLong takes a sign; a chunk size is bare hex digits.
                size = hex.isEmpty() || hex.charAt(0) == '+' || hex.charAt(0) == '-' ? -1 : Long.parseLong(hex, 16);
            } catch (NumberFormatException e) {
                throw new ExchangeFailure(ErrorKind.MALFORMED, "bad chunk size '" + sizeLine + "'");
            }
            if (size < 0) {
                throw new ExchangeFailure(ErrorKind.MALFORMED, "bad chunk size '" + sizeLine + "'");
            }
            if (size == 0) {
                while (!readLine().isEmpty()) {
                    // trailers carry nothing a benchmark needs
                }
                return;
            }
            readExactly(size, check);
            if (!readLine().isEmpty()) {
                throw new ExchangeFailure(ErrorKind.MALFORMED, "a chunk is longer than its size");
            }
        }
    }

    private void readExactly(long length, NdjsonCheck check) throws IOException, ExchangeFailure {
        long left = length;
        while (left > 0) {
            if (position == limit && !fill()) {
                throw new ExchangeFailure(ErrorKind.MALFORMED, "the body ended " + left + " bytes early");
            }
            int n = (int) Math.min(left, limit - position);
            if (check != null) {
                check.feed(buffer, position, n);
            }
            position += n;
            left -= n;
        }
    }

    private void readToClose(NdjsonCheck check) throws IOException {
        while (position < limit || fill()) {
            if (check != null) {
                check.feed(buffer, position, limit - position);
            }
            position = limit;
        }
    }

    private String readLine() throws IOException, ExchangeFailure {
        line.setLength(0);
        while (true) {
            if (position == limit && !fill()) {
                throw new ExchangeFailure(ErrorKind.MALFORMED, "the server closed the connection mid-answer");
            }
            byte b = buffer[position++];
            if (b == '\n') {
                int end = line.length();
                if (end > 0 && line.charAt(end - 1) == '\r') {
                    line.setLength(end - 1);
                }
                return line.toString();
            }
            if (line.length() >= MAX_LINE) {
                throw new ExchangeFailure(ErrorKind.MALFORMED, "a header line over " + MAX_LINE + " bytes");
            }
            line.append((char) (b & 0xff));
        }
    }

    /// Reads more of the answer into the buffer; `false` at the end of the stream.
    private boolean fill() throws IOException {
        long left = remaining();
        if (left <= 0) {
            throw new SocketTimeoutException("deadline passed");
        }
        socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
        int n = in.read(buffer, 0, buffer.length);
        if (n < 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    private long remaining() {
        return deadline - System.nanoTime();
    }

    private void waitFor(Thread writer) throws InterruptedException, SocketTimeoutException {
        long left = remaining();
        if (left <= 0 || !writer.join(java.time.Duration.ofNanos(left))) {
            throw new SocketTimeoutException("the body could not be sent within the time-out");
        }
    }

    private ExchangeFailure fail(ErrorKind kind, String message) {
        close();
        return new ExchangeFailure(kind, message);
    }

    private static int parseStatus(String statusLine) throws ExchangeFailure {
        // "HTTP/1.1 200 OK": the code is the three digits after the first space.
        if (statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12 && statusLine.charAt(8) == ' '
                && (statusLine.length() == 12 || statusLine.charAt(12) == ' ')) {
            try {
                return Integer.parseInt(statusLine, 9, 12, 10);
            } catch (NumberFormatException e) {
                // falls through to the failure below
            }
        }
        throw new ExchangeFailure(ErrorKind.MALFORMED, "bad status line '" + statusLine + "'");
    }

    private static long parseLength(String value) throws ExchangeFailure {
        try {
            long length = Long.parseLong(value);
            if (length >= 0) {
                return length;
            }
        } catch (NumberFormatException e) {
            // falls through to the failure below
        }
        throw new ExchangeFailure(ErrorKind.MALFORMED, "bad Content-Length '" + value + "'");
    }

    /// What the body-writing thread ended with.
    private static final class WriteResult {
        volatile IOException failure;

        void run(Payload payload, OutputStream out) {
            try {
                payload.writeTo(out);
            } catch (IOException e) {
                failure = e;
            }
        }
    }
}
