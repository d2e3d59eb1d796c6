package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/// The response spill folder as the server (same JVM) uses it: the files listed in it, and the
/// files under it that this process holds open. On Linux a file opened with `DELETE_ON_CLOSE` is
/// unlinked at once, so it never shows in a listing; `/proc/self/fd` still shows it as
/// `…/fanout-response-….ndjson (deleted)` until it is closed, which is what a leak would look like.
final class SpillDir {
    private final Path dir;

    SpillDir(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    Path path() {
        return dir;
    }

    /// Listed files plus open descriptors of files under the folder.
    List<String> inUse() throws IOException {
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(file -> found.add("listed " + file.getFileName()));
        }
        Path fds = Path.of("/proc/self/fd");
        if (Files.isDirectory(fds)) {
            try (Stream<Path> links = Files.list(fds)) {
                for (Path link : links.toList()) {
                    try {
                        String target = Files.readSymbolicLink(link).toString();
                        if (target.startsWith(dir + "/")) {
                            found.add("open " + target);
                        }
                    } catch (IOException e) {
                        // The descriptor was closed while we listed them: not in use.
                    }
                }
            }
        }
        return found;
    }

    /// Waits up to 5 s for the folder to be unused, then asserts that it is.
    void assertUnused() throws IOException, InterruptedException {
        Await.until(Duration.ofSeconds(5), () -> inUse().isEmpty());
        assertEquals(List.of(), inUse(), "spill files left behind in " + dir);
    }

    /// Records the most spill files in use at once, every 20 ms, until closed.
    final class Watch implements AutoCloseable {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final AtomicLong most = new AtomicLong();
        private final Thread thread;

        Watch() {
            thread = Thread.ofPlatform().daemon().name("test-spill-watch").start(() -> {
                while (running.get()) {
                    try {
                        most.accumulateAndGet(inUse().size(), Math::max);
                        Thread.sleep(20);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
        }

        long most() {
            return most.get();
        }

        @Override
        public void close() {
            running.set(false);
            try {
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    Watch watch() {
        return new Watch();
    }
}
