package dev.fanout.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/// Turns the head of an HTTP/1.0 request into the head of an equivalent HTTP/1.1 request, so that
/// Helidon's HTTP/1.1 connection can serve it: the version becomes `HTTP/1.1`, `Connection`
/// becomes `close` (HTTP/1.0 keep-alive is not offered: RFC 9112 §9.3 lets a server close after
/// any response), and a missing `Host` (optional in 1.0, required in 1.1) becomes the address the
/// request came to. Every other line is kept byte for byte, the body is not touched.
///
/// Fed the connection's first bytes as they come; `complete` once the head's blank line is in.
/// One per connection; not thread-safe.
final class Http10Request {
    private final ByteArrayOutputStream received = new ByteArrayOutputStream(512);
    private final int maxHeadBytes;
    private final String localHost;

    /// `maxHeadBytes`: beyond this without a blank line the head is passed on unchanged, for
    /// Helidon to refuse as too large; `localHost`: the `Host` value to add when there is none.
    Http10Request(int maxHeadBytes, String localHost) {
        this.maxHeadBytes = maxHeadBytes;
        this.localHost = localHost;
    }

    /// Adds bytes read from the connection.
    void add(byte[] bytes) {
        received.write(bytes, 0, bytes.length);
    }

    /// Whether the head is all in (or too large to wait for).
    boolean complete() {
        return headEnd(received.toByteArray()) >= 0 || received.size() > maxHeadBytes;
    }

    /// Everything received, its head rewritten (or unchanged when it is too large).
    byte[] rewritten() {
        byte[] bytes = received.toByteArray();
        int end = headEnd(bytes);
        if (end < 0) {
            return bytes;
        }
        String head = new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n", -1);
        var out = new StringBuilder(head.length() + 64);
        String requestLine = lines[0];
        if (requestLine.endsWith(" HTTP/1.0")) {
            requestLine = requestLine.substring(0, requestLine.length() - " HTTP/1.0".length()) + " HTTP/1.1";
        }
        out.append(requestLine).append("\r\n");
        boolean host = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            String name = headerName(line);
            if (name.equals("connection") || name.equals("keep-alive")) {
                continue;
            }
            host |= name.equals("host");
            out.append(line).append("\r\n");
        }
        if (!host) {
            out.append("Host: ").append(localHost).append("\r\n");
        }
        out.append("Connection: close\r\n\r\n");
        byte[] newHead = out.toString().getBytes(StandardCharsets.ISO_8859_1);
        int bodyFrom = end + 4;
        byte[] all = Arrays.copyOf(newHead, newHead.length + bytes.length - bodyFrom);
        System.arraycopy(bytes, bodyFrom, all, newHead.length, bytes.length - bodyFrom);
        return all;
    }

    private static String headerName(String line) {
        int colon = line.indexOf(':');
        return (colon < 0 ? line : line.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    }

    /// Where the head's closing `\r\n\r\n` starts, or -1.
    private static int headEnd(byte[] bytes) {
        for (int i = 0; i + 3 < bytes.length; i++) {
            if (bytes[i] == '\r' && bytes[i + 1] == '\n' && bytes[i + 2] == '\r' && bytes[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
