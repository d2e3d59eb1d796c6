package dev.fanout.server;

import io.helidon.common.mapper.MapperManager;
import dev.fanout.memory.WideRecordGate;
import dev.fanout.metrics.LatencyHistograms;
import dev.fanout.metrics.SliceClock;
import dev.fanout.upstream.UpstreamSettings;
import dev.fanout.upstream.Upstreams;
import dev.fanout.metrics.ValidationMetrics;
import io.helidon.config.Config;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.ListenerConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.WebServerConfig;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/// The running gateway: Helidon SE's WebServer (one virtual thread per request) with Fanout's
/// routes, latency histograms (`/v1/stats`, `/metrics`, an optional `.hlog`), health at
/// `/observe/health/{started,live,ready}` — those three on the admin listener when
/// `server.sockets` names one `admin`, else on the public one — and a graceful stop (readiness
/// DOWN, then new requests refused with `503`, idle connections closed, running ones given the
/// grace period). Build it with `start`; thread-safe.
public final class FanoutServer {
    private static final System.Logger LOG = System.getLogger(FanoutServer.class.getName());
    /// The one named listener the gateway knows.
    static final String ADMIN_SOCKET = "admin";
    /// The admin listener's connections at most: probes and scrapers need a few.
    static final int ADMIN_MAX_CONNECTIONS = 64;
    /// While draining, a connection waiting this long for its next request is closed; checked
    /// this often. Not at once: a client may be sending on a connection it keeps alive at the
    /// very moment it is closed, and then sees it end without an answer (nginx reports `502`: it
    /// cannot send a streamed body again). A balancer that closes its idle upstream connections
    /// sooner (nginx `keepalive_timeout 2s` in src/deploy/nginx) never meets that race.
    private static final Duration DRAIN_IDLE_BEFORE_CLOSE = Duration.ofSeconds(5);
    private static final Duration DRAIN_SWEEP_PERIOD = Duration.ofMillis(100);
    /// Helidon's mapper manager is JVM-global: set once per JVM, however many servers start.
    private static final AtomicBoolean GLOBAL_MAPPERS_SET = new AtomicBoolean();

    private final WebServer server;
    private final Admission admission;
    private final ServerSettings settings;
    private final LatencyHistograms histograms;
    private final WorkThreads threads;
    private final Upstreams upstreams;
    private final WriteWatchdog watchdog;
    private final RequestHeadDeadline heads;
    private final UploadReadDeadline uploadReads;
    private final DisconnectDetector disconnects;
    private final Drain drain;
    private final Http1Connections publicConnections;
    private final ConnectionRelief relief;
    private final WarmUp warmUp;

    private FanoutServer(WebServer server, Admission admission, ServerSettings settings, LatencyHistograms histograms,
            WorkThreads threads, Upstreams upstreams, WriteWatchdog watchdog, RequestHeadDeadline heads,
            UploadReadDeadline uploadReads, DisconnectDetector disconnects, Drain drain, Http1Connections publicConnections,
            ConnectionRelief relief, WarmUp warmUp) {
        this.warmUp = warmUp;
        this.relief = relief;
        this.uploadReads = uploadReads;
        this.drain = drain;
        this.publicConnections = publicConnections;
        this.watchdog = watchdog;
        this.heads = heads;
        this.disconnects = disconnects;
        this.threads = threads;
        this.upstreams = upstreams;
        this.server = server;
        this.admission = admission;
        this.settings = settings;
        this.histograms = histograms;
    }

    /// Starts a server from a loaded configuration (see `FanoutConfig`).
    ///
    /// @throws IllegalArgumentException when a setting or a registered schema is invalid
    public static FanoutServer start(Config config) {
        return start(config, SliceClock.system());
    }

