package dev.fanout.cli;

import dev.fanout.server.FanoutConfig;
import dev.fanout.server.FanoutServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import sun.misc.Signal;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/// `fanout serve`: starts the HTTP gateway and runs until the process is told to stop. On SIGTERM
/// (or Ctrl-C) it drains — readiness DOWN, then new requests get `503`, running ones get the
/// configured grace period — and exits 0; a second signal stops it at once.
/// Flags override the configuration file, which overrides the bundled `application.yaml`.
@Command(name = "serve", description = "Starts the HTTP gateway (default port 8080, bundled 'people' schema).")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    private Main parent;

    @Option(names = "--port", description = "Port to listen on (default 8080; 0 picks a free one).")
    private Integer port;

    @Option(names = "--host", description = "Address to bind (default 0.0.0.0).")
    private String host;

    @Option(names = "--config", paramLabel = "FILE", description = "A YAML file layered over the bundled configuration.")
    private Path config;

    @Option(names = "--schemas", paramLabel = "DIR", description = "Folder of NAME.json schemas to register (default 'schemas').")
    private Path schemas;

    @Option(names = "--histogram-log", paramLabel = "FILE", description = "Write interval histograms to this .hlog file.")
    private Path histogramLog;

    @Override
    public Integer call() throws InterruptedException {
        Map<String, String> flags = new HashMap<>();
        if (port != null) {
            flags.put("server.port", port.toString());
        }
        if (host != null) {
            flags.put("server.host", host);
        }
        if (schemas != null) {
            flags.put("fanout.schemas.dir", schemas.toString());
        }
        if (histogramLog != null) {
            flags.put("fanout.histograms.log", histogramLog.toString());
        }
        FanoutServer server;
        try {
            server = FanoutServer.start(FanoutConfig.load(Optional.ofNullable(config), flags, System.getenv()));
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage());
        }
        var stopped = new CountDownLatch(1);
        var stopping = new AtomicBoolean();
        Runnable drainAndStop = () -> {
            if (stopping.compareAndSet(false, true)) {
                server.stopGracefully();
                stopped.countDown();
            } else {
                // A second signal while draining: the operator wants it over now.
                server.stop();
                stopped.countDown();
            }
        };
        // SIGTERM and Ctrl-C drain, then `call` returns and the process exits 0: a stop that was
        // asked for is not a failure (a JVM that lets SIGTERM run its shutdown hooks exits 143,
        // which Kubernetes and systemd report as an error).
        for (String signal : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(signal), s -> Thread.ofPlatform().name("fanout-drain").start(drainAndStop));
            } catch (IllegalArgumentException e) {
                // The JVM keeps this signal (-Xrs): the shutdown hook below still stops the server.
            }
        }
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("fanout-shutdown").unstarted(() -> {
            if (!stopping.get()) {
                drainAndStop.run();
            }
        }));
        parent.context().stderr().println("fanout: listening on port " + server.port());
        stopped.await();
        return ExitStatus.Common.OK.code();
    }
}
