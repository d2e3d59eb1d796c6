package dev.fanout.server;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/// One HTTP/1.1 connection on a raw socket to 127.0.0.1, for what the JDK's client cannot do:
/// send a body in pieces of our choosing, pause in the middle of an upload, stop before the end,
/// read the response while still sending, or vanish with a reset.
///
/// Every read has a timeout (30 s unless set), so a test that waits for something that never
/// comes fails instead of hanging. Not thread-safe, except that one thread may write while
/// another reads.
final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = new BufferedInputStream(socket.getInputStream());
    }

    static RawConnection open(int port) throws IOException {
        var socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        return new RawConnection(socket);
    }

    /// Opens a connection with a receive buffer of about `receiveBufferBytes`, set before connecting
    /// so that the TCP window stays that small: the server's writes block soon after the test stops
    /// reading.
    static RawConnection open(int port, int receiveBufferBytes) throws IOException {
        var socket = new Socket();
        socket.setReceiveBufferSize(receiveBufferBytes);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        return new RawConnection(socket);
    }

    /// The status and headers of a response (header names in lower case).
    record Head(int status, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /// Gives up reads that wait longer than `timeout`.
    RawConnection readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        return this;
    }

    /// Sends a POST's request line and headers; `headers` are complete lines without `\r\n`.
    RawConnection postHead(String pathAndQuery, String... headers) throws IOException {
        var head = new StringBuilder("POST ").append(pathAndQuery).append(" HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        head.append("\r\n");
        return send(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    /// Starts a chunked POST of `contentType` (no `Content-Length`).
    RawConnection postChunked(String pathAndQuery, String contentType) throws IOException {
        return postHead(pathAndQuery, "Content-Type: " + contentType, "Transfer-Encoding: chunked");
    }

    RawConnection send(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /// POSTs the CSV `csv` with its `Content-Length` in two parts, the first `firstPart` bytes and
    /// then the rest once the answer's head has come: an answer begun before the upload is whole is
    /// streamed (chunked), where one whole in memory would go out with a `Content-Length`.
    /// Returns the answer's head.
    Head postStreamed(String pathAndQuery, byte[] csv, int firstPart) throws IOException {
        postHead(pathAndQuery, "Content-Type: text/csv", "Content-Length: " + csv.length);
        send(Arrays.copyOf(csv, firstPart));
        Head head = readHead();
        send(Arrays.copyOfRange(csv, firstPart, csv.length));
        return head;
    }

    /// Sends `bytes` in pieces of at most `maxPiece` bytes (random sizes from 1 when `random` is
    /// given), each flushed on its own.
    RawConnection sendInPieces(byte[] bytes, int maxPiece, Random random) throws IOException {
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, random == null ? maxPiece : 1 + random.nextInt(maxPiece));
            out.write(bytes, at, n);
            out.flush();
            at += n;
        }
        return this;
    }

    /// Sends `bytes` as one chunk of a chunked body.
    RawConnection sendChunk(byte[] bytes) throws IOException {
        if (bytes.length == 0) {
            return this;
        }
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return this;
    }

    RawConnection sendChunk(String text) throws IOException {
        return sendChunk(text.getBytes(StandardCharsets.UTF_8));
    }

    /// Ends a chunked body.
    RawConnection endChunks() throws IOException {
        return send("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    /// Closes the sending direction only (the server sees the end of the stream).
    void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    /// Reads the status line and headers.
    Head readHead() throws IOException {
        String status = readLine(in);
        if (status == null || !status.startsWith("HTTP/1.1 ")) {
            throw new IOException("not an HTTP/1.1 status line: " + status);
        }
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Head(Integer.parseInt(status.substring(9, 12)), headers);
    }

    /// The body that follows `head`, decoded (chunked, by `Content-Length`, or to the end).
    InputStream body(Head head) {
        if ("chunked".equalsIgnoreCase(head.header("transfer-encoding"))) {
            return new Chunked(in);
        }
        String length = head.header("content-length");
        return length == null ? in : new Limited(in, Long.parseLong(length));
    }

    /// The bytes after the head as they come, not decoded (to check the framing itself).
    InputStream rawBody() {
        return in;
    }

    /// Reads the whole response body as text.
    static String readAll(InputStream body) throws IOException {
        return new String(body.readAllBytes(), StandardCharsets.UTF_8);
    }

    /// Reads one line of `body` without its `\n` (or `\r\n`), or null at the end.
    static String readLine(InputStream body) throws IOException {
        var line = new ByteArrayOutputStream(128);
        int b;
        while ((b = body.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        byte[] bytes = line.toByteArray();
        int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }

    /// Reads and drops whatever the server still sends, and tells whether the server closed the
    /// connection (the stream ended, or was reset) before a read waited longer than the read timeout.
    boolean closedByServer() throws IOException {
        byte[] buffer = new byte[1 << 16];
        try {
            while (in.read(buffer) >= 0) {
                // Drain what was sent before the close.
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            // "Connection reset": the server closed with bytes of ours still unread.
            return true;
        }
    }

    /// Reads and drops whatever the server still sends, and tells whether the connection then
    /// ended with the server's FIN (true) or was reset (false): a server that closes with bytes
    /// of ours still unread resets it, which can destroy an answer the client had not read yet.
    boolean endedCleanly() throws IOException {
        byte[] buffer = new byte[1 << 16];
        try {
            while (in.read(buffer) >= 0) {
                // Drain what was sent before the close.
            }
            return true;
        } catch (SocketException e) {
            return false;
        }
    }

    /// Drops the connection with a TCP reset, as a crashed or killed client would.
    void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /// A chunked body, decoded.
    private static final class Chunked extends InputStream {
        private final InputStream in;
        private long left;
        private boolean ended;

        Chunked(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (ended) {
                return -1;
            }
            if (left == 0) {
                String size = readLine(in);
                if (size == null) {
                    throw new EOFException("the chunked response broke off");
                }
                int semicolon = size.indexOf(';');
                left = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                if (left == 0) {
                    // Trailers, then the empty line.
                    for (String line = readLine(in); line != null && !line.isEmpty(); line = readLine(in)) {
                        // Fanout sends no trailers; skip any.
                    }
                    ended = true;
                    return -1;
                }
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the chunked response broke off");
            }
            left -= n;
            if (left == 0) {
                readLine(in);
            }
            return n;
        }
    }

    /// A body of known length.
    private static final class Limited extends InputStream {
        private final InputStream in;
        private long left;

        Limited(InputStream in, long length) {
            this.in = in;
            this.left = length;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left == 0) {
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, left));
            if (n < 0) {
                throw new EOFException("the response ended " + left + " bytes early");
            }
            left -= n;
            return n;
        }
    }
}
