package dev.fanout.server;

import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.Schema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;

/// The registered schemas: the bundled `people` plus every `NAME.json` in the schema folder (a
/// file named `people.json` replaces the bundled one). Loaded once at start-up; a file that is not
/// a valid schema stops the start with a message naming it, rather than being skipped unnoticed.
/// Immutable and thread-safe.
public final class SchemaRegistry {
    private final Map<String, Schema> schemas;

    private SchemaRegistry(Map<String, Schema> schemas) {
        this.schemas = Collections.unmodifiableMap(new TreeMap<>(schemas));
    }

    /// Loads the bundled schema and the folder's; a missing folder holds no schemas.
    ///
    /// @throws IllegalArgumentException naming the file when one cannot be read or is invalid
    public static SchemaRegistry load(Path dir, int maxSchemaBytes) {
        Map<String, Schema> schemas = new TreeMap<>();
        schemas.put("people", Schema.people());
        if (!Files.isDirectory(dir)) {
            return new SchemaRegistry(schemas);
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
                String name = file.getFileName().toString().replaceFirst("\\.json$", "");
                if (Files.size(file) > maxSchemaBytes) {
                    throw new IllegalArgumentException("schema file " + file + " is over the limit of " + maxSchemaBytes + " bytes");
                }
                try {
                    schemas.put(name, Schema.parse(Files.readAllBytes(file)));
                } catch (InvalidSchemaException e) {
                    throw new IllegalArgumentException("schema file " + file + " is invalid: " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the schema folder " + dir, e);
        }
        return new SchemaRegistry(schemas);
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

    /// Every registered name, sorted.
    public Iterable<String> names() {
        return schemas.keySet();
    }
}
