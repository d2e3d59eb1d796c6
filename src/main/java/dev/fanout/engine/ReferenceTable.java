package dev.fanout.engine;

import dev.fanout.csv.CsvFailure;
import dev.fanout.csv.CsvRecord;
import dev.fanout.csv.CsvSource;
import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.Field;
import dev.fanout.schema.ForeignKey;
import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.Schema;
import dev.fanout.schema.Violation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/// The keys of one foreign key's reference table: `NAME.csv` (the key's `resource`) read once into
/// a [KeySet], each cell under a reference field cast by the local field it pairs with (so `007`
/// in the table is the key `7` of an integer field). Its header names the reference fields;
/// other columns are ignored. At most `maxRows` data rows: a larger table is refused, as are a
/// table without one of the reference columns and one that is not CSV. A cell that is missing or
/// does not cast under the local field's type is no key (no valid value could equal it).
///
/// Reloaded when the file changes: [#keys] looks at the file's size, time and identity at most
/// once a second and reads it again when one of them moved; meanwhile every caller shares the set
/// it has. A table that cannot be read (gone, too large, malformed) makes [#keys] throw until the
/// file is fixed. Thread-safe.
public final class ReferenceTable {
    private static final long CHECK_INTERVAL_NANOS = 1_000_000_000L;

    private final Path file;
    private final ForeignKey key;
    private final String where;
    private final Field[] localFields;
    private final int maxRows;
    // System.nanoTime, or a test's clock that it advances instead of waiting out the interval.
    private final LongSupplier nanoClock;
    private volatile State state;
    private volatile long nextCheckNanos;

    /// What the file looked like when read; a change of any part means a new file.
    private record Stamp(long size, long modifiedNanos, Object fileKey) {
    }

    /// The set read from the file with that stamp, or why it could not be read.
    private record State(Optional<Stamp> stamp, KeySet keys, InvalidSchemaException failure) {
    }

    private ReferenceTable(Path file, Schema schema, ForeignKey key, String where, int maxRows, LongSupplier nanoClock) {
        this.file = file;
        this.nanoClock = nanoClock;
        this.key = key;
        this.where = where;
        this.maxRows = maxRows;
        this.localFields = key.fields().stream().map(name -> schema.field(name).orElseThrow()).toArray(Field[]::new);
    }

    /// Reads the reference table of `key` (a foreign key of `schema` to a table) from `dir`.
    ///
    /// @throws InvalidSchemaException when there is no such table or it cannot be used; the
    ///     message names the file and the problem
    public static ReferenceTable load(Path dir, Schema schema, ForeignKey key, int maxRows) {
        return load(dir, schema, key, maxRows, System::nanoTime);
    }

    /// As above, with the once-a-second check of the file timed by `nanoClock` (nanoseconds, like
    /// `System.nanoTime`).
    static ReferenceTable load(Path dir, Schema schema, ForeignKey key, int maxRows, LongSupplier nanoClock) {
        if (key.selfReference()) {
            throw new IllegalArgumentException("a self-reference has no reference table");
        }
        int index = schema.foreignKeys().indexOf(key);
        String where = "foreignKeys #" + (index + 1) + ": reference table '" + key.resource() + "'";
        var table = new ReferenceTable(dir.resolve(key.resource() + ".csv"), schema, key, where, maxRows, nanoClock);
        table.state = table.read();
        table.nextCheckNanos = nanoClock.getAsLong() + CHECK_INTERVAL_NANOS;
        table.keys();
        return table;
    }

    /// The key set as of the file's last check.
    ///
    /// @throws InvalidSchemaException when the file, as last seen, cannot be used
    KeySet keys() {
        long now = nanoClock.getAsLong();
        if (now - nextCheckNanos >= 0) {
            recheck(now);
        }
        State current = state;
        if (current.failure() != null) {
            throw current.failure();
        }
        return current.keys();
    }

    /// The distinct keys held and the bytes that holds them, as of the last read, e.g.
    /// `1000000 keys in 16777216 bytes` (for the log and `bench/foreign-keys`).
    public String describe() {
        State current = state;
        return current.keys() == null ? "unavailable" : current.keys().size() + " keys in " + current.keys().bytes() + " bytes";
    }

