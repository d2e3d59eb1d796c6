package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/// `fanout.upstreams.NAME.*`: defaults, the settings read, and errors that name the key. The
/// duration forms are `ConfigDuration`'s (tested there).
class UpstreamSettingsTest {
    private static Map<String, UpstreamSettings> read(Map<String, String> keys) {
        return UpstreamSettings.from(Config.just(ConfigSources.create(keys)).get("fanout.upstreams"));
    }

    private static String failure(Map<String, String> keys) {
        return assertThrows(IllegalArgumentException.class, () -> read(keys)).getMessage();
    }

    @Test
    void defaultsApplyToEverythingButTheBaseUri() {
        UpstreamSettings crm = read(Map.of("fanout.upstreams.crm.base-uri", "http://crm.internal:8080/api/")).get("crm");

        assertEquals(new UpstreamSettings("crm", URI.create("http://crm.internal:8080/api"), Duration.ofSeconds(1),
                Duration.ofSeconds(2), 64, 2, Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(30),
                10_000, 20, Duration.ofSeconds(5)), crm);
    }

    @Test
    void everyDurationSettingIsRead() {
        UpstreamSettings crm = read(Map.of(
                "fanout.upstreams.crm.base-uri", "https://crm",
                "fanout.upstreams.crm.connect-timeout", "PT0.1S",
                "fanout.upstreams.crm.timeout", "PT0.2S",
                "fanout.upstreams.crm.backoff", "PT0.3S",
                "fanout.upstreams.crm.max-backoff", "PT0.4S",
                "fanout.upstreams.crm.cache-ttl", "PT0.5S",
                "fanout.upstreams.crm.breaker-open", "PT0.6S",
                "fanout.upstreams.crm.cache-size", "0")).get("crm");

        assertEquals(List.of(100, 200, 300, 400, 500, 600), Stream.of(crm.connectTimeout(), crm.timeout(),
                crm.backoff(), crm.maxBackoff(), crm.cacheTtl(), crm.breakerOpen()).map(d -> (int) d.toMillis()).toList());
        assertEquals(0, crm.cacheSize());
    }

    @Test
    void upstreamsKeepConfigurationOrderAndNoNodeMeansNone() {
        assertEquals(Map.of(), read(Map.of("fanout.limits.max-columns", "3")));
        assertEquals(2, read(Map.of("fanout.upstreams.crm.base-uri", "http://crm",
                "fanout.upstreams.billing.base-uri", "http://billing")).size());
    }

    @Test
    void invalidSettingsNameTheirKey() {
        assertTrue(failure(Map.of("fanout.upstreams.crm.timeout", "2s")).contains("fanout.upstreams.crm.base-uri is required"));
        assertTrue(failure(Map.of("fanout.upstreams.crm.base-uri", "ftp://crm")).contains("base-uri"));
        assertTrue(failure(Map.of("fanout.upstreams.crm.base-uri", "/relative")).contains("base-uri"));
        assertTrue(failure(Map.of("fanout.upstreams.crm.base-uri", "http://crm?x=1")).contains("base-uri"));
        String badDuration = failure(Map.of("fanout.upstreams.crm.base-uri", "http://crm",
                "fanout.upstreams.crm.timeout", "soon"));
        assertTrue(badDuration.contains("fanout.upstreams.crm") && badDuration.contains("timeout 'soon'"), badDuration);
        assertTrue(failure(Map.of("fanout.upstreams.crm.base-uri", "http://crm",
                "fanout.upstreams.crm.max-concurrency", "0")).contains("max-concurrency"));
        assertTrue(failure(Map.of("fanout.upstreams.crm.base-uri", "http://crm",
                "fanout.upstreams.crm.retries", "many")).contains("retries"));
        assertTrue(failure(Map.of("fanout.upstreams.crm.base-uri", "http://crm",
                "fanout.upstreams.crm.backoff", "2s", "fanout.upstreams.crm.max-backoff", "1s")).contains("max-backoff"));
        assertTrue(failure(Map.of("fanout.upstreams.crm.base-uri", "http://crm",
                "fanout.upstreams.crm.max-concurency", "8")).contains("fanout.upstreams.crm.max-concurency"));
    }
}
