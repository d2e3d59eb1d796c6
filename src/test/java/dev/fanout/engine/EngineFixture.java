package dev.fanout.engine;

import dev.fanout.schema.Schema;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/// Runs the real engine over real files and returns what it wrote, for the engine's tests.
final class EngineFixture {
    private EngineFixture() {
    }

    /// Virtual threads named `test-chunk-N`, each added to `started` as it is made: for checking
    /// that a run leaves none alive.
    static java.util.concurrent.ThreadFactory recordingThreads(java.util.List<Thread> started) {
        java.util.concurrent.ThreadFactory base = Thread.ofVirtual().name("test-chunk-", 0).factory();
        return task -> {
            Thread thread = base.newThread(task);
            started.add(thread);
            return thread;
        };
    }

    /// An order and its customer, whose id is looked up on upstream `crm`: for runs whose chunks
    /// go through a test's own `Lookups`.
    static final dev.fanout.schema.Schema ORDERS_LOOKED_UP = dev.fanout.schema.Schema.parse("""
            {"fields":[
              {"name":"order","type":"integer"},
              {"name":"customer","type":"integer",
               "x-lookup":{"upstream":"crm","path":"/customers/{value}"}}]}""".getBytes(java.nio.charset.StandardCharsets.UTF_8));

    /// What one run wrote and returned.
    record Output(String ndjson, RunOutcome outcome) {
        /// The output without the run-time-dependent `elapsedMs`, for byte comparisons.
        String stable() {
            return ndjson.replaceAll("\"elapsedMs\":[0-9.]+", "\"elapsedMs\":0");
        }
    }

    static Path write(Path dir, String name, String content) {
        return write(dir, name, content.getBytes(StandardCharsets.UTF_8));
    }

    static Path write(Path dir, String name, byte[] content) {
        try {
            return Files.write(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Output run(Path csv, Schema schema, EngineOptions options) {
        try (InputStream in = Files.newInputStream(csv)) {
            return run(in, schema, options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Output run(InputStream in, Schema schema, EngineOptions options) {
        return run(in, schema, options, KeyBudget.UNLIMITED);
    }

    /// A run whose keys are held within `keys`.
    static Output run(InputStream in, Schema schema, EngineOptions options, KeyBudget keys) {
        return run(in, schema, options, keys, 0);
    }

    /// A run whose keys are held within `keys`, told that its input has `inputBytes` (0: not told).
    static Output run(InputStream in, Schema schema, EngineOptions options, KeyBudget keys, long inputBytes) {
        var out = new ByteArrayOutputStream();
        try (var run = new ValidationEngine().open(in, schema, options)) {
            run.expectInputBytes(inputBytes);
            RunOutcome outcome = run.writeTo(out, keys);
            return new Output(out.toString(StandardCharsets.UTF_8), outcome);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /// An input that hands out at most one byte per read, as a slow network would.
    static final class OneByteAtATime extends FilterInputStream {
        OneByteAtATime(InputStream in) {
            super(in);
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return len == 0 ? 0 : super.read(b, off, 1);
        }
    }

    /// An input whose reads throw `OutOfMemoryError` once `cut` bytes are handed out, as the
    /// reading of an upload does when a buffer it grows finds the heap full.
    static final class OutOfMemoryAt extends FilterInputStream {
        private final long cut;
        private long given;

        OutOfMemoryAt(InputStream in, long cut) {
            super(in);
            this.cut = cut;
        }

        @Override
        public int read() throws IOException {
            if (given >= cut) {
                throw new OutOfMemoryError("Java heap space");
            }
            int c = super.read();
            given += c < 0 ? 0 : 1;
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (given >= cut) {
                throw new OutOfMemoryError("Java heap space");
            }
            int n = super.read(b, off, (int) Math.min(len, cut - given));
            given += Math.max(n, 0);
            return n;
        }
    }
}