    /// Like [#start(Config)], with the latency histograms' slices cut by `clock` (the seam through
    /// which tests move the histograms' time rather than wait for it).
    ///
    /// @throws IllegalArgumentException when a setting or a registered schema is invalid
    public static FanoutServer start(Config config, SliceClock clock) {
        installGlobalMappers();
        ServerSettings settings = ServerSettings.from(config);
        checkSpillDir(settings);
        SchemaRegistry registry = SchemaRegistry.load(settings.schemasDir(), settings.maxSchemaBytes(),
                settings.maxReferenceRows());
        var admission = new Admission(settings.maxConcurrentValidations(), settings.maxConcurrentLargeValidations(),
                settings.smallUploadsHeapBytes(), WideRecordGate.of(settings.maxConcurrentWideRecords(), settings.uploadReadTimeout()));
        var histograms = LatencyHistograms.create(settings.histogramInterval(),
                LatencyHistograms.DEFAULT_RETAINED_SLICES, clock);
        Map<String, UpstreamSettings> upstreamSettings = UpstreamSettings.from(config.get("fanout.upstreams"));
        // Checked before any client is built: a failed start leaves nothing open.
        registry.checkUpstreams(upstreamSettings::containsKey);
        Upstreams upstreams = Upstreams.create(upstreamSettings, settings.histogramsEnabled() ? histograms : null);
        var watchdog = new WriteWatchdog(settings.responseWriteTimeout());
        var heads = new RequestHeadDeadline(settings.requestHeadTimeout());
        var uploadReads = new UploadReadDeadline(settings.uploadReadTimeout());
        var disconnects = new DisconnectDetector();
        var relief = new ConnectionRelief();
        try {
            settings.histogramLog().ifPresent(histograms::logTo);
            histograms.start();
            var threads = new WorkThreads();
            var metrics = settings.histogramsEnabled() ? new ValidationMetrics(histograms) : ValidationMetrics.DISABLED;
            var connections = new ConnectionCloser(uploadReads, settings.maxUploadBytes());
            var validation = new ValidateService(registry, settings, admission, metrics, threads, upstreams, watchdog,
                    connections, disconnects, uploadReads);
            var drain = new Drain();
            var warmUp = new WarmUp(settings.warmUpRequests(), settings.spillDir());
            Http1Config http1 = http1(config, connections, heads);
            var publicConnections = relief.watch(new Http1Connections(http1, heads, settings.maxConnections()));
            Optional<Config> admin = adminSocket(config);
            WebServerConfig.Builder builder = WebServer.builder()
                    .config(config.get("server"))
                    // Our own hook drains requests first; Helidon's would stop at once.
                    .shutdownHook(false)
                    // HTTP/1.1 and 1.0 through our one selector (see Http1Connections), with the
                    // user's `server.protocols.http_1_1` settings and the listener that lets a handler
                    // close its connection; no other protocol is discovered or configured.
                    .protocolsDiscoverServices(false)
                    .clearProtocols()
                    .connectionSelectors(List.of(publicConnections))
                    .maxTcpConnections(settings.maxConnections())
                    .directHandlers(ProblemResponses.directHandlers())
                    .idleConnectionTimeout(settings.idleTimeout())
                    .idleConnectionPeriod(idleCheckPeriod(settings.idleTimeout()))
                    .addFeature(ObserveFeature.builder()
                            .addObserver(HealthObserver.builder().addCheck(drain.readiness())
                                    .addCheck(warmUp.readiness()).build())
                            .sockets(List.of(admin.isPresent() ? ADMIN_SOCKET : WebServer.DEFAULT_SOCKET_NAME))
                            .build())
                    .routing(routing -> {
                        routing.addFilter(connections::closeWhenAsked).addFilter(drain::refuseWhenDraining)
                                .register(validation)
                                .register(new SchemaService(registry));
                        if (admin.isEmpty()) {
                            routing.register(new StatsService(histograms, admission::gauges, settings.resetOnPublicPort()));
                        }
                        ProblemResponses.register(routing);
                    });
            admin.ifPresent(socket -> builder
                    .putSocket(ADMIN_SOCKET, ListenerConfig.builder().config(socket).name(ADMIN_SOCKET)
                            .protocolsDiscoverServices(false)
                            .clearProtocols()
                            .connectionSelectors(List.of(relief.watch(new Http1Connections(http1, heads, ADMIN_MAX_CONNECTIONS))))
                            .maxTcpConnections(ADMIN_MAX_CONNECTIONS)
                            .directHandlers(ProblemResponses.directHandlers())
                            .idleConnectionTimeout(settings.idleTimeout())
                            .idleConnectionPeriod(idleCheckPeriod(settings.idleTimeout()))
                            .build())
                    .routing(ADMIN_SOCKET, routing -> {
                        routing.addFilter(connections::closeWhenAsked).register(new StatsService(histograms, admission::gauges, true));
                        ProblemResponses.register(routing);
                    }));
            WebServer server = builder.build().start();
            return new FanoutServer(server, admission, settings, histograms, threads, upstreams, watchdog, heads,
                    uploadReads, disconnects, drain, publicConnections, relief, warmUp);
        } catch (RuntimeException e) {
            // A port in use, a log file that cannot be written: close what was opened.
            relief.close();
            watchdog.close();
            heads.close();
            uploadReads.close();
            disconnects.close();
            upstreams.close();
            histograms.close();
            throw e;
        }
    }

