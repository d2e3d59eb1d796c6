package dev.fanout.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/// The JVM options measured for each command (the pom's `fanout.*jvm.options`, which the build
/// writes to `target/` and records the AOT caches with) are spelled out again where no build
/// output is read: the launcher's fallbacks, the Jib image's entry point, the Dockerfile's training
/// run and entry point, and the deployment guide. A copy that drifts loses a measured setting
/// silently, and an image whose training run and entry point differ loses its AOT cache (the JVM
/// ignores a cache recorded with other options, without a word at the image's log level). So every
/// copy is checked against the pom here, and so is every method of ours a `CompileCommand` names.
class JvmOptionsTest {
    private static final Path POM = Path.of("pom.xml");
    private static final Path LAUNCHER = Path.of("scripts/fanout");
    private static final Path DOCKERFILE = Path.of("src/deploy/image/Dockerfile");
    private static final Path DEPLOY_GUIDE = Path.of("src/deploy/README.md");

    @Test
    void theLaunchersFallbacksAreThePomsOptions() throws IOException {
        String launcher = Files.readString(LAUNCHER);
        assertEquals(pomOptions("fanout.jvm.options"), launcherFallback(launcher, "jvm.options"));
        assertEquals(pomOptions("fanout.serve.jvm.options"), launcherFallback(launcher, "serve.jvm.options"));
        assertEquals(pomOptions("fanout.cli.jvm.options"), launcherFallback(launcher, "cli.jvm.options"));
    }

    @Test
    void theJibImageRunsTheGatewaysOptionsWithAHeapFromTheContainersLimit() throws IOException {
        List<String> args = jibEntrypoint();
        assertStartsWithImageOptions("pom.xml's Jib entry point", args.subList(1, args.size()));
    }

    @Test
    void theJibImageAndTheDockerfileRunTheSameOptions() throws IOException {
        assertEquals(upTo(execForm(Files.readString(DOCKERFILE), "ENTRYPOINT"), "-XX:AOTCache="),
                upTo(jibEntrypoint(), "-XX:AOTCache="));
    }

    @Test
    void theDockerfileRecordsItsAotCacheWithTheOptionsItRunsWith() throws IOException {
        String dockerfile = Files.readString(DOCKERFILE);
        List<String> training = execForm(dockerfile, "RUN --mount");
        List<String> entrypoint = execForm(dockerfile, "ENTRYPOINT");
        assertStartsWithImageOptions("the Dockerfile's training run", training.subList(1, training.size()));
        assertStartsWithImageOptions("the Dockerfile's entry point", entrypoint.subList(1, entrypoint.size()));
        // Everything up to the cache option: a cache recorded with other options is not used.
        assertEquals(upTo(training, "-XX:AOTCacheOutput="), upTo(entrypoint, "-XX:AOTCache="),
                "the Dockerfile's training run and entry point differ before the AOT cache option");
    }

    @Test
    void theDeploymentGuideListsTheImagesOptions() throws IOException {
        String guide = Files.readString(DEPLOY_GUIDE);
        // The item's first code span names the launcher; the list is the one that starts with an option.
        Matcher listed = Pattern.compile("\\*\\*JVM options\\*\\*[^`]*`[^`]*`[^`]*`(--[^`]*)`").matcher(guide);
        assertTrue(listed.find(), DEPLOY_GUIDE + ": no **JVM options** list");
        assertStartsWithImageOptions(DEPLOY_GUIDE.toString(), Arrays.asList(listed.group(1).trim().split("\\s+")));
    }

    /// `validate` and `infer` run C1 only, which uses no profile: the training data of their caches
    /// would carry only invocation counts, which made every run compile at once the start-up code
    /// that training had called often (a 20-row `validate` 140 compiles against 72, ~5 ms slower).
    /// The gateway's C2 uses the profiles, so its cache keeps them.
    @Test
    void onlyTheGatewaysCacheIsRecordedWithTrainingData() throws IOException {
        String pom = Files.readString(POM);
        for (String command : List.of("validate", "infer", "serve")) {
            Matcher execution = Pattern.compile("<id>aot-cache-" + command + "</id>.*?<commandlineArgs>([^<]*)</commandlineArgs>",
                    Pattern.DOTALL).matcher(pom);
            assertTrue(execution.find(), "pom.xml: no aot-cache-" + command + " execution");
            List<String> args = Arrays.asList(execution.group(1).trim().split("\\s+"));
            assertEquals(!command.equals("serve"), args.contains("-XX:-AOTRecordTraining"),
                    "aot-cache-" + command + ": " + args);
            if (args.contains("-XX:-AOTRecordTraining")) {
                assertTrue(args.indexOf("-XX:+UnlockDiagnosticVMOptions") >= 0
                        && args.indexOf("-XX:+UnlockDiagnosticVMOptions") < args.indexOf("-XX:-AOTRecordTraining"),
                        "aot-cache-" + command + ": AOTRecordTraining is diagnostic, unlocked first: " + args);
            }
        }
    }

