package dev.fanout.server;

import io.helidon.common.mapper.MapperManager;
import dev.fanout.metrics.LatencyHistograms;
import dev.fanout.upstream.UpstreamSettings;
import dev.fanout.upstream.Upstreams;
import dev.fanout.metrics.ValidationMetrics;
import io.helidon.config.Config;
import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.health.HealthObserver;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/// The running gateway: Helidon SE's WebServer (one virtual thread per request) with Fanout's
/// routes, latency histograms (`/v1/stats`, `/metrics`, an optional `.hlog`), health at
/// `/observe/health`, and a graceful stop (new requests refused with `503`,
/// running ones given the grace period). Build it with `start`; thread-safe.
public final class FanoutServer {
    private static final System.Logger LOG = System.getLogger(FanoutServer.class.getName());
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
    private final DisconnectDetector disconnects;

    private FanoutServer(WebServer server, Admission admission, ServerSettings settings, LatencyHistograms histograms,
            WorkThreads threads, Upstreams upstreams, WriteWatchdog watchdog, RequestHeadDeadline heads,
            DisconnectDetector disconnects) {
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
        installGlobalMappers();
        ServerSettings settings = ServerSettings.from(config);
        SchemaRegistry registry = SchemaRegistry.load(settings.schemasDir(), settings.maxSchemaBytes());
        var admission = new Admission(settings.maxConcurrentValidations(), settings.maxConcurrentLargeValidations());
        var histograms = LatencyHistograms.create(settings.histogramInterval());
        Map<String, UpstreamSettings> upstreamSettings = UpstreamSettings.from(config.get("fanout.upstreams"));
        // Checked before any client is built: a failed start leaves nothing open.
        registry.checkUpstreams(upstreamSettings::containsKey);
        Upstreams upstreams = Upstreams.create(upstreamSettings, settings.histogramsEnabled() ? histograms : null);
        var watchdog = new WriteWatchdog(settings.responseWriteTimeout());
        var heads = new RequestHeadDeadline(settings.requestHeadTimeout());
        var disconnects = new DisconnectDetector();
        try {
            settings.histogramLog().ifPresent(histograms::logTo);
            histograms.start();
            var threads = new WorkThreads();
            var metrics = settings.histogramsEnabled() ? new ValidationMetrics(histograms) : ValidationMetrics.DISABLED;
            var connections = new ConnectionCloser();
            var validation = new ValidateService(registry, settings, admission, metrics, threads, upstreams, watchdog,
                    connections, disconnects);
            WebServer server = WebServer.builder()
                    .config(config.get("server"))
                    // Our own hook drains requests first; Helidon's would stop at once.
                    .shutdownHook(false)
                    // HTTP/1.1 and 1.0 through our one selector (see Http1Connections), with the
                    // user's `server.protocols.http_1_1` settings and the listener that lets a handler
                    // close its connection; no other protocol is discovered or configured.
                    .protocolsDiscoverServices(false)
                    .clearProtocols()
                    .connectionSelectors(List.of(new Http1Connections(http1(config, connections, heads))))
                    .idleConnectionTimeout(settings.idleTimeout())
                    .idleConnectionPeriod(idleCheckPeriod(settings.idleTimeout()))
                    .addFeature(ObserveFeature.just(HealthObserver.create()))
                    .routing(routing -> routing(routing.addFilter(connections::closeWhenAsked), registry, histograms,
                            validation))
                    .build()
                    .start();
            return new FanoutServer(server, admission, settings, histograms, threads, upstreams, watchdog, heads,
                    disconnects);
        } catch (RuntimeException e) {
            // A port in use, a log file that cannot be written: close what was opened.
            watchdog.close();
            heads.close();
            disconnects.close();
            upstreams.close();
            histograms.close();
            throw e;
        }
    }

    /// The HTTP/1.1 protocol: the user's `server.protocols.http_1_1` settings, if any, and our
    /// receive listener.
    private static Http1Config http1(Config config, ConnectionCloser connections, RequestHeadDeadline heads) {
        Http1Config.Builder http1 = Http1Config.builder();
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
    private static void installGlobalMappers() {
        if (!GLOBAL_MAPPERS_SET.getAndSet(true)) {
            MapperManager.global(MapperManager.create());
        }
    }

    /// Fanout's routes on `routing`: validation, schemas, problem responses.
    static void routing(HttpRouting.Builder routing, SchemaRegistry registry, LatencyHistograms histograms,
            ValidateService validation) {
        routing.register(validation)
                .register(new SchemaService(registry))
                .register(new StatsService(histograms));
        ProblemResponses.register(routing);
    }

    /// The port the server listens on (useful when it was started on port 0).
    public int port() {
        return server.port();
    }

    /// Refuses new requests, waits up to the configured grace period for running validations,
    /// then stops the server.
    public void stopGracefully() {
        Duration grace = settings.shutdownGrace();
        boolean drained = admission.drain(grace);
        if (!drained) {
            LOG.log(Level.WARNING, "stopping with " + admission.running() + " validations still running after " + grace);
        }
        server.stop();
        watchdog.close();
        heads.close();
        disconnects.close();
        upstreams.close();
        histograms.close();
    }

    /// Stops the server now.
    public void stop() {
        server.stop();
        watchdog.close();
        heads.close();
        disconnects.close();
        upstreams.close();
        histograms.close();
    }

    /// Validations admitted and not yet finished.
    int runningValidations() {
        return admission.running();
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
