package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.metrics.SliceClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/// A real gateway on a free port of 127.0.0.1, with settings of the test's choosing, and small
/// HTTP helpers around the JDK's client. `RawConnection` covers what that client cannot do.
/// A test class that needs one gateway for all its tests registers a [GatewayExtension], which is
/// this with a lifecycle; a test that needs a gateway of its own opens one with [#start]. The few
/// methods tests of other packages need through a [GatewayExtension] are public.
sealed class TestGateway implements AutoCloseable permits GatewayExtension {
    static final ObjectMapper JSON = new ObjectMapper();
    /// A small request whose exact answer is known, to show that the server still works.
    static final People.File PROBE = People.file(1, 3, id -> id == 2 ? People.Kind.BAD_AGE : People.Kind.VALID);

    /// Null until a [GatewayExtension] has started its gateway.
    private FanoutServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    TestGateway(FanoutServer server) {
        this.server = server;
    }

    /// The server itself, for what the HTTP helpers cannot see (threads, admission places).
    public FanoutServer server() {
        return server;
    }

    /// Used by [GatewayExtension], whose gateway starts after it is built.
    void attach(FanoutServer started) {
        this.server = started;
    }

    /// Starts a gateway over the schema folder `schemasDir` with `settings` as flags (full keys).
    static TestGateway start(Path schemasDir, Map<String, String> settings) {
        return start(schemasDir, settings, SliceClock.system());
    }

    /// As above, with the histograms' slices cut by `clock` (a test's [dev.fanout.metrics.ManualSliceClock]).
    static TestGateway start(Path schemasDir, Map<String, String> settings, SliceClock clock) {
        Map<String, String> flags = new HashMap<>(settings);
        flags.put("fanout.schemas.dir", schemasDir.toString());
        return new TestGateway(startServer(Optional.empty(), flags, Map.of(), clock));
    }

    /// Starts a gateway from the three configuration layers, on a free port of 127.0.0.1.
    static TestGateway start(Optional<Path> configFile, Map<String, String> flags, Map<String, String> environment) {
        return new TestGateway(startServer(configFile, flags, environment, SliceClock.system()));
    }

    static FanoutServer startServer(Optional<Path> configFile, Map<String, String> flags,
            Map<String, String> environment, SliceClock clock) {
        Map<String, String> local = new HashMap<>(flags);
        local.put("server.port", "0");
        local.put("server.host", "127.0.0.1");
        return FanoutServer.start(FanoutConfig.load(configFile, local, environment), clock);
    }

    public int port() {
        return server.port();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return withoutInternals(client.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    HttpResponse<String> postCsv(String pathAndQuery, String csv) throws IOException, InterruptedException {
        return post(pathAndQuery, "text/csv", csv.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    HttpResponse<String> postMultipart(String pathAndQuery, Multipart body) throws IOException, InterruptedException {
        return post(pathAndQuery, Multipart.CONTENT_TYPE, body.bytes());
    }

    HttpResponse<String> post(String pathAndQuery, String contentType, byte[] body) throws IOException, InterruptedException {
        return withoutInternals(client.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /// Posts `body` without any `Content-Type` header.
    HttpResponse<String> postWithoutContentType(String pathAndQuery, byte[] body) throws IOException, InterruptedException {
        return withoutInternals(client.send(HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()));
    }

    /// Asserts that a plain validation on this server still gets its exact answer.
    void assertStillServes() throws IOException, InterruptedException {
        var response = postCsv("/v1/validate?schema=people&summary=true", PROBE.csv());
        assertEquals(200, response.statusCode(), response::body);
        assertEquals(PROBE.ndjsonAll() + People.summary(3, 2, 1), masked(response.body()));
    }

    /// Waits up to `patience` for every request thread the gateway started (validation subtasks,
    /// response senders) beyond `baseline` to end and every admission place to be free, then
    /// asserts that they are.
    void assertRequestsLetGo(int baseline, Duration patience) throws IOException, InterruptedException {
        Await.until(patience, () -> server.liveWorkThreads() <= baseline && server.runningValidations() == 0);
        assertEquals(baseline, server.liveWorkThreads(), "request threads still alive");
        assertEquals(0, server.runningValidations(), "admission places still taken");
    }

    /// The NDJSON with every `elapsedMs` (the one value that changes between runs) set to 0.
    static String masked(String ndjson) {
        return ndjson.replaceAll("\"elapsedMs\":[0-9.]+", "\"elapsedMs\":0");
    }

    /// Asserts an `application/problem+json` answer with this status and code, and no trace of
    /// the server's internals; returns the problem document.
    static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
        return assertProblem(response.statusCode(), response.headers().firstValue("content-type").orElse(""),
                response.body(), status, code);
    }

    static JsonNode assertProblem(int actualStatus, String contentType, String body, int status, String code) {
        assertEquals(status, actualStatus, body);
        assertTrue(contentType.startsWith("application/problem+json"), "content type " + contentType);
        assertNoInternals(body);
        JsonNode problem = json(body);
        assertEquals(code, problem.path("code").asText(), body);
        assertEquals(status, problem.path("status").asInt(), body);
        assertEquals("about:blank", problem.path("type").asText(), body);
        assertFalse(problem.path("title").asText().isBlank(), body);
        assertFalse(problem.path("detail").asText().isBlank(), body);
        return problem;
    }

    /// Every answer a test gets through this gateway's helpers passes here: no Java class name, no
    /// stack frame, whatever went wrong (a problem, a row's error, a stream's error line).
    static void assertNoInternals(String body) {
        assertFalse(body.contains("Exception"), body);
        assertFalse(body.contains("at dev."), body);
        assertFalse(body.contains("at io.helidon"), body);
        assertFalse(JAVA_NAME.matcher(body).find(), body);
    }

    /// A qualified name in one of the JDK's or our packages (`java.net.SocketException`).
    private static final java.util.regex.Pattern JAVA_NAME =
            java.util.regex.Pattern.compile("\\b(java|javax|jdk|sun|dev\\.fanout|io\\.helidon)\\.[a-z]+\\.");

    private static HttpResponse<String> withoutInternals(HttpResponse<String> response) {
        assertNoInternals(response.body());
        return response;
    }

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException("not JSON: " + text, e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
