package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The schema folder at start: a file that cannot be used stops the start, and the message names
/// the file, never just the folder.
class SchemaRegistryTest {
    @TempDir
    Path dir;

    @Test
    void aDanglingLinkOrAFolderIsNamedAsTheFileItIs() throws IOException {
        Files.createSymbolicLink(dir.resolve("gone.json"), dir.resolve("nowhere.json"));
        var dangling = assertThrows(IllegalArgumentException.class, () -> SchemaRegistry.load(dir, 1 << 20));
        assertTrue(dangling.getMessage().startsWith("schema file " + dir.resolve("gone.json") + " cannot be read: "),
                dangling.getMessage());
        Files.delete(dir.resolve("gone.json"));

        Files.createDirectory(dir.resolve("folder.json"));
        var folder = assertThrows(IllegalArgumentException.class, () -> SchemaRegistry.load(dir, 1 << 20));
        assertTrue(folder.getMessage().startsWith("schema file " + dir.resolve("folder.json") + " cannot be read: "),
                folder.getMessage());
    }

    @Test
    void aFileNamedOnlyDotJsonHasNoName() throws IOException {
        Files.writeString(dir.resolve(".json"), "{\"fields\":[{\"name\":\"f\"}]}");
        var e = assertThrows(IllegalArgumentException.class, () -> SchemaRegistry.load(dir, 1 << 20));
        assertEquals("schema file " + dir.resolve(".json") + " has no name before .json", e.getMessage());
    }

    @Test
    void aGoodFileIsRegisteredUnderItsName() throws IOException {
        Files.writeString(dir.resolve("orders.json"), "{\"fields\":[{\"name\":\"f\"}]}");
        assertTrue(SchemaRegistry.load(dir, 1 << 20).find("orders").isPresent());
    }
}
