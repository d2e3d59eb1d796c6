package dev.fanout.engine;

import dev.fanout.csv.CsvFailure;
import dev.fanout.csv.CsvRecord;
import dev.fanout.csv.CsvSource;
import dev.fanout.memory.WideRecordGate;
import dev.fanout.schema.Field;
import dev.fanout.schema.ForeignKey;
import dev.fanout.schema.Schema;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/// The engine: a CSV stream, a schema and options in; NDJSON out; a summary back. It knows nothing
/// of HTTP or files. Stateless and thread-safe: any number of runs may go on at once.
///
/// Use it in two steps, so that a caller can answer header problems before it commits to a
/// response: `open` reads and checks the header (throwing `HeaderException`), then
/// `ValidationRun.writeTo` validates the rows and writes the output.
public final class ValidationEngine {
    /// The most chars of a header and its mapping's keys that the engine keeps ([#lastMapped]).
    private static final int KEPT_MAPPING_CHARS = 8192;

    private final ThreadFactory threads;
    private final EngineMetrics metrics;
    /// The places every run's chunks take turns for, or null when each run has `workers` of its own.
    private final ValidationPlaces sharedWorkers;
    /// What every run's records wider than a batch take turns for.
    private final WideRecordGate wideRecords;
    /// The last header mapped, and its mapping: a gateway's uploads mostly repeat one header for
    /// one schema, and building the mapping was ~0.7 % of a 20-row request's CPU (bench/RESULTS.md,
    /// fortieth pass). Races only cost a mapping built again. The engine lives as long as the
    /// gateway, so what it keeps is bounded: the schema weakly (a request's own schema goes with
    /// the request), the header and the mapping only up to [#KEPT_MAPPING_CHARS] (a header cell
    /// can be a MiB long).
    private volatile @Nullable MappedHeader lastMapped;

    /// A header (its own copy) and its mapping to `schema` with `extra`.
    private record MappedHeader(WeakReference<Schema> schema, ExtraColumns extra, String[] header, ColumnMapping mapping) {
        @SuppressWarnings("ReferenceEquality") // a schema is the same by identity: a request's own is a new one
        boolean matches(Schema otherSchema, ExtraColumns otherExtra, String[] otherHeader) {
            return schema.get() == otherSchema && extra == otherExtra && Arrays.equals(header, otherHeader);
        }
    }

    /// An engine whose subtasks run on virtual threads and that reports no timings.
    public ValidationEngine() {
        this(EngineMetrics.NONE);
    }

    /// An engine whose subtasks run on virtual threads and that reports chunk timings to `metrics`.
    /// The threads share one name: a numbered name is taken from a counter through a `VarHandle`
    /// whose method handle the AOT cache does not hold, and `fanout validate` spun six classes at
    /// its first chunk to make it (`-Xlog:class+load`).
    public ValidationEngine(EngineMetrics metrics) {
        this(Thread.ofVirtual().name("fanout-chunk").factory(), metrics);
    }

    /// An engine whose subtasks come from `threads`, so tests can see that a run leaves none alive.
    ValidationEngine(ThreadFactory threads) {
        this(threads, EngineMetrics.NONE);
    }

    /// An engine whose subtasks come from `threads` (virtual threads, for the engine's blocking
    /// hand-offs to stay cheap), reporting chunk timings to `metrics`.
    public ValidationEngine(ThreadFactory threads, EngineMetrics metrics) {
        this(threads, metrics, null, WideRecordGate.UNLIMITED);
    }

    private ValidationEngine(ThreadFactory threads, EngineMetrics metrics, ValidationPlaces sharedWorkers,
            WideRecordGate wideRecords) {
        this.threads = Objects.requireNonNull(threads, "threads must not be null");
        this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
        this.sharedWorkers = sharedWorkers;
        this.wideRecords = Objects.requireNonNull(wideRecords, "wideRecords must not be null");
    }

    /// An engine whose runs all share `workers` places for validating chunks, taken in the order
    /// they are asked for (a fair semaphore), rather than each run having `EngineOptions.workers`
    /// of its own: for a server running many uploads at once.
    ///
    /// Virtual threads are not time-sliced: with places of their own, several large uploads kept
    /// both carrier threads busy validating chunks, and the one whose reader or sender had just
    /// been woken by the socket waited behind them — under four 12 MB uploads on two cores, a few
    /// requests took 4-8 times the median. With one queue of places, chunks are validated in the
    /// order they were read, whatever their request, and a place-holder cannot starve the readers.
    ///
    /// `spare` more places are taken by a run only while it is the only run under way, so that a
    /// lone upload validates on every core ([ValidationPlaces]).
    public static ValidationEngine sharingWorkers(ThreadFactory threads, EngineMetrics metrics, int workers, int spare) {
        return sharingWorkers(threads, metrics, workers, spare, WideRecordGate.UNLIMITED);
    }

