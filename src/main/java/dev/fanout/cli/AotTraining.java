package dev.fanout.cli;

import dev.fanout.engine.EngineOptions;
import dev.fanout.server.FanoutConfig;
import dev.fanout.server.FanoutServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/// The training runs the build records Fanout's AOT caches from (JEP 483/514/515: classes loaded
/// and linked ahead of time, and the JIT's method profiles): `java -XX:AOTCacheOutput=FILE -cp
/// fanout.jar dev.fanout.cli.AotTraining validate|infer|serve people.csv`, with the launch's own
/// JVM options.
///
/// One cache per command, because a JVM started with one loads every class in it at once:
/// `validate` (over a people file many times, so that the row path's profiles are those of real
/// rows), `infer`, and the gateway's (`serve`: a gateway on a free port driven by the load
/// generator, in another JVM, with small and large uploads, raw and multipart). With one cache for
/// all, a 20-row `validate` loaded 5,400 classes and took 0.26 s; with one for `validate` and
/// `infer` together, 1,940 classes; with its own, 1,670, ~5 ms sooner (~80 ms; 0.33 s with none).
/// The gateway answers its first request ~0.85 s after launch with its cache, 2.1 s without.
public final class AotTraining {
    /// Passes over the training file for the row path: enough rows for the JIT's C2 profiles.
    private static final int VALIDATE_PASSES = 25;
    /// Copies of the training rows in the gateway's large training upload.
    private static final int LARGE_UPLOAD_COPIES = 16;