    /// Looks at the file, and reads it again if it changed. One caller does, the one that claims
    /// the check; the others go on with the keys they have (a million rows take ~1 s to read,
    /// and a request waiting on them would hold its admission place).
    private void recheck(long now) {
        synchronized (this) {
            if (now - nextCheckNanos < 0) {
                // Another caller has claimed this check.
                return;
            }
            nextCheckNanos = now + CHECK_INTERVAL_NANOS;
        }
        Optional<Stamp> stamp = stamp();
        if (!stamp.equals(state.stamp())) {
            state = read();
        }
        nextCheckNanos = nanoClock.getAsLong() + CHECK_INTERVAL_NANOS;
    }

    private Optional<Stamp> stamp() {
        try {
            var attributes = Files.readAttributes(file, BasicFileAttributes.class);
            return Optional.of(new Stamp(attributes.size(), attributes.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                    attributes.fileKey()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private State read() {
        Optional<Stamp> stamp = stamp();
        if (stamp.isEmpty()) {
            return failed(stamp, "there is no file " + file.getFileName() + " beside the schemas");
        }
        try (InputStream in = Files.newInputStream(file);
                CsvSource source = CsvSource.open(in, ',', EngineOptions.DEFAULT_MAX_FIELD_BYTES, EngineOptions.DEFAULT_MAX_COLUMNS)) {
            Optional<CsvRecord> header = source.next();
            if (header.isEmpty()) {
                return failed(stamp, file.getFileName() + " is empty: it has no header");
            }
            int[] columns = columns(header.get());
            var keys = new KeySet();
            var violations = new ArrayList<Violation>(2);
            Object[] parts = new Object[columns.length];
            long rows = 0;
            for (Optional<CsvRecord> next = source.next(); next.isPresent(); next = source.next()) {
                CsvRecord record = next.get();
                if (++rows > maxRows) {
                    return failed(stamp, file.getFileName() + " has more than " + maxRows
                            + " rows, the limit (fanout.schemas.max-reference-rows)");
                }
                if (record.size() != header.get().size()) {
                    return failed(stamp, file.getFileName() + " line " + record.line() + " has " + record.size()
                            + " cells, and its header " + header.get().size());
                }
                if (keyOf(record, columns, parts, violations)) {
                    keys.add(KeySet.encode(parts));
                }
            }
            keys.trim();
            return new State(stamp, keys, null);
        } catch (InvalidSchemaException e) {
            return new State(stamp, null, e);
        } catch (CsvFailure e) {
            return failed(stamp, file.getFileName() + " cannot be read as CSV (" + e.code().wireName() + "): " + e.getMessage());
        } catch (IOException e) {
            return failed(stamp, file.getFileName() + " cannot be read: " + Objects.toString(e.getMessage(), e.toString()));
        }
    }

    private int[] columns(CsvRecord header) {
        List<String> names = List.of(header.cells());
        int[] columns = new int[key.referenceFields().size()];
        for (int k = 0; k < columns.length; k++) {
            columns[k] = names.indexOf(key.referenceFields().get(k));
            if (columns[k] < 0) {
                throw new InvalidSchemaException(key.fields().get(k), where + ": " + file.getFileName()
                        + " has no column '" + key.referenceFields().get(k) + "'");
            }
        }
        return columns;
    }

    /// Fills `parts` with the record's key, cast by the local fields; false when a part is
    /// missing or does not cast.
    private boolean keyOf(CsvRecord record, int[] columns, Object[] parts, List<Violation> violations) {
        for (int k = 0; k < columns.length; k++) {
            String raw = record.cells()[columns[k]];
            // The local field's missing values (its own, else the schema's), as an upload's cell is read.
            if (localFields[k].missingValues().contains(raw)) {
                return false;
            }
            Object typed = localFields[k].check(raw, violations);
            boolean castFailed = !violations.isEmpty()
                    && (violations.getFirst().code() == ErrorCode.TYPE || violations.getFirst().code() == ErrorCode.FORMAT);
            violations.clear();
            if (castFailed) {
                return false;
            }
            parts[k] = localFields[k].uniqueKey(typed);
        }
        return true;
    }

    private State failed(Optional<Stamp> stamp, String problem) {
        return new State(stamp, null, new InvalidSchemaException(key.fields().getFirst(), where + ": " + problem));
    }
}
