package dev.fanout.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// A real `fanout serve` process on a free port, started from the test's class path with the JVM
/// options given (a heap as small as the default launch's, say), for tests whose subject is the
/// process itself: its signals, its exit, its heap.
final class GatewayProcess {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private GatewayProcess() {
    }

    /// Starts `fanout serve --port 0 --config CONFIG` in a JVM with `jvmOptions`.
    static Process start(Path config, String... jvmOptions) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-preview");
        command.addAll(List.of(jvmOptions));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("dev.fanout.cli.Main");
        command.addAll(List.of("serve", "--port", "0", "--config", config.toString()));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /// Reads the server's output until it says where it listens (at most 30 s); keeps draining
    /// the output afterwards so that the process never blocks on a full pipe.
    static int awaitPort(Process server) throws IOException {
        var lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        while ((line = lines.readLine()) != null && System.nanoTime() < deadline) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                Thread.ofVirtual().start(() -> {
                    try {
                        lines.transferTo(java.io.Writer.nullWriter());
                    } catch (IOException e) {
                        // The process ended: nothing more to drain.
                    }
                });
                return Integer.parseInt(m.group(1));
            }
        }
        throw new AssertionError("the server did not report its port");
    }
}
