package dev.fanout.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// Which JDK `scripts/java-env.sh` gives the launchers: JDK 25 and no other, since Fanout's class
/// files use a preview API of that release, which a newer javac refuses to compile for and a newer
/// JVM refuses to load. Run by bash on the real script, with `JAVA_HOME` pointing at stand-in JDKs
/// (a `release` file and an executable `bin/javac`); the fallback is the machine's own JDK 25 under
/// `/usr/lib/jvm`, which the project's machines have (the test is skipped where there is none).
class LauncherJdkTest {
    private static final Path JAVA_ENV = Path.of("scripts/java-env.sh").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void aJavaHomeOfJdk25IsTaken() throws Exception {
        Path jdk = standInJdk("jdk-25", "25.0.9");
        assertEquals(jdk.toString(), javaHomeFor(jdk));
    }

    @Test
    void aNewerJavaHomeIsPassedOverForTheMachinesJdk25() throws Exception {
        String machines = javaHomeFor(null);
        Assumptions.assumeTrue(!machines.isEmpty(), "no JDK 25 under /usr/lib/jvm here");
        assertEquals(machines, javaHomeFor(standInJdk("jdk-26", "26.0.1")));
        assertEquals(machines, javaHomeFor(standInJdk("jdk-17", "17.0.15")));
        assertTrue(Files.readString(Path.of(machines, "release")).contains("JAVA_VERSION=\"25"), machines);
    }

    private Path standInJdk(String name, String version) throws IOException {
        Path jdk = Files.createDirectories(dir.resolve(name));
        Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Stand-in\"\nJAVA_VERSION=\"" + version + "\"\n");
        Path javac = Files.createDirectories(jdk.resolve("bin")).resolve("javac");
        Files.writeString(javac, "#!/bin/sh\nexit 1\n");
        Files.setPosixFilePermissions(javac, PosixFilePermissions.fromString("rwxr-xr-x"));
        return jdk;
    }

    /// The `JAVA_HOME` the script exports when sourced with `javaHome` (none when null); empty when
    /// it found no JDK 25 (it then exits with status 2).
    private String javaHomeFor(Path javaHome) throws IOException, InterruptedException {
        var builder = new ProcessBuilder("bash", "-c", "source \"$1\" && printf %s \"$JAVA_HOME\"", "bash", JAVA_ENV.toString());
        builder.environment().remove("JAVA_HOME");
        if (javaHome != null) {
            builder.environment().put("JAVA_HOME", javaHome.toString());
        }
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "bash ended");
        return process.exitValue() == 0 ? out : "";
    }
}