    /// `-XX:CompileCommand` names its method by text, and `CompileCommand=quiet` keeps the JVM from
    /// saying when none matches: a method of ours renamed or moved would lose its measured
    /// inlining decision without a word. So every method of ours the options name must exist.
    @Test
    void everyMethodOfOursACompileCommandNamesExists() throws IOException, ClassNotFoundException {
        Pattern command = Pattern.compile("-XX:CompileCommand=[a-z]+,(dev\\.fanout\\.[\\w.$]+)::(\\w+)");
        List<String> named = new ArrayList<>();
        for (String property : List.of("fanout.jvm.options", "fanout.serve.jvm.options", "fanout.cli.jvm.options")) {
            for (String option : pomOptions(property)) {
                Matcher matcher = command.matcher(option);
                if (matcher.matches()) {
                    Class<?> type = Class.forName(matcher.group(1));
                    String method = matcher.group(2);
                    assertTrue(Arrays.stream(type.getDeclaredMethods()).anyMatch(m -> m.getName().equals(method)),
                            option + ": " + type.getName() + " declares no method " + method);
                    named.add(option);
                }
            }
        }
        assertTrue(named.size() >= 3, "the options name methods of ours: " + named);
    }

    /// An image's options begin as the gateway's launch does, with the heap sized from the
    /// container's memory limit instead of the launcher's fixed `-Xmx`/`-Xms`.
    private static void assertStartsWithImageOptions(String where, List<String> options) throws IOException {
        List<String> expected = new ArrayList<>(List.of("--enable-preview", "-XX:MaxRAMPercentage=50"));
        List<String> launched = new ArrayList<>(pomOptions("fanout.jvm.options"));
        launched.addAll(pomOptions("fanout.serve.jvm.options"));
        for (String option : launched) {
            if (!option.startsWith("-Xmx") && !option.startsWith("-Xms")) {
                expected.add(option);
            }
        }
        assertTrue(options.size() >= expected.size(), where + ": " + options);
        assertEquals(expected, options.subList(0, expected.size()), where);
    }

    private static List<String> jibEntrypoint() throws IOException {
        Matcher entrypoint = Pattern.compile("<entrypoint>(.*?)</entrypoint>", Pattern.DOTALL).matcher(Files.readString(POM));
        assertTrue(entrypoint.find(), "pom.xml: no Jib <entrypoint>");
        List<String> args = new ArrayList<>();
        Matcher arg = Pattern.compile("<arg>([^<]*)</arg>").matcher(entrypoint.group(1));
        while (arg.find()) {
            args.add(arg.group(1));
        }
        return args;
    }

    private static List<String> pomOptions(String property) throws IOException {
        Matcher value = Pattern.compile("<" + Pattern.quote(property) + ">([^<]*)</").matcher(Files.readString(POM));
        assertTrue(value.find(), "pom.xml: no property " + property);
        return Arrays.asList(value.group(1).trim().split("\\s+"));
    }

    /// The options `scripts/fanout` uses when the build wrote no `target/FILE`.
    private static List<String> launcherFallback(String launcher, String file) {
        Matcher fallback = Pattern.compile("read_options " + Pattern.quote(file) + " \"([^\"]*)\"").matcher(launcher);
        assertTrue(fallback.find(), LAUNCHER + ": no fallback for " + file);
        return Arrays.asList(fallback.group(1).trim().split("\\s+"));
    }

    /// The strings of the exec-form array (`["...", "..."]`, over continued lines) after `keyword`.
    private static List<String> execForm(String dockerfile, String keyword) {
        int at = dockerfile.indexOf("\n" + keyword);
        assertTrue(at >= 0, DOCKERFILE + ": no " + keyword);
        int open = dockerfile.indexOf('[', at);
        int close = dockerfile.indexOf(']', open);
        List<String> strings = new ArrayList<>();
        Matcher string = Pattern.compile("\"([^\"]*)\"").matcher(dockerfile.substring(open, close));
        while (string.find()) {
            strings.add(string.group(1));
        }
        return strings;
    }

    private static List<String> upTo(List<String> args, String prefix) {
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).startsWith(prefix)) {
                return args.subList(0, i);
            }
        }
        throw new AssertionError("no " + prefix + " in " + args);
    }
}