    /// Answers that clients read slower than they are made spill to files there: a folder the
    /// gateway cannot write (a read-only root file system without a volume, a typo) would only
    /// show when a slow client comes, as a cut answer. Checked once, at start, by making and
    /// deleting a file.
    ///
    /// @throws IllegalArgumentException naming the folder and why
    private static void checkSpillDir(ServerSettings settings) {
        Path dir = settings.spillDir().orElse(Path.of(System.getProperty("java.io.tmpdir")));
        try {
            Files.delete(Files.createTempFile(dir, "fanout-probe-", ".tmp"));
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("fanout.response.spill-dir: cannot create a file in " + dir + " ("
                    + SpillQueue.describe(e) + "); answers that clients read slower than they are made spill"
                    + " there: give the gateway a writable folder");
        }
    }

    /// The admin listener's configuration (`server.sockets`, the entry named `admin`), if any.
    ///
    /// @throws IllegalArgumentException for a socket of another name: nothing would be served on it
    private static Optional<Config> adminSocket(Config config) {
        Optional<Config> admin = Optional.empty();
        for (Config socket : config.get("server.sockets").asNodeList().orElse(List.of())) {
            String name = socket.get("name").asString().orElse(socket.name());
            if (!ADMIN_SOCKET.equals(name)) {
                throw new IllegalArgumentException("server.sockets: the gateway knows one named listener, 'admin'"
                        + " (for /metrics, /v1/stats and health), not '" + name + "'");
            }
            admin = Optional.of(socket);
        }
        return admin;
    }

