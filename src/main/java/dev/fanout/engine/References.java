package dev.fanout.engine;

import dev.fanout.schema.ForeignKey;
import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.Schema;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/// The reference tables of one schema's foreign keys, loaded once and shared by every run of that
/// schema (each [ReferenceTable] reloads itself when its file changes). [#NONE] has no tables:
/// enough for schemas whose foreign keys all refer to the file itself. Thread-safe.
public final class References {
    /// No reference tables.
    public static final References NONE = new References(Map.of());

    /// The default of `fanout.schemas.max-reference-rows` (and the CLI's bound).
    public static final int DEFAULT_MAX_ROWS = 1_000_000;

    private final Map<ForeignKey, ReferenceTable> tables;

    private References(Map<ForeignKey, ReferenceTable> tables) {
        this.tables = Map.copyOf(tables);
    }

    /// Loads the table of each of `schema`'s foreign keys that names one, as `RESOURCE.csv` in `dir`.
    ///
    /// @throws InvalidSchemaException when a table is missing or cannot be used (over `maxRows`
    ///     data rows, without a reference column, not CSV)
    public static References load(Schema schema, Path dir, int maxRows) {
        return load(schema, dir, maxRows, System::nanoTime);
    }

    /// As above, with each table's check for a changed file timed by `nanoClock` (tests advance it).
    static References load(Schema schema, Path dir, int maxRows, LongSupplier nanoClock) {
        Map<ForeignKey, ReferenceTable> tables = new LinkedHashMap<>();
        for (ForeignKey key : schema.foreignKeys()) {
            if (!key.selfReference() && !tables.containsKey(key)) {
                tables.put(key, ReferenceTable.load(dir, schema, key, maxRows, nanoClock));
            }
        }
        return tables.isEmpty() ? NONE : new References(tables);
    }

    /// Each table's keys and their memory, e.g. `countries (code): 1000000 keys in 18874368 bytes`,
    /// for the start-up log and `bench/foreign-keys`.
    public java.util.List<String> describe() {
        return tables.entrySet().stream()
                .map(e -> e.getKey().describeReference() + ": " + e.getValue().describe())
                .sorted()
                .toList();
    }

    /// The table of `key`, when this holds one.
    public Optional<ReferenceTable> table(ForeignKey key) {
        return Optional.ofNullable(tables.get(key));
    }
}