    private AotTraining() {
    }

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 2 || !List.of("validate", "infer", "serve").contains(args[0])) {
            throw new IllegalArgumentException("usage: AotTraining validate|infer|serve PEOPLE.csv");
        }
        Path people = Path.of(args[1]);
        Path work = Files.createTempDirectory("fanout-aot-training");
        try {
            Path small = Files.write(work.resolve("small.csv"), firstLines(people, 21));
            var quiet = new CliContext(InputStream.nullInputStream(), new PrintStream(OutputStream.nullOutputStream()),
                    new PrintStream(OutputStream.nullOutputStream()), false);
            switch (args[0]) {
                case "validate" -> validate(people, small, work, quiet);
                case "infer" -> infer(people, small, quiet);
                default -> serve(people, small, work);
            }
        } finally {
            try (var files = Files.list(work)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
            Files.delete(work);
        }
    }

    private static void validate(Path people, Path small, Path work, CliContext quiet) throws IOException {
        // Runs of several chunks fork, take places and write in order: a training file that fits
        // in one chunk is validated inline, and the cache then lacks those classes, so every large
        // run spun their lambdas at start (measured when the CLI's chunks were made 2,048 rows
        // against this 2,000-row file: C1 compiling the class-file API, 4 MB more resident).
        long rows;
        try (var lines = Files.lines(people)) {
            rows = lines.count() - 1;
        }
        if (rows <= EngineOptions.DEFAULT_CHUNK_ROWS) {
            throw new IllegalStateException("the training file has " + rows + " rows: one chunk of "
                    + EngineOptions.DEFAULT_CHUNK_ROWS + " at most, not several");
        }
        List<String> validate = new ArrayList<>(List.of("validate"));
        for (int i = 0; i < VALIDATE_PASSES; i++) {
            validate.add(people.toString());
        }
        validate.addAll(List.of("--schema-name", "people", "--summary", "-o", work.resolve("out.ndjson").toString()));
        expect(Main.run(validate.toArray(String[]::new), quiet), "validate");
        expect(Main.run(new String[] {"validate", small.toString(), "--schema-name", "people", "-o",
            work.resolve("small.ndjson").toString()}, quiet), "validate");
        // With a primary key: its classes (the key sets, the keys' encoding) in the cache too.
        String keyed;
        try (InputStream bundled = AotTraining.class.getResourceAsStream("/dev/fanout/schema/people.json")) {
            keyed = new String(bundled.readAllBytes(), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"primaryKey\": \"id\", ");
        }
        Path keyedSchema = Files.writeString(work.resolve("people-pk.json"), keyed);
        expect(Main.run(new String[] {"validate", small.toString(), "--schema", keyedSchema.toString(), "-o",
            work.resolve("keyed.ndjson").toString()}, quiet), "validate");
    }

    private static void infer(Path people, Path small, CliContext quiet) {
        expect(Main.run(new String[] {"infer", people.toString()}, quiet), "infer");
        expect(Main.run(new String[] {"infer", small.toString()}, quiet), "infer");
    }

    /// A gateway on a free port, under small and large uploads, raw and multipart. The load
    /// generator runs in a JVM of its own: a cache holds every class its training run loaded, and
    /// the generator's (with the JDK's HTTP client and TLS for reading the gateway's stats, ~600
    /// classes) would be loaded by every gateway at start: 8 MB more resident under load, 17 MB idle.
    ///
    /// The last load is uploads of ~1.9 MB (the training rows sixteen times) answered in full: above
    /// `large-upload-bytes`, so that the cache's profiles are those of streamed answers and of rows
    /// across many buffers. With them C2 compiles the row path fewer times in a fresh gateway's first
    /// seconds of W2 (bench/RESULTS.md, "Issue 11, thirty-third pass"). They are 72, not 24: the
    /// counts they leave bring the methods run once a chunk or a read to C2's threshold in W2's
    /// first seconds rather than a few seconds later (requests higher in 6 alternating pairs of 6,
    /// p99 lower in 4; "Issue 11, thirty-fifth pass").
    ///
    /// The small uploads are 1,000 (and 200 multipart), not more: the cache keeps the methods'
    /// invocation counts with their profiles, so each request of training brings every per-request
    /// method nearer to C2's threshold in every gateway. After 3,000 (and 500), a fresh gateway under
    /// four large uploads compiled methods it runs once a request, 16 times a second
    /// (`ColumnMapping.of`, twice), in its first seconds of load, and under 500 small connections its
    /// largest compiles came later, with its heap's growth. With 1,000: W2's p99 lower in 6
    /// alternating pairs of 6; W1 the same within the machine's swing (bench/RESULTS.md, "Issue 11,
    /// thirty-fifth pass").
    private static void serve(Path people, Path small, Path work) throws IOException, InterruptedException {
        List<String> rows = Files.readAllLines(people, StandardCharsets.UTF_8);
        List<String> large = new ArrayList<>(List.of(rows.getFirst()));
        for (int copy = 0; copy < LARGE_UPLOAD_COPIES; copy++) {
            large.addAll(rows.subList(1, rows.size()));
        }
        Path largeFile = Files.write(work.resolve("large.csv"), large, StandardCharsets.UTF_8);
        FanoutServer server = FanoutServer.start(FanoutConfig.load(Optional.empty(),
                Map.of("server.port", "0", "server.host", "127.0.0.1"), Map.of()));
        try {
            clientsGoAway(server.port(), largeFile);
            String url = "http://127.0.0.1:" + server.port() + "/v1/validate?schema=people";
            for (List<String> bench : List.of(
                    List.of("bench", "--url", url, "--file", small.toString(), "--requests", "1000", "-c", "32"),
                    List.of("bench", "--url", url, "--file", small.toString(), "--multipart", "--requests", "200"),
                    List.of("bench", "--url", url + "&summary=true", "--file", people.toString(), "--requests", "40",
                        "-c", "4"),
                    List.of("bench", "--url", url, "--file", largeFile.toString(), "--requests", "72", "-c", "4"))) {
                List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-preview", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                        Main.class.getName()));
                command.addAll(bench);
                Process generator = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
                // Bounded like every load loop here: a generator that hangs fails the build.
                if (!generator.waitFor(5, TimeUnit.MINUTES)) {
                    generator.destroyForcibly();
                    throw new IllegalStateException("the training run's load generator did not finish in 5 minutes");
                }
                expect(generator.exitValue(), "bench");
            }
        } finally {
            server.stop();
        }
    }

    /// Clients that go away mid-request, as a load generator's do when it stops (every `wrk` run
    /// ends with its connections' requests cut): two mid-upload, two mid-answer. Without them in
    /// training, a fresh gateway met that path first under load, at the end of W2's warm-up: it
    /// spun the path's classes (a type switch, the scope's cancellation) and C2 compiled the JDK's
    /// class-file writer, whose training counts were high, in the measured run's first second. The
    /// training's benches that follow give the gateway the time to finish them.
    private static void clientsGoAway(int port, Path largeFile) throws IOException {
        byte[] body = Files.readAllBytes(largeFile);
        byte[] head = ("POST /v1/validate?schema=people HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        for (boolean wholeUpload : new boolean[] {false, true, false, true}) {
            try (Socket socket = new Socket()) {
                // Bounded like every load here: a socket write has no timeout of its own (the
                // gateway reads on while its answer waits, spilled, but a build must never hang).
                Thread deadline = Thread.ofVirtual().start(() -> closeAfter(socket, 30_000));
                try {
                    // A small window: the gateway's writes of the answer block soon, and fail at the close.
                    socket.setReceiveBufferSize(4096);
                    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                    socket.setSoTimeout(10_000);
                    OutputStream out = socket.getOutputStream();
                    out.write(head);
                    // Cut after the answer has begun (its first bytes read), the upload whole or not:
                    // the gateway then ends the answer with an error line, or finds the client gone.
                    out.write(body, 0, wholeUpload ? body.length : body.length * 3 / 4);
                    out.flush();
                    try {
                        socket.getInputStream().readNBytes(16 * 1024);
                    } catch (SocketTimeoutException e) {
                        // An answer not begun in 10 s: cut all the same.
                    }
                } finally {
                    deadline.interrupt();
                }
            }
        }
    }

    private static void closeAfter(Socket socket, long millis) {
        try {
            Thread.sleep(millis);
            socket.close();
        } catch (InterruptedException | IOException e) {
            // Done in time, or closed already.
        }
    }

    private static byte[] firstLines(Path file, int lines) {
        try {
            List<String> head = Files.readAllLines(file, StandardCharsets.UTF_8).subList(0, lines);
            return (String.join("\n", head) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /// `validate` exits 1 when some rows are invalid (the training file has some); 2 is a failure.
    private static void expect(int status, String command) {
        if (status == ExitStatus.Common.ERROR.code()) {
            throw new IllegalStateException("the training run's " + command + " failed (exit status " + status + ")");
        }
    }
}
