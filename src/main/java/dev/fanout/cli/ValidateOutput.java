package dev.fanout.cli;

import dev.fanout.output.ByteSink;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/// Where `fanout validate` writes its NDJSON: standard output or `-o FILE`, opened only when the
/// first header was accepted, so that a rejected file leaves no empty output file behind, and
/// closed once, after the last input. A write failure is a [CliFailure] naming the output, and
/// marks the output failed so the command stops going on to the next file. Not thread-safe.
final class ValidateOutput implements AutoCloseable {
    /// Output buffer: large writes keep the engine, not the pipe, the bottleneck.
    static final int OUTPUT_BUFFER_BYTES = 64 * 1024;

    private final CliContext context;
    /// `-o FILE`, or null for standard output.
    private final Path output;
    private OutputStream stream;
    private boolean failed;

    ValidateOutput(CliContext context, Path output) {
        this.context = context;
        this.output = output;
    }

    /// The output for one run, which its writer may close without closing the output.
    OutputStream stream() {
        if (stream == null) {
            stream = open(context.stdout());
        }
        // Each run's writer closes nothing: the output is closed once, at the end.
        return new FilterOutputStream(stream) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() {
            }
        };
    }

    /// Writes `{"file":NAME}` and a line feed: the line before each input's NDJSON when there are several.
    void writeFileLine(String input) {
        var sink = new ByteSink(input.length() + 16);
        sink.write("{\"file\":".getBytes(StandardCharsets.US_ASCII), 0, 8);
        sink.appendJsonString(input);
        sink.write('}');
        sink.write('\n');
        try {
            stream().write(sink.toByteArray());
        } catch (IOException e) {
            throw failure(e);
        }
    }

    void flush() throws IOException {
        if (stream != null) {
            stream.flush();
        }
    }

    boolean failed() {
        return failed;
    }

    CliFailure failure(IOException e) {
        failed = true;
        return CliFailure.io("write", output == null ? "standard output" : output.toString(), e);
    }

    @Override
    public void close() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException e) {
                throw failure(e);
            }
        }
    }

    private OutputStream open(PrintStream stdout) {
        if (output == null) {
            return new BufferedOutputStream(new StandardOutput(stdout), OUTPUT_BUFFER_BYTES);
        }
        try {
            return new BufferedOutputStream(Files.newOutputStream(output), OUTPUT_BUFFER_BYTES);
        } catch (IOException e) {
            // Every later file would fail to open it too: the run stops here.
            throw failure(e);
        }
    }

    /// Standard output as a plain stream that reports write failures (a `PrintStream` only records
    /// them) and is flushed, not closed, at the end.
    private static final class StandardOutput extends OutputStream {
        private final PrintStream stdout;

        StandardOutput(PrintStream stdout) {
            this.stdout = stdout;
        }

        @Override
        public void write(int b) throws IOException {
            stdout.write(b);
            check();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            stdout.write(b, off, len);
            check();
        }

        @Override
        public void flush() throws IOException {
            check();
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        private void check() throws IOException {
            // checkError() flushes; called once per buffer, so it costs little.
            if (stdout.checkError()) {
                throw new IOException("the stream was closed");
            }
        }
    }
}
