package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.util.Map;
import org.junit.jupiter.api.Test;

/// Request targets: each path checked, and its template kept only while it is small, since
/// uploaded schemas choose the paths.
class RequestTargetTest {
    private static RequestTarget targets() {
        Config config = Config.just(ConfigSources.create(Map.of("fanout.upstreams.crm.base-uri", "http://127.0.0.1:9/api")));
        return new RequestTarget(UpstreamSettings.from(config.get("fanout.upstreams")).get("crm"));
    }

    @Test
    void aShortPathsTemplateIsKeptAndALongOneIsCheckedAtEachCall() {
        RequestTarget targets = targets();
        assertEquals("/api/customers/a%2Fb", targets.target("/customers/{value}", "a/b"));
        assertEquals("/api/customers/c", targets.target("/customers/{value}", "c"));
        assertEquals(1, targets.kept());

        String longPath = "/" + "p".repeat(2_000) + "/{value}";
        for (int i = 0; i < 2; i++) {
            assertEquals("/api/" + "p".repeat(2_000) + "/v" + i, targets.target(longPath, "v" + i));
        }
        assertEquals(1, targets.kept(), "a long path's template is not kept");
        // Still checked, each time.
        String leaving = "@evil.example" + "/x".repeat(1_000) + "/{value}";
        for (int i = 0; i < 2; i++) {
            assertThrows(IllegalArgumentException.class, () -> targets.target(leaving, "v"));
        }
    }
}
