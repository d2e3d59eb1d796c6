package dev.fanout.server;

import dev.fanout.metrics.SliceClock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/// One real gateway for all the tests of a class: registered as a static field, it writes its
/// schema files to a folder of its own, starts the gateway on a free port of 127.0.0.1 before the
/// first test and stops it (and deletes the folder) after the last. Being a [TestGateway], the
/// field is also the gateway the tests talk to.
///
/// ```java
/// @RegisterExtension
/// static final GatewayExtension gateway = GatewayExtension.withSchemas(Map.of("orders.json", ORDERS))
///         .setting("fanout.engine.chunk-rows", "50");
/// ```
///
/// A setting whose value is known only once other fixtures run (a stub's port) takes a
/// [Supplier], read at start; register that fixture first (`@Order`). Built once per class and
/// not thread-safe, as JUnit calls it from one thread.
public final class GatewayExtension extends TestGateway implements BeforeAllCallback, AfterAllCallback {
    private final Map<String, String> schemas;
    private final Map<String, Supplier<String>> settings = new LinkedHashMap<>();
    private final List<Supplier<Map<String, String>>> suppliedSettings = new ArrayList<>();
    /// Sub-folders of [#dir()] to create, by the setting that names them.
    private final Map<String, String> folders = new LinkedHashMap<>();
    private SliceClock clock = SliceClock.system();
    private Path dir;

    private GatewayExtension(Map<String, String> schemas) {
        super(null);
        this.schemas = Map.copyOf(schemas);
    }

    /// A gateway whose schema folder holds these files (file name to content); none is fine.
    public static GatewayExtension withSchemas(Map<String, String> files) {
        return new GatewayExtension(files);
    }

    public static GatewayExtension withSchemas() {
        return new GatewayExtension(Map.of());
    }

    /// Sets `key` (a full configuration key) as a flag.
    public GatewayExtension setting(String key, String value) {
        return setting(key, () -> value);
    }

    /// Sets `key` to what `value` gives when the gateway starts.
    public GatewayExtension setting(String key, Supplier<String> value) {
        settings.put(key, value);
        return this;
    }

    /// Sets every key of what `all` gives when the gateway starts.
    public GatewayExtension settings(Supplier<Map<String, String>> all) {
        suppliedSettings.add(all);
        return this;
    }

    /// Cuts the histograms' slices by `clock` (a [dev.fanout.metrics.ManualSliceClock] the test moves).
    public GatewayExtension sliceClock(SliceClock clock) {
        this.clock = clock;
        return this;
    }

    /// Sets `key` to a fresh folder `name` inside [#dir()] (a spill folder).
    public GatewayExtension folderSetting(String key, String name) {
        folders.put(key, name);
        return this;
    }

    /// The gateway's own folder: its schema files, and the folders of [#folderSetting].
    public Path dir() {
        return dir;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("fanout-gateway");
        for (var schema : schemas.entrySet()) {
            Files.writeString(dir.resolve(schema.getKey()), schema.getValue());
        }
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("fanout.schemas.dir", dir.toString());
        for (var folder : folders.entrySet()) {
            flags.put(folder.getKey(), Files.createDirectories(dir.resolve(folder.getValue())).toString());
        }
        suppliedSettings.forEach(all -> flags.putAll(all.get()));
        settings.forEach((key, value) -> flags.put(key, value.get()));
        attach(startServer(Optional.empty(), flags, Map.of(), clock));
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (server() != null) {
                close();
            }
        } finally {
            deleteRecursively(dir);
        }
    }

    private static void deleteRecursively(Path root) throws IOException {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
