package dev.fanout.server;

import dev.fanout.http1.ResponseFraming;
import dev.fanout.http1.ResponseFraming.Event;
import dev.fanout.http1.ResponseFramingException;
import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/// A new gateway's warm-up (`fanout.warm-up.requests`, for `fanout serve`). The JIT compiles the
/// per-request code once it has run 10,000 times (C2 without tiers), so a fresh gateway compiled
/// it under its first real load: under 500 connections, after 3 s of load, C2 still took ~4 % of
/// the gateway's CPU in the next 10 s, and the p99 had tails of 0.4-3.5 s (bench/RESULTS.md,
/// issue 11's forty-first pass: about half the compiling, and a median p99 of ~46 ms against 408,
/// after this warm-up).
///
/// So the gateway first sends itself small uploads, in the background: to a second, throwaway
/// gateway in the same JVM (the same code, so the same compiles; but its own statistics, limits
/// and schemas, so that nothing of the warm-up shows in the real gateway's `/metrics` or
/// `/v1/stats` or takes its places), on a free loopback port, with the bundled `people` schema
/// only (and the real one's spill folder), over [#CONNECTIONS] keep-alive connections. The real
/// gateway serves from the start; its readiness is DOWN (`warmed-up`) until the warm-up is over,
/// so that a balancer sends it traffic once warm.
/// Bounded: `requests` in all, none begun after [#TIME_LIMIT]; a failure ends it early (logged),
/// and readiness comes UP all the same. Thread-safe.
final class WarmUp implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WarmUp.class.getName());
    /// Uploads sent by default, ~1.3 s of both cores: with them, C2's share of W1's measured window
    /// fell as far as with 10,000, or with uploads until the JIT settled (~50,000, 5.6 s; the real
    /// load's first seconds then compile less still, but they come after its 3 s warm-up).
    static final int DEFAULT_REQUESTS = 2000;
    /// No request of the warm-up begins later than this after it started; none waits longer than
    /// [#SOCKET_TIMEOUT_MILLIS] for the throwaway gateway.
    static final Duration TIME_LIMIT = Duration.ofSeconds(30);
    private static final int SOCKET_TIMEOUT_MILLIS = 10_000;
    /// Keep-alive connections at once: more than a few, so that the code that keeps connections
    /// (hash tables, the poller) has grown its tables once, as under real load; few enough to be
    /// cheap.
    static final int CONNECTIONS = 16;
    /// Rows per upload: a small request's, as most of a gateway's are.
    private static final int ROWS = 20;

    private final int requests;
    private final Optional<Path> spillDir;
    private final AtomicInteger sent = new AtomicInteger();
    /// The throwaway gateway's port while it runs, else 0.
    private volatile int throwawayPort;
    private volatile boolean warming;
    private Thread runner;
    private boolean closed;

    /// A warm-up of `requests` uploads (none when 0), not yet started; the throwaway gateway
    /// spills to `spillDir` (the JVM's temporary folder when empty), as the real one does: a
    /// read-only root file system may have no other writable folder.
    WarmUp(int requests, Optional<Path> spillDir) {
        this.requests = requests;
        this.spillDir = spillDir;
    }

    /// Starts the warm-up on a thread of its own, unless `requests` is 0 or the gateway has
    /// stopped; readiness is DOWN until it is over. At most once.
    synchronized void startInBackground() {
        if (requests == 0 || runner != null || closed) {
            return;
        }
        warming = true;
        runner = Thread.ofPlatform().daemon().name("fanout-warm-up").start(this::run);
    }

    /// Whether the warm-up is under way.
    boolean warming() {
        return warming;
    }

    /// The warm-up's uploads answered so far.
    int sent() {
        return sent.get();
    }

    /// The port of the throwaway gateway while it runs, else 0.
    int throwawayPort() {
        return throwawayPort;
    }

    /// The readiness check: DOWN while the warm-up is under way.
    HealthCheck readiness() {
        return Drain.readinessCheck("warmed-up",
                () -> HealthCheckResponse.builder().status(!warming).detail("warming", warming).build());
    }

    /// Ends a warm-up still under way (its connections and its throwaway gateway) and waits for it.
    @Override
    public void close() {
        Thread running;
        synchronized (this) {
            closed = true;
            running = runner;
        }
        if (running == null) {
            return;
        }
        running.interrupt();
        try {
            running.join(Duration.ofSeconds(15));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long start = System.nanoTime();
        LOG.log(Level.INFO, () -> "warm-up: " + requests + " small uploads to a throwaway gateway on a free loopback port;"
                + " readiness is DOWN until they are answered");
        try {
            sendAll(requests, spillDir, sent, port -> throwawayPort = port);
            LOG.log(Level.INFO, () -> "warm-up: " + sent.get() + " requests to a throwaway gateway in "
                    + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) + " ms; readiness is UP");
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "warm-up ended after " + sent.get() + " requests (" + e + "); readiness is UP");
        } catch (InterruptedException e) {
            LOG.log(Level.INFO, "warm-up stopped after " + sent.get() + " requests: the gateway is stopping");
        } finally {
            warming = false;
        }
    }

    /// Sends `requests` uploads to a throwaway gateway (spilling to `spillDir`) over
    /// [#CONNECTIONS] connections, counting the answered ones in `sent`; stops the gateway before
    /// it returns. `listening` is told its port, then 0 once it is stopped.
    static void sendAll(int requests, Optional<Path> spillDir, AtomicInteger sent, IntConsumer listening)
            throws IOException, InterruptedException {
        // A folder that does not exist holds no schemas: only the bundled `people`.
        Path noSchemas = Path.of(System.getProperty("java.io.tmpdir"), "fanout-warm-up-" + UUID.randomUUID());
        Map<String, String> flags = new HashMap<>(Map.of(
                "server.host", "127.0.0.1", "server.port", "0", "fanout.schemas.dir", noSchemas.toString()));
        spillDir.ifPresent(dir -> flags.put("fanout.response.spill-dir", dir.toString()));
        FanoutServer throwaway = FanoutServer.start(FanoutConfig.load(Optional.empty(), flags, Map.of()));
        listening.accept(throwaway.port());
        try {
            List<byte[]> wholeRequests = uploads().stream().map(csv -> request(throwaway.port(), csv)).toList();
            long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
            var left = new AtomicInteger(requests);
            try (var scope = StructuredTaskScope.open(Joiner.<Void>awaitAllSuccessfulOrThrow())) {
                for (int c = 0; c < CONNECTIONS; c++) {
                    scope.fork(() -> {
                        send(throwaway.port(), wholeRequests, left, deadline, sent);
                        return null;
                    });
                }
                scope.join();
            } catch (StructuredTaskScope.FailedException e) {
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
            }
        } finally {
            throwaway.stop();
            listening.accept(0);
        }
    }

    /// One keep-alive connection's share: requests while some are left and time is.
    private static void send(int port, List<byte[]> requests, AtomicInteger left, long deadline, AtomicInteger sent)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), SOCKET_TIMEOUT_MILLIS);
            socket.setSoTimeout(SOCKET_TIMEOUT_MILLIS);
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            var framing = new ResponseFraming(ResponseFraming.Limits.DEFAULT);
            byte[] buffer = new byte[16 * 1024];
            for (int next = 0; System.nanoTime() - deadline < 0 && left.getAndDecrement() > 0; next++) {
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
                out.write(requests.get(next % requests.size()));
                out.flush();
                readAnswer(in, framing, buffer);
                sent.incrementAndGet();
            }
        }
    }

    /// Reads one answer, which must be a `200`, framed by the project's HTTP/1 response reader
    /// (its limits bound what the throwaway could make this keep).
    private static void readAnswer(InputStream in, ResponseFraming framing, byte[] buffer) throws IOException {
        framing.reset(false);
        try {
            while (true) {
                int n = in.read(buffer);
                if (n < 0) {
                    if (framing.endOfInput() && framing.status() == 200) {
                        return;
                    }
                    throw new IOException("the throwaway gateway closed the connection");
                }
                // Fed until it asks for more: the end of a body is reported by the feed after it.
                for (Event event = framing.feed(buffer, 0, n); event != Event.MORE;
                        event = framing.feed(buffer, framing.position(), n)) {
                    if (event == Event.HEAD && framing.status() != 200) {
                        throw new IOException("the throwaway gateway answered " + framing.status());
                    }
                    if (event == Event.COMPLETE) {
                        return;
                    }
                }
            }
        } catch (ResponseFramingException e) {
            throw new IOException("the throwaway gateway's answer: " + e.getMessage(), e);
        }
    }

    /// A raw `text/csv` upload of `csv` for the bundled `people` schema, as a client of `port` sends it.
    static byte[] request(int port, byte[] csv) {
        byte[] head = ("POST /v1/validate?schema=people HTTP/1.1\r\nHost: 127.0.0.1:" + port
                + "\r\nContent-Type: text/csv\r\nContent-Length: " + csv.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[head.length + csv.length];
        System.arraycopy(head, 0, request, 0, head.length);
        System.arraycopy(csv, 0, request, head.length, csv.length);
        return request;
    }

    /// Uploads of [#ROWS] `people` rows each, as real files have them: quoted cells, an empty
    /// optional one, and a tenth of the rows invalid, each upload's in other ways (every kind of
    /// problem the schema finds, among them all). The JIT compiles what the warm-up runs; a branch
    /// it never saw taken is left out of the code, and taking it later sends the method back to the
    /// interpreter to be compiled again: the real load's first different row would do that.
    static List<byte[]> uploads() {
        String[] first = {"Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Margaret", "Dennis", "Ken", "Frances"};
        String[] last = {"Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Berners-Lee", "Ritchie"};
        String[] cities = {"London", "\"Washington, D.C.\"", "Austin", "St. John's", "", "Kyoto", "Nairobi"};
        String[] hosts = {"example.com", "example.org", "mail.example.net", "uni.example.edu"};
        // id, name, email, age, city: a field left null keeps the valid row's.
        String[][] defects = {
            {null, null, null, "447", null}, {null, null, null, "-3", null},
            {null, null, null, "forty", null}, {null, "", null, null, null},
            {null, null, "ada.example.com", null, null}, {null, null, "a@b@example.com", null, null},
            {null, null, "ada@localhost", null, null}, {null, null, "", null, null},
            {"0", null, null, null, null}, {"x1", null, null, null, null},
            {null, null, null, null, "Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogochuchaf-Wales"},
            {null, "", "not-an-email", "3.5", null}};
        List<byte[]> uploads = new ArrayList<>();
        for (int upload = 0; upload < defects.length / 2 + 2; upload++) {
            var csv = new StringBuilder("id,name,email,age,city\n");
            for (int row = 1; row <= ROWS; row++) {
                int n = upload * ROWS + row;
                String given = first[n % first.length];
                String family = last[n * 3 % last.length];
                String[] cells = {Integer.toString(n), given + " " + family,
                    given.toLowerCase(Locale.ROOT) + "." + family.toLowerCase(Locale.ROOT) + n + "@" + hosts[n % hosts.length],
                    Integer.toString(n * 37 % 100), cities[n * 5 % cities.length]};
                if (row == 7 && upload % 3 == 0) {
                    cells[1] = "\"" + given + " \"\"" + family.substring(0, 3) + "\"\" " + family + "\"";
                }
                int defect = 2 * upload + (row == 5 ? 0 : 1);
                if ((row == 5 || row == 15) && defect < defects.length) {
                    for (int cell = 0; cell < cells.length; cell++) {
                        cells[cell] = defects[defect][cell] != null ? defects[defect][cell] : cells[cell];
                    }
                }
                if (row == 11 && upload == defects.length / 2) {
                    cells = new String[] {cells[0], cells[1], cells[2]};
                } else if (row == 11 && upload == defects.length / 2 + 1) {
                    cells = new String[] {cells[0], cells[1], cells[2], cells[3], cells[4], "extra"};
                }
                csv.append(String.join(",", cells)).append('\n');
            }
            uploads.add(csv.toString().getBytes(StandardCharsets.UTF_8));
        }
        return uploads;
    }
}
