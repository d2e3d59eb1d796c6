package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http1.ResponseCase;
import dev.fanout.testserver.Connection;
import dev.fanout.testserver.Request;
import dev.fanout.testserver.Script;
import dev.fanout.testserver.ScriptedServer;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/// HTTPS upstreams through our own client: TLS over each pooled connection, the certificate
/// checked for the base URI's host, the handshake within the connect time-out, and every answer
/// of the shared table read as over plain HTTP. The keys are made for the test by the JDK's
/// `keytool`: one for `localhost` and 127.0.0.1, one for another name.
class TlsUpstreamTest {
    private static final String PASSWORD = "changeit";
    private static SSLContext localhostServer;
    private static SSLContext otherNameServer;
    private static SSLSocketFactory trustingBoth;

    @BeforeAll
    static void makeKeys(@TempDir Path dir) throws Exception {
        Path localhost = keyPair(dir, "localhost", "dns:localhost,ip:127.0.0.1");
        Path other = keyPair(dir, "other.example", "dns:other.example");
        localhostServer = serverContext(localhost);
        otherNameServer = serverContext(other);
        KeyStore trusted = KeyStore.getInstance("PKCS12");
        trusted.load(null, null);
        trusted.setCertificateEntry("localhost", load(localhost).getCertificate("key"));
        trusted.setCertificateEntry("other", load(other).getCertificate("key"));
        var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext client = SSLContext.getInstance("TLS");
        client.init(null, trust.getTrustManagers(), null);
        trustingBoth = client.getSocketFactory();
    }