    /// As [#sharingWorkers(ThreadFactory, EngineMetrics, int, int)], its runs also taking turns at
    /// `wideRecords` for every record wider than a batch, which they hold whole and whose lines
    /// take up to six times their size: a server's heap holds only so many at once.
    public static ValidationEngine sharingWorkers(ThreadFactory threads, EngineMetrics metrics, int workers, int spare,
            WideRecordGate wideRecords) {
        return new ValidationEngine(threads, metrics, ValidationPlaces.shared(workers, spare), wideRecords);
    }

    /// Reads the header of `in` and checks it against `schema`.
    ///
    /// @throws HeaderException with the SPEC's code when the header is empty, repeats a name, lacks
    ///     a required field, has a column the schema does not define (with `extra=error`), or
    ///     cannot be read
    public ValidationRun open(InputStream in, Schema schema, EngineOptions options) {
        return open(in, schema, options, Lookups.NONE);
    }

    /// As `open(in, schema, options)`, asking `lookups` about the values of fields with an
    /// `x-lookup`. The caller closes whatever `lookups` holds after the run.
    ///
    /// @throws HeaderException as `open(in, schema, options)` does
    public ValidationRun open(InputStream in, Schema schema, EngineOptions options, Lookups lookups) {
        return open(in, schema, options, lookups, References.NONE);
    }

    /// As `open(in, schema, options, lookups)`, checking foreign keys to reference tables against
    /// `references` (the tables as of now: a table whose file changed is read again first).
    ///
    /// @throws HeaderException as `open(in, schema, options)` does
    /// @throws dev.fanout.schema.InvalidSchemaException when a reference table cannot be used now
    /// @throws IllegalArgumentException when `references` lacks a table the schema names
    @SuppressWarnings("ReferenceEquality") // Lookups.NONE is a sentinel, known by identity
    public ValidationRun open(InputStream in, Schema schema, EngineOptions options, Lookups lookups, References references) {
        Objects.requireNonNull(references, "references must not be null");
        Objects.requireNonNull(in, "in must not be null");
        Objects.requireNonNull(schema, "schema must not be null");
        Objects.requireNonNull(options, "options must not be null");
        Objects.requireNonNull(lookups, "lookups must not be null");
        if (lookups == Lookups.NONE && schema.hasLookups()) {
            for (Field field : schema.fields()) {
                if (field.lookup().isPresent()) {
                    throw new IllegalArgumentException("field '" + field.name() + "' has an x-lookup, and no upstreams are configured here");
                }
            }
        }
        List<ForeignKeyCheck> foreignKeys = new ArrayList<>(schema.foreignKeys().size());
        for (ForeignKey key : schema.foreignKeys()) {
            KeySet table = key.selfReference() ? null : references.table(key)
                    .orElseThrow(() -> new IllegalArgumentException("a foreign key of " + key.label() + " refers to table '"
                            + key.resource() + "', and no reference tables are given here"))
                    .keys();
            foreignKeys.add(ForeignKeyCheck.of(schema, key, table));
        }
        long startNanos = System.nanoTime();
        CsvSource source = null;
        try {
            source = CsvSource.open(in, options.delimiter(), options.maxFieldBytes(), options.maxColumns(), options.maxRecordBytes(),
                    wideRecords);
            Optional<CsvRecord> header = source.next();
            if (header.isEmpty()) {
                throw new HeaderException(HeaderCode.EMPTY_CSV, "the CSV is empty: it has no header");
            }
            var mapping = mapping(header.get().cells(), schema, options.extra());
            ValidationPlaces workers = sharedWorkers != null ? sharedWorkers : ValidationPlaces.ofRun(options.workers());
            return new ValidationRun(source, schema, mapping, options, startNanos, threads, workers, metrics, lookups,
                    List.copyOf(foreignKeys));
        } catch (CsvFailure failure) {
            var header = new HeaderException(failure.code(), "the header could not be read: " + failure.getMessage());
            // On the exception thrown, so that a failure to close is not lost with `failure`.
            closeQuietly(source, header);
            throw header;
        } catch (RuntimeException | Error e) {
            // An Error too (running out of memory while reading a wide header): the source holds
            // pooled buffers and may hold a turn at the wide records' gate.
            closeQuietly(source, e);
            throw e;
        }
    }

    /// The mapping of `header` to `schema`, the last one's when it is the same (mappings are
    /// immutable); throws as `ColumnMapping.of` does.
    private ColumnMapping mapping(String[] header, Schema schema, ExtraColumns extra) {
        MappedHeader last = lastMapped;
        if (last != null && last.matches(schema, extra, header)) {
            return last.mapping();
        }
        ColumnMapping mapping = ColumnMapping.of(header, schema, extra);
        if (chars(Arrays.asList(header)) + chars(mapping.dataNames) <= KEPT_MAPPING_CHARS) {
            lastMapped = new MappedHeader(new WeakReference<>(schema), extra, header.clone(), mapping);
        }
        return mapping;
    }

    private static long chars(List<String> texts) {
        long chars = 0;
        for (String text : texts) {
            chars += text.length();
        }
        return chars;
    }

    private static void closeQuietly(CsvSource source, Throwable pending) {
        if (source != null) {
            try {
                source.close();
            } catch (RuntimeException e) {
                pending.addSuppressed(e);
            }
        }
    }
}
