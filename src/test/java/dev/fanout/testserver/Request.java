package dev.fanout.testserver;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/// One request as a [ScriptedServer] read it: `head` is its exact bytes up to and with the empty
/// line, `headers` are keyed by lower-case name. `bodyLength` is -1 when only the head was read;
/// `body` is kept up to [ScriptedServer#KEEP_BODY] bytes (else `null`), and `sha256` is of the
/// whole body, computed while reading it (`null` with the head only).
public record Request(byte[] head, String requestLine, Map<String, String> headers, long bodyLength, byte[] body,
        String sha256) {
    public Request {
        headers = Map.copyOf(headers);
    }

    /// The value of header `name` (any case), or `null`.
    public String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /// The request target of the request line, with its query: `/customers/17?x=1`.
    public String target() {
        int start = requestLine.indexOf(' ') + 1;
        int end = requestLine.indexOf(' ', start);
        return end < 0 ? requestLine.substring(start) : requestLine.substring(start, end);
    }

    /// The target's path, without its query.
    public String path() {
        String target = target();
        int query = target.indexOf('?');
        return query < 0 ? target : target.substring(0, query);
    }

    /// The head as text (ISO-8859-1, so each byte is one character).
    public String headText() {
        return new String(head, StandardCharsets.ISO_8859_1);
    }
}
