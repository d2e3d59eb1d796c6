package dev.fanout.upstream;

import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.fanout.schema.Lookup;
import dev.fanout.testserver.ScriptedServer;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/// Test fixtures: a WireMock upstream on 127.0.0.1 with a dynamic port, upstream settings built
/// through the real configuration path (for WireMock or a [ScriptedServer]), a JSON answer for a
/// scripted server, and a probe that counts calls in flight at the server.
final class Stubs {
    static final String CRM = "crm";

    private Stubs() {
    }

    static WireMockExtension wireMock() {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().bindAddress("127.0.0.1").extensions(new Probe()))
                .build();
    }

    /// Upstreams with one upstream `crm` at `wireMock`; `settings` are `key, value` pairs under
    /// `fanout.upstreams.crm` overriding the test defaults (backoff 10ms, so retries are quick).
    static Upstreams upstreams(WireMockExtension wireMock, String... settings) {
        return upstreamsAt("http://127.0.0.1:" + wireMock.getPort(), settings);
    }

    /// Upstreams with one upstream `crm` at a scripted `server`; `settings` as above.
    static Upstreams upstreams(ScriptedServer server, String... settings) {
        return upstreamsAt(server.baseUri(), settings);
    }

    /// Upstreams with one upstream `crm` at `baseUri`; `settings` as above.
    static Upstreams upstreamsAt(String baseUri, String... settings) {
        Map<String, String> keys = new HashMap<>();
        String prefix = "fanout.upstreams." + CRM + ".";
        keys.put(prefix + "base-uri", baseUri);
        keys.put(prefix + "backoff", "10ms");
        for (int i = 0; i < settings.length; i += 2) {
            keys.put(prefix + settings[i], settings[i + 1]);
        }
        Config config = Config.just(ConfigSources.create(keys));
        return Upstreams.create(UpstreamSettings.from(config.get("fanout.upstreams")), null);
    }

    /// A whole `HTTP/1.1 200` answer with `body` as JSON and its length, for a scripted server.
    static byte[] okJson(String body) {
        byte[] json = body.getBytes(StandardCharsets.UTF_8);
        var answer = new ByteArrayOutputStream();
        answer.writeBytes(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + json.length
                + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        answer.writeBytes(json);
        return answer.toByteArray();
    }

    /// `/customers/{value}` on `crm`, enriching `pointers` (name, pointer, name, pointer, …).
    static Lookup customer(String... pointers) {
        Map<String, String> enrich = new LinkedHashMap<>();
        for (int i = 0; i < pointers.length; i += 2) {
            enrich.put(pointers[i], pointers[i + 1]);
        }
        return new Lookup(CRM, "/customers/{value}", enrich);
    }

    static int calls(WireMockExtension wireMock) {
        return wireMock.getAllServeEvents().size();
    }

    /// A response transformer (`withTransformers("probe")`) that holds each response for the
    /// stub's `holdMillis` parameter while counting the calls held at once: the server's own view
    /// of concurrency, so no client-side timing is involved.
    static final class Probe implements ResponseTransformerV2 {
        static final AtomicInteger IN_FLIGHT = new AtomicInteger();
        static final AtomicInteger MAX_IN_FLIGHT = new AtomicInteger();
        static volatile CountDownLatch arrived = new CountDownLatch(1);

        static void reset() {
            IN_FLIGHT.set(0);
            MAX_IN_FLIGHT.set(0);
            arrived = new CountDownLatch(1);
        }

        @Override
        public Response transform(Response response, ServeEvent serveEvent) {
            int now = IN_FLIGHT.incrementAndGet();
            MAX_IN_FLIGHT.accumulateAndGet(now, Math::max);
            arrived.countDown();
            try {
                Thread.sleep(serveEvent.getTransformerParameters().getInt("holdMillis"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                IN_FLIGHT.decrementAndGet();
            }
            return response;
        }

        @Override
        public boolean applyGlobally() {
            return false;
        }

        @Override
        public String getName() {
            return "probe";
        }
    }
}
