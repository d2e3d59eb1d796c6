package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fanout.metrics.HistogramCodec;
import dev.fanout.metrics.ManualSliceClock;
import dev.fanout.server.FanoutServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/// Cluster-wide figures from three real gateways: `fanout stats --window` merges the replicas'
/// recent histograms into the cluster's count and p99, and `fanout bench --gateway-stats` reads
/// every replica behind a (test) balancer, before and after, so its `gateway` figures cover every
/// request it sent wherever the balancer put it.
@Timeout(120)
class ClusterStatsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    static final List<FanoutServer> replicas = new ArrayList<>();
    static String csv;

    @BeforeAll
    static void start() throws IOException {
        Files.createDirectories(dir.resolve("schemas"));
        for (int i = 0; i < 3; i++) {
            replicas.add(StatsCommandTest.start(dir.resolve("schemas"), Map.of("fanout.histograms.interval", "PT1S")));
        }
        csv = dir.resolve("people.csv").toString();
        Files.writeString(dir.resolve("people.csv"), StatsCommandTest.people(20));
    }

    @AfterAll
    static void stop() {
        replicas.forEach(FanoutServer::stop);
    }

    static String base(int replica) {
        return StatsCommandTest.baseUrl(replicas.get(replica));
    }

    @Test
    void theMergedWindowOfThreeReplicasCountsEveryRequestAndItsP99IsWithinTheClients() throws Exception {
        for (int i = 0; i < 3; i++) {
            var reset = StatsCommandTest.CLIENT.send(HttpRequest.newBuilder(URI.create(base(i) + "/v1/stats/reset"))
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(204, reset.statusCode(), reset.body());
        }
        int[] sent = {7, 20, 45};
        Histogram client = new Histogram(3);
        for (int i = 0; i < 3; i++) {
            Path json = dir.resolve("client-" + i + ".json");
            CliRun run = CliRun.of("bench", "--url", base(i) + "/v1/validate?schema=people", "--file", csv,
                    "--requests", Integer.toString(sent[i]), "-c", "2", "--json", json.toString());
            assertEquals(0, run.status(), run.stdout() + run.stderr());
            JsonNode result = JSON.readTree(json.toFile());
            assertEquals(sent[i], result.path("requests").asLong());
            assertEquals(0, result.path("errors").asLong());
            client.add(HistogramCodec.decode(result.path("latencyHdr").asText()));
        }

        CliRun stats = CliRun.of("stats", "--name", "request", "--window", "PT60S", base(0), base(1), base(2));

        assertEquals(0, stats.status(), stats.stderr());
        List<String> lines = stats.lines();
        assertEquals(5, lines.size(), "a header, three replicas, the merge: " + stats.stdout());
        for (int i = 0; i < 3; i++) {
            assertEquals(sent[i], StatsCommandTest.Line.parse(lines.get(1 + i)).count(), lines.get(1 + i));
        }
        StatsCommandTest.Line merged = StatsCommandTest.Line.parse(lines.get(4));
        assertEquals("merged", merged.source());
        assertEquals(72, merged.count(), "every request sent, wherever it went");
        // Each request's server time lies within its client time, so every percentile does too.
        assertTrue(merged.p99() > 0 && merged.p99() <= client.getValueAtPercentile(99),
                "server p99 " + merged.p99() + " µs within the client's " + client.getValueAtPercentile(99) + " µs");
        assertTrue(merged.p50() <= client.getValueAtPercentile(50), stats.stdout());
        assertTrue(merged.max() <= client.getMaxValue(), stats.stdout());
        // 12 slices of 1 s cannot hold 60 s: each replica's shorter window is said, not hidden.
        assertEquals(3, stats.errorLines().stream().filter(line -> line.matches(
                "fanout stats: http://127\\.0\\.0\\.1:\\d+: its window covers only [0-9.]+ s of the 60\\.0 s asked .*")).count(),
                stats.stderr());

        CliRun tooNarrow = CliRun.of("stats", "--window", "PT0S", base(0));
        assertEquals(2, tooNarrow.status(), tooNarrow.stderr());
        assertTrue(tooNarrow.stderr().startsWith("fanout: --window must be a positive duration"), tooNarrow.stderr());
    }

    @Test
    void theWindowOfAnHlogIsItsIntervalsEndingWithinItBeforeItsLastOne() throws Exception {
        Path hlog = dir.resolve("windowed.hlog");
        var clock = new ManualSliceClock();
        FanoutServer server = StatsCommandTest.start(dir.resolve("schemas"), Map.of("fanout.histograms.log", hlog.toString(),
                "fanout.histograms.interval", "PT0.2S"), clock);
        try {
            StatsCommandTest.post(server, 3, 30, 300);
            clock.advance(Duration.ofMillis(1_200));
            StatsCommandTest.post(server, 7);
            clock.advance(Duration.ofMillis(50));
        } finally {
            server.stop();
        }

        CliRun all = CliRun.of("stats", "--name", "rows", hlog.toString());
        CliRun recent = CliRun.of("stats", "--name", "rows", "--window", "PT0.5S", hlog.toString());

        assertEquals(0, all.status(), all.stderr());
        assertEquals(4, StatsCommandTest.Line.parse(all.lines().get(1)).count(), all.stdout());
        assertEquals(0, recent.status(), recent.stderr());
        StatsCommandTest.Line line = StatsCommandTest.Line.parse(recent.lines().get(1));
        assertEquals(1, line.count(), "only the request of the last half second: " + recent.stdout());
        assertEquals(7, line.max(), recent.stdout());
    }

    @Test
    void benchBehindABalancerWithGatewayStatsCountsEveryRequestItSentAcrossTheReplicas() throws Exception {
        try (var balancer = RoundRobin.start(List.of(replicas.get(0).port(), replicas.get(1).port(), replicas.get(2).port()))) {
            Path json = dir.resolve("balanced.json");
            CliRun run = CliRun.of("bench", "--url", "http://127.0.0.1:" + balancer.port() + "/v1/validate?schema=people",
                    "--file", csv, "--requests", "90", "-c", "3", "--json", json.toString(),
                    "--gateway-stats", base(0) + "," + base(1) + "," + base(2));

            assertEquals(0, run.status(), run.stdout() + run.stderr());
            JsonNode gateway = JSON.readTree(json.toFile()).path("gateway");
            assertEquals(90, gateway.path("requests").asLong(), gateway.toString());
            long sum = 0;
            for (JsonNode replica : gateway.path("replicas")) {
                sum += replica.path("requests").asLong();
            }
            assertEquals(3, gateway.path("replicas").size(), gateway.toString());
            assertEquals(90, sum, gateway.toString());
            assertEquals(3, balancer.connections(), "one connection to each replica");
            assertTrue(gateway.at("/requestUs/p99").asLong() > 0, gateway.toString());
            assertTrue(run.stdout().contains("replicas     90 requests in all; "), run.stdout());
        }
    }

    @Test
    void aReplicaThatDoesNotAnswerIsReportedNotDropped() throws Exception {
        String down = StatsCommandTest.unreachableUrl();
        Path json = dir.resolve("one-down.json");
        CliRun run = CliRun.of("bench", "--url", base(0) + "/v1/validate?schema=people", "--file", csv,
                "--requests", "10", "-c", "1", "--json", json.toString(), "--gateway-stats", base(0) + "," + down);

        assertEquals(0, run.status(), run.stdout() + run.stderr());
        JsonNode gateway = JSON.readTree(json.toFile()).path("gateway");
        assertEquals(10, gateway.path("requests").asLong(), gateway.toString());
        JsonNode missing = gateway.path("replicas").get(1);
        assertEquals(down, missing.path("url").asText());
        assertTrue(missing.path("problem").asText().contains("connection refused"), missing.toString());
        assertTrue(run.stdout().contains(URI.create(down).getAuthority() + ": no answer: connection refused"), run.stdout());
    }

    @Test
    void aGatewayStatsUrlThatIsNotHttpIsAUsageError() {
        CliRun run = CliRun.of("bench", "--url", base(0) + "/v1/validate?schema=people", "--file", csv,
                "--requests", "1", "--gateway-stats", "ftp://example.org");

        assertEquals(2, run.status(), run.stderr());
        assertTrue(run.stderr().startsWith("fanout: --gateway-stats 'ftp://example.org' is not an http://host:port URL"),
                run.stderr());
    }

    /// A layer-4 balancer as simple as they come: each accepted connection goes to the next
    /// replica in turn, and bytes are copied both ways until either side closes.
    static final class RoundRobin implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Integer> ports;
        private final AtomicInteger accepted = new AtomicInteger();
        private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();

        private RoundRobin(ServerSocket listener, List<Integer> ports) {
            this.listener = listener;
            this.ports = ports;
        }

        static RoundRobin start(List<Integer> ports) throws IOException {
            var listener = new ServerSocket();
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            var balancer = new RoundRobin(listener, ports);
            Thread.ofVirtual().name("round-robin").start(balancer::accept);
            return balancer;
        }

        int port() {
            return listener.getLocalPort();
        }

        int connections() {
            return accepted.get();
        }

        private void accept() {
            while (!listener.isClosed()) {
                try {
                    Socket client = listener.accept();
                    int port = ports.get(accepted.getAndIncrement() % ports.size());
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), port);
                    sockets.add(client);
                    sockets.add(upstream);
                    Thread.ofVirtual().start(() -> pipe(client, upstream));
                    Thread.ofVirtual().start(() -> pipe(upstream, client));
                } catch (IOException e) {
                    return; // closed
                }
            }
        }

        private static void pipe(Socket from, Socket to) {
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // One side went away; closing both (below) ends the other direction too.
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException e) {
                // Already closed.
            }
        }

        @Override
        public void close() throws IOException {
            listener.close();
            sockets.forEach(RoundRobin::closeQuietly);
        }
    }
}