    /// The HTTP/1.1 protocol: the user's `server.protocols.http_1_1` settings, if any, and our
    /// receive listener.
    private static Http1Config http1(Config config, ConnectionCloser connections, RequestHeadDeadline heads) {
        // Not Helidon's check of every response header's name and value before it is written: the
        // gateway's headers are constants and numbers of its own, never a client's bytes, and the
        // check was ~0.5 % of a 20-row request's CPU (bench/RESULTS.md, fortieth pass). A user's
        // `validate-response-headers` still decides. Nor Helidon's `Connection: keep-alive` on
        // every answer, which HTTP/1.1 does not need (persistence is its default, RFC 9112 §9.3):
        // Helidon looks for `close` among the response's `Connection` tokens after each request,
        // splitting them through streams, ~1.2 % of a 20-row request's CPU (bench/RESULTS.md,
        // forty-fourth pass). An answer whose head goes out once the connection is known to end
        // still says `Connection: close`, and a user's `send-keep-alive-header` still decides.
        Http1Config.Builder http1 = Http1Config.builder().validateResponseHeaders(false).sendKeepAliveHeader(false);
        Config configured = config.get("server.protocols.http_1_1");
        if (configured.exists()) {
            http1.config(configured);
        }
        // One listener: Helidon 4.5's composite of several (Http1ConnectionListenerUtil's
        // ListFrameListener) forwards no calls at all.
        return http1.addReceiveListener(new Http1ConnectionListener() {
            @Override
            public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
                heads.prologue(ctx, prologue);
            }

            @Override
            public void headers(ConnectionContext ctx, Headers headers) {
                connections.headers(ctx, headers);
                heads.headers(ctx, headers);
            }
        }).build();
    }

    /// How often Helidon looks for idle connections: a few times per time-out, at most every second
    /// (its connections' last-request time is itself kept to the second).
    private static Duration idleCheckPeriod(Duration idleTimeout) {
        return Duration.ofMillis(Math.clamp(idleTimeout.toMillis() / 4, 100, 1000));
    }

    /// Helidon 4.4 looks the global `MapperManager` up in its service registry on every header
    /// or query value it converts unless one was set, building a new one each time: measured at
    /// 17 % of the CPU of a 20-row request. Setting it once is Helidon's own remedy.
    // MapperManager.global is marked for removal in 4.x with no replacement for this yet.
    @SuppressWarnings("removal")
    private static void installGlobalMappers() {
        if (!GLOBAL_MAPPERS_SET.getAndSet(true)) {
            MapperManager.global(MapperManager.create());
        }
    }

    /// The port the server listens on (useful when it was started on port 0).
    public int port() {
        return server.port();
    }

    /// The admin listener's port, if there is one.
    public Optional<Integer> adminPort() {
        int port = server.port(ADMIN_SOCKET);
        return port < 0 ? Optional.empty() : Optional.of(port);
    }

    /// Warms the JIT up in the background, as `fanout serve` does (`fanout.warm-up.requests`
    /// small uploads to a throwaway gateway; see [WarmUp]): readiness is DOWN until it is over.
    /// Returns at once; does nothing the second time, or when the setting is 0.
    public void warmUpInBackground() {
        warmUp.startInBackground();
    }

    /// Whether the warm-up is under way.
    boolean warmingUp() {
        return warmUp.warming();
    }

    /// The warm-up's uploads answered so far.
    int warmUpRequestsSent() {
        return warmUp.sent();
    }

    /// The port of the warm-up's throwaway gateway while it runs, else 0.
    int warmUpPort() {
        return warmUp.throwawayPort();
    }

    /// Leaves as a load balancer wants: readiness DOWN at once, requests still served for the
    /// readiness delay (the balancer's next probe); then new requests refused with `503` and
    /// `Connection: close`, idle keep-alive connections closed, running validations given the
    /// grace period; then the server stops.
    public void stopGracefully() {
        drain.leave();
        LOG.log(Level.INFO, "draining: readiness is DOWN; serving for " + settings.readinessDelay()
                + ", then refusing new requests for up to " + settings.shutdownGrace());
        try {
            Thread.sleep(settings.readinessDelay());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        drain.refuse();
        publicConnections.startDraining();
        Thread sweeper = Thread.ofVirtual().name("fanout-drain-sweeper").start(this::closeIdleConnectionsUntilStopped);
        Duration grace = settings.shutdownGrace();
        boolean drained = admission.drain(grace);
        if (!drained) {
            LOG.log(Level.WARNING, "stopping with " + admission.running() + " validations still running after " + grace);
        }
        awaitNoOpenConnections();
        sweeper.interrupt();
        stop();
    }

    /// Waits, once the running validations are done, until the public listener's connections
    /// have ended — each by its next request (`503`, `Connection: close`), its client closing it,
    /// or the idle sweep — before the server stops and closes whatever is left at once, whoever is
    /// sending on it. Bounded by the idle sweep's own time.
    private void awaitNoOpenConnections() {
        long deadline = System.nanoTime() + DRAIN_IDLE_BEFORE_CLOSE.plus(DRAIN_SWEEP_PERIOD.multipliedBy(2)).toNanos();
        try {
            while (publicConnections.openConnections() > 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /// While draining: closes the connections that wait for a request, again and again, since a
    /// busy one becomes idle once its answer is sent.
    private void closeIdleConnectionsUntilStopped() {
        try {
            while (true) {
                publicConnections.closeIdle(DRAIN_IDLE_BEFORE_CLOSE);
                Thread.sleep(DRAIN_SWEEP_PERIOD);
            }
        } catch (InterruptedException e) {
            // Stopped: the server closes what is left.
        }
    }

    /// Stops the server now.
    public void stop() {
        warmUp.close();
        server.stop();
        relief.close();
        watchdog.close();
        heads.close();
        uploadReads.close();
        disconnects.close();
        upstreams.close();
        histograms.close();
    }

    /// Validations admitted and not yet finished.
    int runningValidations() {
        return admission.running();
    }

    /// Large admission places taken now (by large uploads, keys, and schemas brought inline).
    int largePlacesTaken() {
        return admission.gauges().largePlaces();
    }

    /// KiB of the small uploads' heap budget taken now.
    int smallHeapKiBTaken() {
        return admission.smallHeapKiBTaken();
    }

    /// Records wider than a batch held by runs now.
    int wideRecordsHeld() {
        return admission.wideRecords().held();
    }

    /// Records wider than a batch whose readers wait for a turn now.
    int wideRecordsWaiting() {
        return admission.wideRecords().waiting();
    }

    /// Connections closed so far because their request head came too slowly.
    long lateHeadsClosed() {
        return heads.closedConnections();
    }

    /// Request threads (validation subtasks, response senders) still alive.
    int liveWorkThreads() {
        return threads.live();
    }

    /// Whether the server is running.
    public boolean isRunning() {
        return server.isRunning();
    }
}
