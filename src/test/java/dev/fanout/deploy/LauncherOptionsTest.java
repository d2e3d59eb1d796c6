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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// The options `scripts/fanout` launches each command with beyond the build's: `validate` and
/// `infer` ask for transparent huge pages where this machine's kernel offers them, and nothing
/// else does. Run by bash on a copy of the launcher in a small tree of its own, with a fresh jar and
/// a stand-in JDK whose `java` records its arguments.
class LauncherOptionsTest {
    private static final Path THP = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    private static final String HUGE_PAGES = "-XX:+UseTransparentHugePages";

    @TempDir
    Path root;

    private Path arguments;

    @BeforeEach
    void aProjectWithAFreshJarAndAStandInJdk() throws IOException {
        Files.createDirectories(root.resolve("scripts"));
        for (String script : List.of("fanout", "java-env.sh")) {
            Files.copy(Path.of("scripts", script), root.resolve("scripts", script));
        }
        arguments = root.resolve("java.args");
        Path jdk = Files.createDirectories(root.resolve("jdk/bin"));
        Files.writeString(root.resolve("jdk/release"), "JAVA_VERSION=\"25.0.3\"\n");
        executable(jdk.resolve("javac"), "#!/usr/bin/env bash\nexit 0\n");
        executable(jdk.resolve("java"), "#!/usr/bin/env bash\nprintf '%%s\\n' \"$@\" > \"%s\"\n".formatted(arguments));
        executable(Files.createDirectories(root.resolve("bin")).resolve("mvn"), "#!/usr/bin/env bash\nexit 1\n");
        Instant hourAgo = Instant.now().minus(1, ChronoUnit.HOURS);
        for (String source : List.of("pom.xml", "src/main/java/A.java")) {
            Path file = root.resolve(source);
            Files.createDirectories(file.getParent());
            Files.writeString(file, "");
            Files.setLastModifiedTime(file, FileTime.from(hourAgo));
        }
        Files.setLastModifiedTime(root.resolve("src/main/java"), FileTime.from(hourAgo));
        Files.setLastModifiedTime(root.resolve("src/main"), FileTime.from(hourAgo));
        Files.setLastModifiedTime(root.resolve("src"), FileTime.from(hourAgo));
        Files.createDirectories(root.resolve("target"));
        Files.writeString(root.resolve("target/jvm.options"), "-Xms16m\n");
        Files.writeString(root.resolve("target/cli.jvm.options"), "-XX:+UseSerialGC\n-XX:TieredStopAtLevel=1\n");
        Files.writeString(root.resolve("target/serve.jvm.options"), "-Xmx64m\n");
        Files.writeString(root.resolve("target/fanout.jar"), "");
    }

    @Test
    void validateAndInferAskForHugePagesWhereTheKernelOffersThem() throws Exception {
        boolean offered = offered();
        for (String command : List.of("validate", "infer")) {
            List<String> args = launch(Map.of(), command);
            assertTrue(args.contains("-XX:TieredStopAtLevel=1"), command + " has the build's options: " + args);
            assertEquals(offered, args.contains(HUGE_PAGES), command + " on a kernel with " + Files.readString(THP).trim());
        }
    }

    @Test
    void theGatewayAndTheUsersOwnOptionsGetNoHugePages() throws Exception {
        List<String> serve = launch(Map.of(), "serve");
        assertTrue(serve.contains("-Xmx64m"), serve.toString());
        assertFalse(serve.contains(HUGE_PAGES), serve.toString());
        List<String> own = launch(Map.of("FANOUT_JAVA_OPTS", "-Xmx1g"), "validate");
        assertTrue(own.contains("-Xmx1g"), own.toString());
        assertFalse(own.contains(HUGE_PAGES), "FANOUT_JAVA_OPTS replaces every option: " + own);
    }

    private static boolean offered() throws IOException {
        if (!Files.isReadable(THP)) {
            return false;
        }
        String modes = Files.readString(THP);
        return modes.contains("[always]") || modes.contains("[madvise]");
    }

    private List<String> launch(Map<String, String> env, String command) throws Exception {
        Files.deleteIfExists(arguments);
        var builder = new ProcessBuilder("bash", root.resolve("scripts/fanout").toString(), command)
                .directory(root.toFile())
                .redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", root.resolve("jdk").toString());
        builder.environment().put("PATH", root.resolve("bin") + ":" + System.getenv("PATH"));
        builder.environment().remove("FANOUT_JAVA_OPTS");
        builder.environment().putAll(env);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the launcher ended");
        assertEquals(0, process.exitValue(), output);
        return Files.readAllLines(arguments);
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
