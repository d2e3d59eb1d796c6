package dev.fanout.server;

import io.helidon.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/// A real gateway on a free port of 127.0.0.1 for a test class, with settings of the test's
/// choosing, and small HTTP helpers around the JDK's client and raw sockets.
final class TestGateway implements AutoCloseable {
    final FanoutServer server;
    final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private TestGateway(FanoutServer server) {
        this.server = server;
    }

    static TestGateway start(Path schemasDir, Map<String, String> settings) {
        Map<String, String> flags = new HashMap<>(settings);
        flags.put("server.port", "0");
        flags.put("server.host", "127.0.0.1");
        flags.put("fanout.schemas.dir", schemasDir.toString());
        Config config = FanoutConfig.load(Optional.empty(), flags, Map.of());
        return new TestGateway(FanoutServer.start(config));
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> postCsv(String pathAndQuery, String csv) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String pathAndQuery, String contentType, byte[] body) throws IOException, InterruptedException {
        return client.send(HttpRequest.newBuilder(uri(pathAndQuery)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /// Sends `head` then `body` over a raw socket in pieces of at most `pieceBytes`, and reads the
    /// whole response (status line, headers, body as sent on the wire).
    String rawExchange(String head, byte[] body, int pieceBytes, java.util.Random random) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(30_000);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            for (int at = 0; at < body.length; ) {
                int n = Math.min(body.length - at, random == null ? pieceBytes : 1 + random.nextInt(pieceBytes));
                out.write(body, at, n);
                out.flush();
                at += n;
            }
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
