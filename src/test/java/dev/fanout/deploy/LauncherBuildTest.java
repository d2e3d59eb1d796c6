package dev.fanout.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `scripts/java-env.sh`'s `build_if_needed`, which every launch of `scripts/fanout` runs: it
/// builds the jar when the jar is missing or older than a source, and otherwise uses it without
/// taking the build lock, unless a build is under way (its marker, `target/.building`). Run by
/// bash on a copy of the script in a small tree of its own, with a stand-in `mvn` on the `PATH`
/// that records each call (and whether the marker was there during it) and writes the jar.
class LauncherBuildTest {
    private static final Path JAVA_ENV = Path.of("scripts/java-env.sh");

    @TempDir
    Path root;

    /// The sources' time, an hour before the jar's.
    private Instant sourcesTime;

    private Path jar;
    private Path marker;
    private Path mvnLog;

    @BeforeEach
    void aProjectWithAFreshJar() throws IOException {
        Files.createDirectories(root.resolve("scripts"));
        Files.copy(JAVA_ENV, root.resolve("scripts/java-env.sh"));
        Path bin = Files.createDirectories(root.resolve("bin"));
        mvnLog = root.resolve("mvn.log");
        // Records its arguments and whether the build's marker is in place, then writes the jar
        // (or fails, when asked to).
        Path mvn = bin.resolve("mvn");
        Files.writeString(mvn, """
                #!/usr/bin/env bash
                if [ -e target/.building ]; then m=marker; else m=no-marker; fi
                echo "$m $*" >> "%s"
                [ -n "${FAKE_MVN_FAILS:-}" ] && exit 1
                mkdir -p target && touch target/fanout.jar
                """.formatted(mvnLog));
        Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
        write("pom.xml");
        write("src/main/java/A.java");
        write("src/main/resources/r.json");
        write("src/build/b.txt");
        jar = write("target/fanout.jar");
        marker = root.resolve("target/.building");
        Instant now = Instant.now();
        sourcesTime = now.minus(2, ChronoUnit.HOURS);
        Files.setLastModifiedTime(root.resolve("pom.xml"), FileTime.from(sourcesTime));
        for (String folder : List.of("src/main", "src/build")) {
            try (Stream<Path> paths = Files.walk(root.resolve(folder))) {
                for (Path path : paths.toList()) {
                    Files.setLastModifiedTime(path, FileTime.from(sourcesTime));
                }
            }
        }
        Files.setLastModifiedTime(jar, FileTime.from(now.minus(1, ChronoUnit.HOURS)));
    }

    @Test
    void aJarNewerThanEverySourceIsUsedWithoutTheLockOrABuild() throws Exception {
        assertEquals("ok", buildIfNeeded(false));
        assertFalse(Files.exists(mvnLog), "no build");
        assertFalse(Files.exists(root.resolve(".build.lock")), "the lock was not taken");
        assertEquals("fresh", staleness());
    }

    @Test
    void aSourceNewerThanTheJarIsBuiltWithTheMarkerInPlaceDuringTheBuild() throws Exception {
        Files.setLastModifiedTime(root.resolve("src/main/resources/r.json"), FileTime.from(Instant.now()));
        assertEquals("stale", staleness());
        assertEquals("ok", buildIfNeeded(false));
        assertEquals(List.of("marker -q -B --no-transfer-progress -Dstyle.color=never -DskipTests package"),
                Files.readAllLines(mvnLog));
        assertFalse(Files.exists(marker), "the marker goes once the build is done");
        assertEquals("fresh", staleness());
    }

    @Test
    void eachKindOfSourceCounts() throws Exception {
        for (String source : List.of("pom.xml", "src/build/b.txt", "src/main/java/A.java")) {
            Files.setLastModifiedTime(root.resolve(source), FileTime.from(Instant.now()));
            assertEquals("stale", staleness(), source);
            Files.setLastModifiedTime(root.resolve(source), FileTime.from(sourcesTime));
            assertEquals("fresh", staleness(), source);
        }
    }

    @Test
    void aDeletedSourceMakesTheJarStaleThroughItsFolder() throws Exception {
        Files.delete(root.resolve("src/main/java/A.java"));
        assertEquals("stale", staleness());
    }

    @Test
    void aMissingJarIsBuilt() throws Exception {
        Files.delete(jar);
        assertEquals("ok", buildIfNeeded(false));
        assertEquals(1, Files.readAllLines(mvnLog).size());
        assertTrue(Files.exists(jar));
    }

    @Test
    void aBuildUnderWayMakesALaunchTakeTheLockAndAKilledBuildsMarkerIsCleared() throws Exception {
        // A marker with no build holding the lock: what a build killed halfway leaves.
        write("target/.building");
        assertEquals("ok", buildIfNeeded(false));
        assertTrue(Files.exists(root.resolve(".build.lock")), "the launch went through the lock");
        assertFalse(Files.exists(mvnLog), "the jar is fresh: no build");
        assertFalse(Files.exists(marker), "cleared under the lock");
    }

    @Test
    void aFailedBuildExitsWithStatusTwoAndLeavesNoMarker() throws Exception {
        Files.delete(jar);
        assertEquals("exit 2", buildIfNeeded(true));
        assertFalse(Files.exists(marker));
    }

    @Test
    void theShellsGlobOptionsAreLeftAsTheyWere() throws Exception {
        assertEquals("fresh off off off", bash("""
                if jar_is_stale; then s=stale; else s=fresh; fi
                for option in globstar nullglob dotglob; do
                    if shopt -q "$option"; then s="$s on"; else s="$s off"; fi
                done
                echo "$s"
                """, false));
        assertEquals("fresh on", bash("""
                shopt -s nullglob
                if jar_is_stale; then s=stale; else s=fresh; fi
                echo "$s $(shopt -q nullglob && echo on || echo off)"
                """, false));
    }

    private String staleness() throws Exception {
        return bash("if jar_is_stale; then echo stale; else echo fresh; fi", false);
    }

    private String buildIfNeeded(boolean mvnFails) throws Exception {
        return bash("build_if_needed && echo ok", mvnFails);
    }

    /// Runs `script` in bash after sourcing the copy of java-env.sh (as the launchers do, with
    /// `set -euo pipefail`) and returns its output's last line, or `exit N` when it exits non-zero.
    private String bash(String script, boolean mvnFails) throws Exception {
        var builder = new ProcessBuilder("bash", "-c",
                "set -euo pipefail\nsource scripts/java-env.sh\n" + script)
                .directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
        builder.environment().remove("FANOUT_BUILD_ARGS");
        if (mvnFails) {
            builder.environment().put("FAKE_MVN_FAILS", "1");
        }
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "bash ended");
        if (process.exitValue() != 0) {
            return "exit " + process.exitValue();
        }
        List<String> lines = output.lines().filter(line -> !line.startsWith("fanout: building")).toList();
        return lines.isEmpty() ? "" : lines.getLast().strip();
    }

    private Path write(String relative) throws IOException {
        Path path = root.resolve(relative);
        Files.createDirectories(path.getParent());
        return Files.writeString(path, relative);
    }
}
