package dev.fanout.testserver;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/// The server's end of one accepted connection, as a [Script] sees it: the steps a script is made
/// of. Reads are buffered; every write is flushed at once, and with `TCP_NODELAY` each write
/// leaves as its own segment, so pieces written apart arrive apart.
public final class Connection {
    private final Socket socket;
    private final int index;
    private final ScriptedServer server;
    private final InputStream in;
    private final OutputStream out;

    Connection(Socket socket, int index, ScriptedServer server) throws IOException {
        this.socket = socket;
        this.index = index;
        this.server = server;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 << 10);
        this.out = socket.getOutputStream();
    }

    /// 0 for the first connection the server accepted, 1 for the next, ….
    public int index() {
        return index;
    }

    // ---- reading ----

    /// Reads one whole request (head and `Content-Length` body) and records it with the server;
    /// `null` when the client closed the connection before sending anything more (counted as a
    /// close by the client).
    public Request read() throws IOException {
        Request head = readHeadOnly();
        if (head == null) {
            return null;
        }
        String length = head.header("content-length");
        long bodyLength = length == null ? 0 : Long.parseLong(length);
        MessageDigest sha = sha256();
        var kept = bodyLength <= ScriptedServer.KEEP_BODY ? new ByteArrayOutputStream() : null;
        byte[] buffer = new byte[64 << 10];
        for (long left = bodyLength; left > 0; ) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new AssertionError("the request body ended " + left + " bytes early");
            }
            sha.update(buffer, 0, n);
            if (kept != null) {
                kept.write(buffer, 0, n);
            }
            left -= n;
        }
        var request = new Request(head.head(), head.requestLine(), head.headers(), bodyLength,
                kept == null ? null : kept.toByteArray(), HexFormat.of().formatHex(sha.digest()));
        server.received(request);
        return request;
    }

    /// Reads a request's line and headers only, leaving any body unread, and records it (its
    /// `bodyLength` is -1); `null` as in [#read].
    public Request readHead() throws IOException {
        Request head = readHeadOnly();
        if (head != null) {
            server.received(head);
        }
        return head;
    }

    private Request readHeadOnly() throws IOException {
        var head = new ByteArrayOutputStream();
        String requestLine = readLine(head);
        if (requestLine == null) {
            server.countCloseByClient();
            return null;
        }
        Map<String, String> headers = new HashMap<>();
        for (String line = readLine(head); !line.isEmpty(); line = readLine(head)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new AssertionError("a request header without a colon: " + line);
            }
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return new Request(head.toByteArray(), requestLine, headers, -1, null, null);
    }

    /// One CRLF-ended line without its CRLF, its bytes appended to `head`; `null` at an end of
    /// stream before the line's first byte.
    private String readLine(ByteArrayOutputStream head) throws IOException {
        int start = head.size();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                if (head.size() == 0) {
                    return null;
                }
                throw new AssertionError("the request ended inside its head: "
                        + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        head.write('\n');
        byte[] all = head.toByteArray();
        String line = new String(all, start, all.length - start, StandardCharsets.ISO_8859_1);
        if (!line.endsWith("\r\n")) {
            throw new AssertionError("a request line not ended by CRLF: " + line);
        }
        return line.substring(0, line.length() - 2);
    }

    /// Reads exactly `n` bytes.
    public byte[] readBytes(int n) throws IOException {
        byte[] bytes = in.readNBytes(n);
        if (bytes.length < n) {
            throw new AssertionError("the client sent " + bytes.length + " of " + n + " bytes and closed");
        }
        return bytes;
    }

    /// Reads until the client closes the connection (counted as a close by the client), and
    /// returns what it sent in the meantime.
    public byte[] readUntilClose() throws IOException {
        byte[] rest = in.readAllBytes();
        server.countCloseByClient();
        return rest;
    }

    // ---- writing ----

    public void write(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /// Writes `text` as ISO-8859-1, one byte a character.
    public void write(String text) throws IOException {
        write(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /// Writes each piece on its own, `pause` after each.
    public void writePieces(Duration pause, byte[]... pieces) throws IOException, InterruptedException {
        for (byte[] piece : pieces) {
            write(piece);
            pause(pause);
        }
    }

    /// Writes `bytes` `pieceSize` at a time, `pause` after each piece.
    public void trickle(byte[] bytes, int pieceSize, Duration pause) throws IOException, InterruptedException {
        for (int offset = 0; offset < bytes.length; offset += pieceSize) {
            write(Arrays.copyOfRange(bytes, offset, Math.min(bytes.length, offset + pieceSize)));
            pause(pause);
        }
    }

    // ---- time and the end of the connection ----

    /// Sleeps for `length` (the server's close interrupts it).
    public void pause(Duration length) throws InterruptedException {
        if (length.isPositive()) {
            Thread.sleep(length);
        }
    }

    /// Holds the connection, reading and writing nothing, until the server closes.
    public void stall() throws InterruptedException {
        Thread.sleep(Long.MAX_VALUE);
    }

    /// Ends the server's sending side (a FIN); the client can still send.
    public void halfClose() throws IOException {
        socket.shutdownOutput();
    }

    /// Closes the connection (a FIN).
    public void close() throws IOException {
        socket.close();
    }

    /// Resets the connection (an RST: `SO_LINGER` 0, then close).
    public void reset() throws IOException {
        socket.setSoLinger(true, 0);
        socket.close();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