    static List<ResponseCase> cases() {
        // Lookups send only GETs.
        return ResponseCase.all().stream().filter(response -> !response.headRequest()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void everyAnswerReadsAsOverPlainHttp(ResponseCase response) throws Exception {
        try (var upstream = ScriptedServer.with(connection -> answerOnce(connection, response)).tls(localhostServer).start();
                var transport = new DirectTransport(settings(upstream, "5s"), trustingBoth)) {
            Call call = transport.send("/customers/17", true, System.nanoTime());
            switch (response.expected()) {
                case ResponseCase.Answer(int status, String body, boolean _, int _) -> {
                    var answered = assertInstanceOf(Call.Answered.class, call, response.toString());
                    assertEquals(status, answered.status(), response.toString());
                    assertEquals(status / 100 == 2 ? body : "", new String(answered.body(), StandardCharsets.ISO_8859_1),
                            response.toString());
                }
                case ResponseCase.Failure _, ResponseCase.Nothing _ -> {
                    // A body over the limit is its own outcome; every other failure is the connection's.
                    if (!(call instanceof Call.BodyTooLarge)) {
                        assertInstanceOf(Call.ConnectionFailed.class, call, response + ": " + call);
                    }
                }
            }
        }
    }

    /// Helidon's client took an interim answer for the answer and left the final one on the
    /// connection, where the next call read it as its own.
    @Test
    @Timeout(30)
    void anInterimAnswerLeavesNothingBehindForTheNextCall() throws Exception {
        var script = Script.eachRequest((request, connection) -> {
            connection.write(request.target().endsWith("/1")
                    ? "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nfirst"
                    : "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond");
            return true;
        });
        try (var upstream = ScriptedServer.with(script).tls(localhostServer).start();
                var transport = new DirectTransport(settings(upstream, "5s"), trustingBoth)) {
            assertEquals("first", body(transport.send("/customers/1", true, System.nanoTime())));
            assertEquals("second", body(transport.send("/customers/2", true, System.nanoTime())));
            assertEquals(1, upstream.connections(), "one TLS connection, kept alive");
        }
    }

    @Test
    @Timeout(30)
    void aCertificateForAnotherNameIsRefused() throws Exception {
        try (var upstream = ScriptedServer.with(connection -> answerOnce(connection, null)).tls(otherNameServer).start();
                var transport = new DirectTransport(settings(upstream, "5s"), trustingBoth)) {
            var failed = assertInstanceOf(Call.ConnectionFailed.class, transport.send("/customers/1", true, System.nanoTime()));
            assertEquals("the TLS handshake or session failed", failed.reason());
            assertEquals(0, upstream.requests(), "no request went out");
        }
    }

    @Test
    @Timeout(30)
    void aCertificateTheJvmDoesNotTrustIsRefused() throws Exception {
        // The production path: the JVM's own trust store, which has never heard of the test's key.
        try (var upstream = ScriptedServer.with(connection -> answerOnce(connection, null)).tls(localhostServer).start();
                var transport = new DirectTransport(settings(upstream, "5s"))) {
            var failed = assertInstanceOf(Call.ConnectionFailed.class, transport.send("/customers/1", true, System.nanoTime()));
            assertEquals("the TLS handshake or session failed", failed.reason());
        }
    }

    @Test
    @Timeout(30)
    void aHandshakeThatNeverEndsIsAConnectTimeout() throws Exception {
        // A plain server that reads the client's hello and says nothing.
        try (var upstream = ScriptedServer.start(Connection::stall);
                var transport = new DirectTransport(settings(upstream, "5s", "connect-timeout", "300ms"), trustingBoth)) {
            long start = System.nanoTime();
            var failed = assertInstanceOf(Call.TimedOut.class, transport.send("/customers/1", true, start));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(failed.connecting(), "a connect time-out: retried, and said so");
            assertTrue(millis >= 250 && millis < 4_000, millis + " ms");
        }
    }

    @Test
    @Timeout(30)
    void aHandshakeTrickledAByteAtATimeEndsWithinTheConnectTimeoutInAll() throws Exception {
        // A TLS record header announcing 16 KiB of handshake, then a byte every 50 ms: a read
        // time-out would be reset at every byte.
        try (var upstream = ScriptedServer.start(connection -> {
            connection.write(new byte[] {0x16, 0x03, 0x03, 0x40, 0x00});
            for (int i = 0; i < 400; i++) {
                connection.pause(java.time.Duration.ofMillis(50));
                connection.write(new byte[] {0x01});
            }
        }); var transport = new DirectTransport(settings(upstream, "5s", "connect-timeout", "300ms"), trustingBoth)) {
            long start = System.nanoTime();
            var failed = assertInstanceOf(Call.TimedOut.class, transport.send("/customers/1", true, start));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(failed.connecting());
            assertTrue(millis >= 250 && millis < 2_000, millis + " ms");
        }
    }

    @Test
    void anHttpsUpstreamIsServedByOurOwnClient() {
        Config config = Config.just(ConfigSources.create(Map.of("fanout.upstreams.crm.base-uri", "https://127.0.0.1:9")));
        try (Upstreams upstreams = Upstreams.create(UpstreamSettings.from(config.get("fanout.upstreams")), null)) {
            assertNotNull(upstreams.upstream("crm").connectionPool());
        }
    }

    private static String body(Call call) {
        return new String(assertInstanceOf(Call.Answered.class, call).body(), StandardCharsets.US_ASCII);
    }

    private static void answerOnce(Connection connection, ResponseCase response) throws IOException {
        Request request = connection.readHead();
        if (request != null && response != null) {
            connection.write(response.raw());
        }
    }

    private static UpstreamSettings settings(ScriptedServer upstream, String timeout, String... more) {
        String prefix = "fanout.upstreams.crm.";
        var keys = new java.util.HashMap<String, String>(Map.of(
                prefix + "base-uri", "https://127.0.0.1:" + upstream.port(),
                prefix + "timeout", timeout,
                prefix + "retries", "0"));
        for (int i = 0; i < more.length; i += 2) {
            keys.put(prefix + more[i], more[i + 1]);
        }
        return UpstreamSettings.from(Config.just(ConfigSources.create(keys)).get("fanout.upstreams")).get("crm");
    }

    /// A PKCS12 key store holding one EC key pair, alias `key`, for `name` and the subject
    /// alternative names `san`, made by the running JDK's `keytool`.
    private static Path keyPair(Path dir, String name, String san) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-keyalg", "EC", "-groupname", "secp256r1",
                "-alias", "key", "-dname", "CN=" + name, "-ext", "SAN=" + san, "-validity", "2",
                "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD)
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, output);
        return store;
    }

    private static KeyStore load(Path store) throws IOException, GeneralSecurityException {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, PASSWORD.toCharArray());
        }
        return keys;
    }

    private static SSLContext serverContext(Path store) throws IOException, GeneralSecurityException {
        var keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(load(store), PASSWORD.toCharArray());
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys.getKeyManagers(), null, null);
        return context;
    }
}
