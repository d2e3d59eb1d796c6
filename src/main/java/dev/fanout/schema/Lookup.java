package dev.fanout.schema;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/// A field's `x-lookup`: the configured upstream to ask (by name only: a schema can never supply
/// a URL or a host), the path template with `{value}` (the cell, URL-encoded by the caller), and
/// the `enrich` map — output name → JSON pointer into the upstream's response — in document order.
/// Immutable.
public record Lookup(String upstream, String path, Map<String, String> enrich) {
    public Lookup {
        Objects.requireNonNull(upstream, "upstream must not be null");
        Objects.requireNonNull(path, "path must not be null");
        enrich = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(enrich));
    }

    /// `path` as it is sent: ASCII, with spaces, control characters and every non-ASCII character
    /// percent-encoded as UTF-8; the rest as written. The schema's check and the request's target
    /// both start from it, so that a path the schema accepts is one the upstream can be asked.
    public static String asciiPath(String path) {
        var ascii = new StringBuilder(path.length());
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            if (b > 0x20 && b < 0x7F) {
                ascii.append((char) b);
            } else {
                ascii.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xF, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xF, 16)));
            }
        }
        return ascii.toString();
    }
}
