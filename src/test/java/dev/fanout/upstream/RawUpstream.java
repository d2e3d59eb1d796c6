package dev.fanout.upstream;

import dev.fanout.schema.Lookup;
import dev.fanout.server.Await;
import io.helidon.config.Config;
import io.helidon.config.ConfigSources;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/// A hand-written HTTP/1.1 upstream on 127.0.0.1 for what WireMock cannot do: a body that
/// trickles out byte by byte, exact control of chunked framing, and a count of the TCP
/// connections the client opened. Each request is answered by `responder` on the connection's
/// own virtual thread; keep-alive until the client or the responder closes. Close it after use.
final class RawUpstream implements AutoCloseable {
    /// Writes the whole response to a request (its head, as text, is given); returns false to
    /// close the connection afterwards.
    interface Responder {
        boolean respond(String requestHead, OutputStream out) throws IOException, InterruptedException;
    }

    private final ServerSocket server;
    private final Responder responder;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final Thread acceptor;

    RawUpstream(Responder responder) throws IOException {
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.responder = responder;
        this.acceptor = Thread.ofVirtual().start(this::accept);
    }

    int port() {
        return server.getLocalPort();
    }

    /// TCP connections accepted so far.
    int connections() {
        return connections.get();
    }

    /// Connections the client closed (end of stream between requests), waiting up to a second
    /// for `expected`: the server's thread sees the close a little after the client made it.
    int closedByClient(int expected) throws IOException, InterruptedException {
        Await.until(Duration.ofSeconds(1), () -> closedByClient.get() >= expected);
        return closedByClient.get();
    }

    /// Requests received so far (counted when their head has arrived, before the answer).
    int requests() {
        return requests.get();
    }

    /// Upstreams with one upstream `crm` here; `settings` as in [Stubs#upstreams].
    Upstreams upstreams(String... settings) {
        return upstreamsAt("http://127.0.0.1:" + port(), settings);
    }

    /// Upstreams with one upstream `crm` at `baseUri`; `settings` are `key, value` pairs under
    /// `fanout.upstreams.crm` (backoff 10ms unless given).
    static Upstreams upstreamsAt(String baseUri, String... settings) {
        Map<String, String> keys = new HashMap<>();
        String prefix = "fanout.upstreams." + Stubs.CRM + ".";
        keys.put(prefix + "base-uri", baseUri);
        keys.put(prefix + "backoff", "10ms");
        for (int i = 0; i < settings.length; i += 2) {
            keys.put(prefix + settings[i], settings[i + 1]);
        }
        Config config = Config.just(ConfigSources.create(keys));
        return Upstreams.create(UpstreamSettings.from(config.get("fanout.upstreams")), null);
    }

    static Lookup customer(String... pointers) {
        return Stubs.customer(pointers);
    }

    /// `HTTP/1.1 200` with `body` as JSON and its length.
    static void ok(OutputStream out, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.write(bytes);
        out.flush();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                sockets.add(socket);
                Thread.ofVirtual().start(() -> serve(socket));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket socket) {
        try (socket; InputStream in = socket.getInputStream(); OutputStream out = socket.getOutputStream()) {
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    closedByClient.incrementAndGet();
                    return;
                }
                requests.incrementAndGet();
                if (!responder.respond(head, out)) {
                    return;
                }
            }
        } catch (IOException | InterruptedException e) {
            // The client went away (as the trickle tests intend) or the test ended.
        }
    }

    /// The request head up to its blank line, or null at end of stream. GETs have no body.
    private static String readHead(InputStream in) throws IOException {
        byte[] head = readHeadBytes(in);
        return head == null ? null : new String(head, StandardCharsets.ISO_8859_1);
    }

    /// The bytes of a request head up to and with its blank line, or null at end of stream.
    static byte[] readHeadBytes(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        int b;
        while ((b = in.read()) != -1) {
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
            if (matched == 4) {
                return head.toByteArray();
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        acceptor.interrupt();
    }
}
