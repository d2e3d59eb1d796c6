package dev.fanout.server;

import dev.fanout.engine.References;
import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/// The registered schemas: the bundled `people` plus every `NAME.json` in the schema folder (a
/// file named `people.json` replaces the bundled one), with the reference tables their
/// `foreignKeys` name (`RESOURCE.csv` in the same folder). Loaded once at start-up; a file that is
/// not a valid schema, or names a reference table that is missing or unusable, stops the start
/// with a message naming it, rather than being skipped unnoticed. The tables reload themselves
/// when their files change ([References]); the schemas do not. Thread-safe.
public final class SchemaRegistry {
    private static final System.Logger LOG = System.getLogger(SchemaRegistry.class.getName());
    private final Map<String, Schema> schemas;
    // By identity: only the registered instances have tables (an inline schema never does).
    private final Map<Schema, References> references;

    private SchemaRegistry(Map<String, Schema> schemas, IdentityHashMap<Schema, References> references) {
        this.schemas = Collections.unmodifiableMap(new TreeMap<>(schemas));
        this.references = Collections.unmodifiableMap(new IdentityHashMap<>(references));
    }

    /// Loads the bundled schema and the folder's, with no more than the default number of rows
    /// per reference table; a missing folder holds no schemas.
    ///
    /// @throws IllegalArgumentException naming the file when one cannot be read or is invalid
    public static SchemaRegistry load(Path dir, int maxSchemaBytes) {
        return load(dir, maxSchemaBytes, References.DEFAULT_MAX_ROWS);
    }

    /// Loads the bundled schema and the folder's, and the reference tables they name (at most
    /// `maxReferenceRows` data rows each); a missing folder holds no schemas.
    ///
    /// @throws IllegalArgumentException naming the file when one cannot be read or is invalid
    public static SchemaRegistry load(Path dir, int maxSchemaBytes, int maxReferenceRows) {
        Map<String, Schema> schemas = new TreeMap<>();
        IdentityHashMap<Schema, References> references = new IdentityHashMap<>();
        schemas.put("people", Schema.people());
        if (!Files.isDirectory(dir)) {
            return new SchemaRegistry(schemas, references);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString().replaceFirst("\\.json$", "");
                if (name.isEmpty()) {
                    throw new IllegalArgumentException("schema file " + file + " has no name before .json");
                }
                byte[] bytes;
                try {
                    if (Files.size(file) > maxSchemaBytes) {
                        throw new IllegalArgumentException("schema file " + file + " is over the limit of " + maxSchemaBytes
                                + " bytes");
                    }
                    bytes = Files.readAllBytes(file);
                } catch (IOException e) {
                    // The file, not the folder: a dangling link or a folder named NAME.json.
                    throw new IllegalArgumentException("schema file " + file + " cannot be read: " + e, e);
                }
                try {
                    Schema schema = Schema.parse(bytes);
                    schemas.put(name, schema);
                    References tables = References.load(schema, dir, maxReferenceRows);
                    references.put(schema, tables);
                    tables.describe().forEach(table -> LOG.log(System.Logger.Level.INFO,
                            "schema '" + name + "': reference table " + table));
                } catch (InvalidSchemaException e) {
                    throw new IllegalArgumentException("schema file " + file + " is invalid: " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema folder " + dir, e);
        }
        return new SchemaRegistry(schemas, references);
    }

    /// Checks that every `x-lookup` of every registered schema names a configured upstream.
    ///
    /// @throws IllegalArgumentException naming the schema, field and upstream otherwise
    public void checkUpstreams(Predicate<String> configured) {
        schemas.forEach((name, schema) -> {
            try {
                ValidateService.checkUpstreams(schema, configured);
            } catch (ProblemException e) {
                throw new IllegalArgumentException("schema '" + name + "': " + e.detail(), e);
            }
        });
    }

    /// The schema registered under `name`.
    public Optional<Schema> find(String name) {
        return Optional.ofNullable(schemas.get(name));
    }

    /// The reference tables of `schema` when it is one of the registered instances; [References#NONE]
    /// for any other (a schema sent with a request).
    public References references(Schema schema) {
        return references.getOrDefault(schema, References.NONE);
    }

    /// Every registered name, sorted.
    public Iterable<String> names() {
        return schemas.keySet();
    }
}
