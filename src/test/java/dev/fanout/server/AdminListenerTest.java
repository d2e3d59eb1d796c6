package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The admin surface apart from the public one: with an `admin` listener configured, metrics,
/// stats (reset included) and health are served there and nowhere else; without one, the public
/// port can refuse resets; a listener of another name is refused at start; and either listener
/// speaks TLS when Helidon's `tls` configuration says so (a self-signed certificate made here).
class AdminListenerTest {
    private static final String PASSWORD = "fanout-test";

    @TempDir
    Path dir;

    @Test
    void metricsStatsAndHealthLiveOnTheAdminListenerOnly() throws Exception {
        Path config = Files.writeString(dir.resolve("fanout.yaml"), """
                server:
                  sockets:
                    - name: admin
                      host: 127.0.0.1
                      port: 0
                """);
        try (var gateway = TestGateway.start(Optional.of(config), Map.of(), Map.of())) {
            int admin = gateway.server().adminPort().orElseThrow();
            assertTrue(admin != gateway.port(), "two listeners");
            assertEquals(200, gateway.postCsv("/v1/validate?schema=people", TestGateway.PROBE.csv()).statusCode());
            for (String path : List.of("/metrics", "/v1/stats", "/v1/stats/request.hdr", "/observe/health/ready")) {
                TestGateway.assertProblem(gateway.get(path), 404, "not_found");
            }
            TestGateway.assertProblem(gateway.post("/v1/stats/reset", "text/plain", new byte[0]), 404, "not_found");

            var client = HttpClient.newHttpClient();
            HttpResponse<String> metrics = get(client, "http://127.0.0.1:" + admin + "/metrics");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("fanout_requests_total{status=\"200\"} 1"), metrics.body());
            assertEquals(204, get(client, "http://127.0.0.1:" + admin + "/observe/health/ready").statusCode());
            assertEquals(204, get(client, "http://127.0.0.1:" + admin + "/observe/health/live").statusCode());
            assertEquals(204, get(client, "http://127.0.0.1:" + admin + "/observe/health/started").statusCode());
            assertEquals(204, client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin + "/v1/stats/reset"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
            assertTrue(get(client, "http://127.0.0.1:" + admin + "/metrics").body().contains("fanout_request_seconds_count 0"),
                    "the reset took");
            TestGateway.assertProblem(get(client, "http://127.0.0.1:" + admin + "/v1/validate?schema=people"), 404, "not_found");
            gateway.assertStillServes();
        }
    }

    @Test
    void thePublicPortCanRefuseResets() throws Exception {
        try (var gateway = TestGateway.start(Optional.empty(), Map.of("fanout.stats.reset-on-public-port", "false"), Map.of())) {
            assertEquals(200, gateway.postCsv("/v1/validate?schema=people", TestGateway.PROBE.csv()).statusCode());
            var refused = TestGateway.assertProblem(gateway.post("/v1/stats/reset", "text/plain", new byte[0]), 403, "reset_refused");
            assertTrue(refused.get("detail").asText().contains("fanout.stats.reset-on-public-port"), refused.toString());
            assertTrue(gateway.get("/metrics").body().contains("fanout_requests_total{status=\"200\"} 1"), "nothing was reset");
            assertEquals(204, gateway.get("/observe/health/ready").statusCode(), "health stays on the public port");
        }
    }

    @Test
    void aListenerOfAnotherNameIsRefusedAtStart() throws Exception {
        Path config = Files.writeString(dir.resolve("fanout.yaml"), """
                server:
                  sockets:
                    - name: private
                      port: 0
                """);
        var e = assertThrows(IllegalArgumentException.class, () -> TestGateway.start(Optional.of(config), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("'private'") && e.getMessage().contains("'admin'"), e.getMessage());
    }

    @Test
    void bothListenersSpeakTlsWhenConfigured() throws Exception {
        Path keystore = selfSignedKeystore();
        Path config = Files.writeString(dir.resolve("fanout.yaml"), """
                server:
                  tls:
                    private-key:
                      keystore:
                        passphrase: "%1$s"
                        key:
                          alias: fanout
                        resource:
                          path: "%2$s"
                  sockets:
                    - name: admin
                      host: 127.0.0.1
                      port: 0
                      tls:
                        private-key:
                          keystore:
                            passphrase: "%1$s"
                            key:
                              alias: fanout
                            resource:
                              path: "%2$s"
                """.formatted(PASSWORD, keystore));
        try (var gateway = TestGateway.start(Optional.of(config), Map.of(), Map.of())) {
            var client = HttpClient.newBuilder().sslContext(trusting(keystore)).connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<String> validated = client.send(HttpRequest.newBuilder(
                    URI.create("https://localhost:" + gateway.port() + "/v1/validate?schema=people"))
                    .header("Content-Type", "text/csv").POST(HttpRequest.BodyPublishers.ofString(TestGateway.PROBE.csv())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, validated.statusCode());
            assertEquals(TestGateway.PROBE.ndjsonAll(), validated.body());
            int admin = gateway.server().adminPort().orElseThrow();
            assertEquals(204, get(client, "https://localhost:" + admin + "/observe/health/ready").statusCode());
            // Plain HTTP on a TLS port gets no answer: nothing is served in clear text.
            assertThrows(IOException.class, () -> gateway.get("/v1/schemas"));
        }
    }

    private Path selfSignedKeystore() throws Exception {
        Path keystore = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "fanout", "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(keytool.waitFor(30, TimeUnit.SECONDS) && keytool.exitValue() == 0, "keytool: " + output);
        return keystore;
    }

    private static SSLContext trusting(Path keystore) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keystore)) {
            store.load(in, PASSWORD.toCharArray());
        }
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    private static HttpResponse<String> get(HttpClient client, String url) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
