package dev.fanout.upstream;

import dev.fanout.config.ConfigDuration;
import io.helidon.config.Config;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/// One upstream as configured under `fanout.upstreams.NAME`: where it is and how hard Fanout may
/// lean on it. `baseUri` is absolute `http`/`https` with a host, no query, fragment or user info,
/// and no trailing `/` (a lookup's path, which starts with `/`, is appended to it). `retries` is the
/// number of calls after the first (so at most `retries + 1` calls per value); `backoff` is the
/// base of the jittered exponential wait between them, capped at `maxBackoff`. A zero `cacheTtl` or
/// `cacheSize` turns the answer cache off. The circuit opens after `breakerFailures` consecutive
/// failed calls and stays open for `breakerOpen` before one trial call is let through. Immutable;
/// the constructor checks every component and names the configuration key in its messages.
public record UpstreamSettings(
        String name,
        URI baseUri,
        Duration connectTimeout,
        Duration timeout,
        int maxConcurrency,
        int retries,
        Duration backoff,
        Duration maxBackoff,
        Duration cacheTtl,
        int cacheSize,
        int breakerFailures,
        Duration breakerOpen) {

    // The name becomes a histogram tag and a Prometheus label: the same alphabet as LatencyHistograms.
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Set<String> KEYS = Set.of("base-uri", "connect-timeout", "timeout", "max-concurrency",
            "retries", "backoff", "max-backoff", "cache-ttl", "cache-size", "breaker-failures", "breaker-open");
    // More retries than this only multiplies the load on an upstream that is already failing.
    private static final int MAX_RETRIES = 10;

    public UpstreamSettings {
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(baseUri, "base-uri must not be null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("upstream name '" + name + "' must be letters, digits, '_' or '-'");
        }
        baseUri = checkedBaseUri(baseUri);
        requirePositive("connect-timeout", connectTimeout);
        requirePositive("timeout", timeout);
        requireNotNegative("backoff", backoff);
        requireNotNegative("max-backoff", maxBackoff);
        requireNotNegative("cache-ttl", cacheTtl);
        requirePositive("breaker-open", breakerOpen);
        if (maxBackoff.compareTo(backoff) < 0) {
            throw new IllegalArgumentException("max-backoff (" + maxBackoff + ") must not be below backoff (" + backoff + ")");
        }
        requireWithin("max-concurrency", maxConcurrency, 1, Integer.MAX_VALUE);
        requireWithin("retries", retries, 0, MAX_RETRIES);
        requireWithin("cache-size", cacheSize, 0, Integer.MAX_VALUE);
        requireWithin("breaker-failures", breakerFailures, 1, Integer.MAX_VALUE);
    }

    /// Reads every child of `upstreams` (the `fanout.upstreams` node) as one upstream, in
    /// configuration order; a missing node means no upstreams. Defaults: `connect-timeout` 1s,
    /// `timeout` 2s (per call), `max-concurrency` 64, `retries` 2, `backoff` 50ms, `max-backoff` 1s,
    /// `cache-ttl` 30s, `cache-size` 10000, `breaker-failures` 20, `breaker-open` 5s. Durations are
    /// ISO-8601 (`PT0.5S`) or `500ms` / `2s`.
    ///
    /// @throws IllegalArgumentException naming the key when `base-uri` is missing, a value is
    ///         malformed or out of range, or a key is unknown (a typo must not silently fall back to
    ///         a default)
    public static Map<String, UpstreamSettings> from(Config upstreams) {
        Objects.requireNonNull(upstreams, "upstreams must not be null");
        if (!upstreams.exists()) {
            return Map.of();
        }
        Map<String, UpstreamSettings> byName = new LinkedHashMap<>();
        for (Config node : upstreams.asNodeList().orElse(List.of())) {
            byName.put(node.name(), fromNode(node));
        }
        return Collections.unmodifiableMap(byName);
    }

    private static UpstreamSettings fromNode(Config node) {
        String prefix = node.key().toString();
        for (Config child : node.asNodeList().orElse(List.of())) {
            if (!KEYS.contains(child.name())) {
                throw new IllegalArgumentException(child.key() + " is not an upstream setting (known: "
                        + KEYS.stream().sorted().toList() + ")");
            }
        }
        String baseUri = node.get("base-uri").asString()
                .orElseThrow(() -> new IllegalArgumentException(prefix + ".base-uri is required"));
        try {
            return new UpstreamSettings(
                    node.name(),
                    parseUri(prefix, baseUri),
                    duration(node, "connect-timeout", Duration.ofSeconds(1)),
                    duration(node, "timeout", Duration.ofSeconds(2)),
                    integer(node, "max-concurrency", 64),
                    integer(node, "retries", 2),
                    duration(node, "backoff", Duration.ofMillis(50)),
                    duration(node, "max-backoff", Duration.ofSeconds(1)),
                    duration(node, "cache-ttl", Duration.ofSeconds(30)),
                    integer(node, "cache-size", 10_000),
                    integer(node, "breaker-failures", 20),
                    duration(node, "breaker-open", Duration.ofSeconds(5)));
        } catch (IllegalArgumentException e) {
            // The constructor names the setting; add which upstream it belongs to.
            throw new IllegalArgumentException(prefix + ": " + e.getMessage(), e);
        }
    }

    private static URI parseUri(String prefix, String text) {
        try {
            return new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(prefix + ".base-uri '" + text + "' is not a URI: " + e.getMessage(), e);
        }
    }

    private static URI checkedBaseUri(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw new IllegalArgumentException("base-uri must be an absolute http or https URI with a host, was '" + uri + "'");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("base-uri must not have a query, fragment or user info, was '" + uri + "'");
        }
        String text = uri.toString();
        // "http://crm/api/" + "/customers/1" would give "//": paths are appended to a base without the slash.
        return text.endsWith("/") ? URI.create(text.substring(0, text.length() - 1)) : uri;
    }

    private static int integer(Config node, String key, int fallback) {
        String text = node.get(key).asString().orElse(null);
        if (text == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, not '" + text + "'", e);
        }
    }

    private static Duration duration(Config node, String key, Duration fallback) {
        String text = node.get(key).asString().orElse(null);
        if (text == null) {
            return fallback;
        }
        try {
            return ConfigDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " " + e.getMessage(), e);
        }
    }

    private static void requirePositive(String key, Duration value) {
        Objects.requireNonNull(value, key + " must not be null");
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be positive, was " + value);
        }
    }

    private static void requireNotNegative(String key, Duration value) {
        Objects.requireNonNull(value, key + " must not be null");
        if (value.isNegative()) {
            throw new IllegalArgumentException(key + " must not be negative, was " + value);
        }
    }

    private static void requireWithin(String key, int value, int min, int max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be within " + min + ".." + max + ", was " + value);
        }
    }
}
