package dev.fanout.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/// Turns the bytes of Helidon's HTTP/1.1 response into a response an HTTP/1.0 client can read: an
/// HTTP/1.0 client knows no chunked encoding (RFC 9112 §6.1), so `Transfer-Encoding: chunked` is
/// dropped from the head and the chunks' framing from the body, which then ends where the
/// connection does (`Connection: close` is in the head already: the request was rewritten to ask
/// for it). The status line keeps `HTTP/1.1`, as RFC 9110 §6.2 asks of a server that speaks 1.1.
/// A response with a `Content-Length` passes through unchanged.
///
/// Fed the response's bytes in the order they are written; returns what to send for each piece.
/// One per connection and response; not thread-safe.
final class Http10Response {
    private enum State { HEAD, PASS, SIZE, DATA, DATA_END, TRAILERS, DONE }

    private State state = State.HEAD;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);
    private long chunkLeft;
    /// The last four bytes of the head seen, to find its blank line.
    private int headTail;

    /// The bytes to send in place of `bytes` (possibly none).
    byte[] translate(byte[] bytes) {
        var out = new ByteArrayOutputStream(bytes.length);
        int i = 0;
        while (i < bytes.length) {
            switch (state) {
                case HEAD -> {
                    byte b = bytes[i++];
                    pending.write(b);
                    headTail = headTail << 8 | (b & 0xff);
                    if (headTail == 0x0d0a0d0a) {
                        headTail = 0;
                        out.writeBytes(head(pending.toString(StandardCharsets.ISO_8859_1)));
                        pending.reset();
                    }
                }
                case PASS -> {
                    out.write(bytes, i, bytes.length - i);
                    i = bytes.length;
                }
                case SIZE, TRAILERS -> {
                    byte b = bytes[i++];
                    if (b != '\n') {
                        pending.write(b);
                        continue;
                    }
                    String line = pending.toString(StandardCharsets.ISO_8859_1).strip();
                    pending.reset();
                    if (state == State.TRAILERS) {
                        state = line.isEmpty() ? State.DONE : State.TRAILERS;
                    } else {
                        chunkLeft = chunkSize(line);
                        state = chunkLeft == 0 ? State.TRAILERS : State.DATA;
                    }
                }
                case DATA -> {
                    int n = (int) Math.min(chunkLeft, bytes.length - i);
                    out.write(bytes, i, n);
                    i += n;
                    chunkLeft -= n;
                    if (chunkLeft == 0) {
                        state = State.DATA_END;
                    }
                }
                case DATA_END -> {
                    // The CRLF after a chunk's data.
                    if (bytes[i++] == '\n') {
                        state = State.SIZE;
                    }
                }
                case DONE -> i = bytes.length;
            }
        }
        return out.toByteArray();
    }

    @SuppressWarnings("StringSplitter") // a head ends with one CRLF: no trailing empty line wanted
    private byte[] head(String head) {
        if (head.startsWith("HTTP/1.1 1")) {
            // No 1xx goes to an HTTP/1.0 client (RFC 9110 §15.2); the real head follows.
            return new byte[0];
        }
        var out = new StringBuilder(head.length());
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            if (line.isEmpty()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("transfer-encoding")
                    && line.substring(colon + 1).trim().toLowerCase(Locale.ROOT).endsWith("chunked")) {
                chunked = true;
                continue;
            }
            out.append(line).append("\r\n");
        }
        out.append("\r\n");
        state = chunked ? State.SIZE : State.PASS;
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    private static long chunkSize(String line) {
        int semicolon = line.indexOf(';');
        String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
        try {
            return Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
            // Helidon frames its own chunks: this cannot happen short of a bug; end the body.
            return 0;
        }
    }
}
