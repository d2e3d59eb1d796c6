package dev.fanout.server;

import dev.fanout.config.ConfigDuration;
import io.helidon.config.Config;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/// The gateway's settings, read once from the layered configuration (`FanoutConfig`): where the
/// schemas are (and how many rows a reference table may have), the limits (sizes, concurrency, how long a request head and an idle connection
/// may take), the engine's tuning, the response buffer and write time-out, the way out (readiness
/// delay, grace period), whether the public port may reset the histograms, and whether Helidon's
/// writes let streamed answers be framed in place (`server.write-queue-length` at most 1), and
/// how many requests `fanout serve`'s warm-up sends (see `WarmUp`).
/// Immutable.
public record ServerSettings(
        Path schemasDir,
        int maxReferenceRows,
        long maxUploadBytes,
        int maxFieldBytes,
        int maxColumns,
        int maxRecordBytes,
        int maxConcurrentWideRecords,
        int maxSchemaBytes,
        int maxConcurrentValidations,
        long largeUploadBytes,
        int maxConcurrentLargeValidations,
        long smallUploadsHeapBytes,
        int maxConnections,
        int chunkRows,
        int chunksInFlight,
        int workers,
        int spareWorkers,
        int responseMemoryBytes,
        Optional<Path> spillDir,
        boolean responseAfterUpload,
        boolean framesInPlace,
        Duration responseWriteTimeout,
        Duration requestHeadTimeout,
        Duration uploadReadTimeout,
        Duration idleTimeout,
        Duration shutdownGrace,
        Duration readinessDelay,
        boolean histogramsEnabled,
        boolean resetOnPublicPort,
        Duration histogramInterval,
        Optional<Path> histogramLog,
        int warmUpRequests) {
    /// A record is held whole while it is validated (in a buffer of up to twice its size), and its
    /// line can take up to six times its bytes (a control character is written `\u0001`). The
    /// field and column limits alone allow a GiB: a row of 95 fields of 1 MB got
    /// `OutOfMemoryError` and a `500` from the default launch's 64 MB heap. 2 MiB holds a field
    /// at the SPEC's limit and the rest of its row; eight such records at once, one per large
    /// place, fit the 64 MB heap but in the worst case (control characters kept as extra columns:
    /// two of eight ended with `internal_error`), and 4 MiB did not (`bench/RESULTS.md`).
    static final int DEFAULT_MAX_RECORD_BYTES = 2 << 20;


    /// Reads the `fanout.*` keys of `config`.
    ///
    /// @throws IllegalArgumentException naming the key when a value is malformed or out of range
    public static ServerSettings from(Config config) {
        Config fanout = config.get("fanout");
        int configuredWorkers = intValue(fanout, "engine.workers", 0, 0);
        int cores = Runtime.getRuntime().availableProcessors();
        int workers = configuredWorkers == 0 ? defaultWorkers(cores) : configuredWorkers;
        // The cores the default leaves are spare places; a configured count is all there is.
        int spareWorkers = configuredWorkers == 0 ? cores - workers : 0;
        int maxRecordBytes = intValue(fanout, "limits.max-record-bytes", DEFAULT_MAX_RECORD_BYTES, 1);
        return new ServerSettings(
                Path.of(text(fanout, "schemas.dir", "schemas")),
                intValue(fanout, "schemas.max-reference-rows", dev.fanout.engine.References.DEFAULT_MAX_ROWS, 1),
                longValue(fanout, "limits.max-upload-bytes", 2L << 30, 1),
                intValue(fanout, "limits.max-field-bytes", 1 << 20, 1),
                intValue(fanout, "limits.max-columns", 1024, 1),
                maxRecordBytes,
                wideRecordLimit(intValue(fanout, "limits.max-concurrent-wide-records", 0, 0), maxRecordBytes,
                        Runtime.getRuntime().maxMemory()),
                intValue(fanout, "limits.max-schema-bytes", 1 << 20, 1),
                intValue(fanout, "limits.max-concurrent-validations", 1024, 1),
                longValue(fanout, "limits.large-upload-bytes", 256 * 1024, 0),
                largeLimit(intValue(fanout, "limits.max-concurrent-large-validations", 0, 0)),
                smallUploadsHeap(longValue(fanout, "limits.small-uploads-heap-bytes", 0, 0), Runtime.getRuntime().maxMemory()),
                maxConnections(intValue(fanout, "limits.max-connections", 0, 0),
                        config.get("server.max-tcp-connections").asInt().orElse(-1), Runtime.getRuntime().maxMemory()),
                intValue(fanout, "engine.chunk-rows", 1024, 1),
                intValue(fanout, "engine.chunks-in-flight", 3, 1),
                workers,
                spareWorkers,
                intValue(fanout, "response.memory-buffer-bytes", 256 * 1024, 1024),
                optionalPath(fanout, "response.spill-dir"),
                bool(fanout, "response.after-upload", false),
                // Helidon's own key: a listener that queues its writes keeps an array after the
                // write returns, so answers are then framed in fresh arrays (see ChunkedBody).
                config.get("server.write-queue-length").asInt().orElse(0) <= 1,
                positiveDuration(fanout, "response.write-timeout", Duration.ofSeconds(30)),
                positiveDuration(fanout, "limits.request-head-timeout", Duration.ofSeconds(10)),
                positiveDuration(fanout, "limits.upload-read-timeout", Duration.ofSeconds(60)),
                positiveDuration(fanout, "limits.idle-timeout", Duration.ofSeconds(60)),
                nonNegativeDuration(fanout, "shutdown.grace-period", Duration.ofSeconds(10)),
                nonNegativeDuration(fanout, "shutdown.readiness-delay", Duration.ZERO),
                bool(fanout, "histograms.enabled", true),
                bool(fanout, "stats.reset-on-public-port", true),
                duration(fanout, "histograms.interval", Duration.ofSeconds(5)),
                optionalPath(fanout, "histograms.log"),
                intValue(fanout, "warm-up.requests", WarmUp.DEFAULT_REQUESTS, 0));
    }

    /// The validation places all requests share when `engine.workers` is 0: one per core but one,
    /// at least one. The core left over reads uploads, runs HTTP and sends answers; measured under
    /// four 12 MB uploads on two cores, one shared place against two per request gave the same
    /// throughput and a slowest request of 0.6-0.9 s instead of 1.1-3.6 s (bench/RESULTS.md, issue
    /// 11). That core is also a spare place (`spareWorkers`), taken only by a request that is the
    /// only one under way: a lone upload whose checks cost far more than its parse (patterns,
    /// JSON Schema) validates on every core. A configured `engine.workers` has no spare places.
    static int defaultWorkers(int cores) {
        return Math.max(1, cores - 1);
    }

    /// A large validation holds up to `chunks-in-flight` chunks — a record batch of at most
    /// ~256 KB (a batch ends there, however wide its rows) and its rendered rows, about twice as
    /// much, from the shared buffer pool — and its response buffer (256 KB, or one chunk's rendered
    /// rows when they are larger and nothing else waits): under 3 MB with the defaults. Without a
    /// configured limit, allow one per 4 MB of the heap above a 32 MB base (what the server, the
    /// pool's idle arrays and many small requests need; the spare MB covers a fourth chunk in
    /// flight): 7-8 with the default launch's 64 MB heap. The places not taken by uploads pay for
    /// the keys that keyed uploads remember, one per 4 MB ([Admission]).
    private static int largeLimit(int configured) {
        if (configured > 0) {
            return configured;
        }
        long heapBytes = Runtime.getRuntime().maxMemory();
        return (int) Math.max(2, Math.min(1024, (heapBytes - (32L << 20)) / (4L << 20)));
    }

    /// The heap small uploads may hold in all (see [Admission#SMALL_HEAP_PER_BYTE]): without a
    /// configured amount, a fifth of the heap: 12.8 MB with the default launch's 64 MB, room for
    /// ~2,300 requests of the benchmarks' 20 rows at once, or a dozen of 256 KiB.
    static long smallUploadsHeap(long configured, long heapBytes) {
        return configured > 0 ? configured : Math.max(1L << 20, heapBytes / 5);
    }

    /// The connections a listener keeps open at once (Helidon's `max-tcp-connections`; beyond it,
    /// new ones wait in the kernel's accept queue). Each holds ~14-20 KB of the heap while it waits
    /// for a request (Helidon's 8 KiB read buffer, the last read, its virtual thread's stack), up
    /// to ~30 KB after an upload, ~130 KB for the at most 32 whose last read filled 64 KiB
    /// ([SocketReads]): ~3,500 kept-alive connections held the default launch's
    /// 64 MB heap (`OutOfMemoryError`, Helidon's idle-connection checker among the threads that
    /// died of it). Without a configured limit, Helidon's own `server.max-tcp-connections` when
    /// set, else one per 64 KiB of the heap, at least 256: 1,024 with the default launch.
    static int maxConnections(int configured, int helidonConfigured, long heapBytes) {
        if (configured > 0) {
            return configured;
        }
        return helidonConfigured > 0 ? helidonConfigured : Math.clamp(heapBytes >> 16, 256, 1 << 20);
    }

    /// A record wider than a batch (256 KiB) is held whole, and its line can take six times its
    /// bytes and grow by doubling as it is written: one at the record limit can take ~16 times
    /// the limit until its line is written ([dev.fanout.memory.WideRecordGate]). Without a
    /// configured limit, allow one such record per 16 record limits of the heap above the 32 MB
    /// base, and at least one: one with the default launch's 64 MB heap and 2 MiB limit, 31
    /// with a 1 GiB heap.
    static int wideRecordLimit(int configured, int maxRecordBytes, long heapBytes) {
        if (configured > 0) {
            return configured;
        }
        return (int) Math.max(1, Math.min(1024, (heapBytes - (32L << 20)) / (16L * maxRecordBytes)));
    }

    private static String text(Config config, String key, String fallback) {
        return config.get(key).asString().orElse(fallback);
    }

    private static boolean bool(Config config, String key, boolean fallback) {
        String raw = text(config, key, Boolean.toString(fallback)).trim().toLowerCase(Locale.ROOT);
        return switch (raw) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("fanout." + key + " must be true or false, not '" + raw + "'");
        };
    }

    private static Optional<Path> optionalPath(Config config, String key) {
        return config.get(key).asString().map(String::trim).filter(s -> !s.isEmpty()).map(Path::of);
    }

    private static long longValue(Config config, String key, long fallback, long min) {
        String raw = text(config, key, Long.toString(fallback)).trim();
        long value;
        try {
            value = Long.parseLong(raw);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("fanout." + key + " must be an integer, not '" + raw + "'", e);
        }
        if (value < min) {
            throw new IllegalArgumentException("fanout." + key + " must be at least " + min + ", not " + value);
        }
        return value;
    }

    private static int intValue(Config config, String key, int fallback, int min) {
        long value = longValue(config, key, fallback, min);
        if (value > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("fanout." + key + " is too large: " + value);
        }
        return (int) value;
    }

    private static Duration positiveDuration(Config config, String key, Duration fallback) {
        Duration value = duration(config, key, fallback);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("fanout." + key + " must be positive, not " + value);
        }
        return value;
    }

    private static Duration nonNegativeDuration(Config config, String key, Duration fallback) {
        Duration value = duration(config, key, fallback);
        if (value.isNegative()) {
            throw new IllegalArgumentException("fanout." + key + " must not be negative, not " + value);
        }
        return value;
    }

    private static Duration duration(Config config, String key, Duration fallback) {
        return config.get(key).asString().map(text -> {
            try {
                return ConfigDuration.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("fanout." + key + ": " + e.getMessage(), e);
            }
        }).orElse(fallback);
    }
}
