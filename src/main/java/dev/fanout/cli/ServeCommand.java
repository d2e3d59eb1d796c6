package dev.fanout.cli;

import dev.fanout.server.FanoutConfig;
import dev.fanout.server.FanoutServer;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
/// Flags override the configuration file, which overrides the bundled `application.yaml`. The
/// flags are parsed by [#parseQuickly] without picocli (as `validate`'s are): picocli's start-up
/// was ~0.2 s of the gateway's. `--help` and malformed flags go to picocli.
@Command(name = "serve", description = "Starts the HTTP gateway (default port 8080, bundled 'people' schema).")
final class ServeCommand implements Callable<Integer> {
    @ParentCommand
    private Main parent;

    /// The context when the arguments were parsed by [#parseQuickly] (there is no parent then).
    private CliContext quickContext;

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

    /// Parses the arguments after `serve` without picocli when they are all of the plain forms
    /// ([QuickArguments]) and valid; empty otherwise, and then picocli must parse them.
    static Optional<ServeCommand> parseQuickly(List<String> args, CliContext context) {
        var parsed = QuickArguments.parse(args, Set.of(), Map.of());
        if (parsed.isEmpty() || !parsed.get().positionals().isEmpty()) {
            return Optional.empty();
        }
        var command = new ServeCommand();
        command.quickContext = context;
        try {
            for (var option : parsed.get().options().entrySet()) {
                String value = option.getValue();
                switch (option.getKey()) {
                    case "--port" -> command.port = Integer.valueOf(value);
                    case "--host" -> command.host = value;
                    case "--config" -> command.config = Path.of(value);
                    case "--schemas" -> command.schemas = Path.of(value);
                    case "--histogram-log" -> command.histogramLog = Path.of(value);
                    default -> {
                        return Optional.empty();
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // A port that is not a number, a path the file system refuses: picocli says why.
            return Optional.empty();
        }
        return Optional.of(command);
    }

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
        CliContext context = quickContext != null ? quickContext : parent.context();
        context.stderr().println("fanout: listening on port " + server.port());
        server.warmUpInBackground();
        stopped.await();
        return ExitStatus.Common.OK.code();
    }
}
