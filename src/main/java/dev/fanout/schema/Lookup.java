package dev.fanout.schema;

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
}
