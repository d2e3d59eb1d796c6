package dev.fanout.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/// Cheap guards against the docs drifting from the tree: every relative link of the README and
/// the pages under `src/docs/` (and the deployment guide) leads to a file, and to a heading of it
/// when it names one; every `fanout.*` setting the docs name is read by the code, and every
/// setting of the bundled `application.yaml` is in the docs; every package under `dev.fanout` is
/// on the README's map and has a `package-info.java`. Reads the files of the working tree (Maven
/// runs tests from the project folder).
class DocsLinksTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path MAIN_JAVA = ROOT.resolve("src/main/java");
    private static final Path PACKAGES = MAIN_JAVA.resolve("dev/fanout");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$");
    // fanout.SECTION.KEY[.MORE]: a setting (file names such as fanout.jar have one dot only).
    private static final Pattern SETTING = Pattern.compile("fanout\\.([a-z][a-z0-9-]*)\\.([a-z][a-z0-9-]*(?:\\.[a-z][a-z0-9-]*)*)");
    private static final Pattern UPSTREAM_KEYS = Pattern.compile("fanout\\.upstreams\\.NAME\\.\\{([^}]*)}");

    @Test
    void everyRelativeLinkLeadsToAFileAndHeading() {
        List<String> broken = new ArrayList<>();
        for (Path doc : docs(true)) {
            for (String target : links(doc)) {
                if (target.matches("^[a-z][a-z0-9+.-]*:.*")) {
                    continue; // https:, mailto:: not ours to check offline
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved = file.isEmpty() ? doc : doc.getParent().resolve(file).normalize();
                if (!Files.exists(resolved)) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such file)");
                } else if (hash >= 0 && Files.isRegularFile(resolved) && resolved.toString().endsWith(".md")
                        && !anchors(resolved).contains(target.substring(hash + 1))) {
                    broken.add(ROOT.relativize(doc) + ": " + target + " (no such heading)");
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    @Test
    void everySettingTheDocsNameIsReadByTheCode() {
        String java = allText(MAIN_JAVA, ".java");
        String elsewhere = read(ROOT.resolve("pom.xml")) + allText(ROOT.resolve("src/main/resources"), ".yaml");
        Set<String> unknown = new TreeSet<>();
        for (Path doc : docs(true)) {
            String text = read(doc);
            Matcher m = SETTING.matcher(text);
            while (m.find()) {
                String relative = m.group(1) + "." + m.group(2);
                // ServerSettings reads "limits.max-upload-bytes" under "fanout"; pom properties and
                // names in full (fanout.aot.skip, fanout.upstreams) appear whole.
                if (!java.contains("\"" + relative + "\"") && !java.contains(m.group()) && !elsewhere.contains(m.group())) {
                    unknown.add(ROOT.relativize(doc) + ": " + m.group());
                }
            }
            Matcher u = UPSTREAM_KEYS.matcher(text);
            while (u.find()) {
                // Defaults in parentheses may hold commas of their own.
                for (String key : u.group(1).replaceAll("\\([^)]*\\)", "").split(",")) {
                    String name = key.strip().split("\\s")[0];
                    if (!java.contains("\"" + name + "\"")) {
                        unknown.add(ROOT.relativize(doc) + ": fanout.upstreams.NAME." + name);
                    }
                }
            }
        }
        assertEquals(Set.of(), unknown);
    }

    @Test
    void everyBundledSettingIsDocumented() {
        String docs = String.join("\n", docs(false).stream().map(DocsLinksTest::read).toList());
        Set<String> undocumented = new TreeSet<>();
        for (String key : yamlKeys(ROOT.resolve("src/main/resources/application.yaml"), "fanout")) {
            if (!docs.contains(key)) {
                undocumented.add(key);
            }
        }
        assertEquals(Set.of(), undocumented);
    }

    @Test
    void everyPackageIsOnTheMapAndHasItsPackageInfo() throws IOException {
        String readme = read(ROOT.resolve("README.md"));
        List<String> missing = new ArrayList<>();
        try (Stream<Path> dirs = Files.walk(PACKAGES)) {
            for (Path dir : dirs.filter(Files::isDirectory).filter(d -> !d.equals(PACKAGES)).toList()) {
                String name = PACKAGES.relativize(dir).toString().replace('/', '.');
                if (!readme.contains("| `" + name + "` |")) {
                    missing.add(name + ": not on the README's map");
                }
                if (!Files.exists(dir.resolve("package-info.java"))) {
                    missing.add(name + ": no package-info.java");
                }
            }
        }
        assertEquals(List.of(), missing);
        assertTrue(readme.lines().count() <= 160, "the README is a door, not a wall: " + readme.lines().count() + " lines");
    }

    /// README.md and src/docs/*.md, and the deployment guide when `withDeploy`.
    private static List<Path> docs(boolean withDeploy) {
        List<Path> docs = new ArrayList<>();
        docs.add(ROOT.resolve("README.md"));
        try (Stream<Path> pages = Files.list(ROOT.resolve("src/docs"))) {
            pages.filter(p -> p.toString().endsWith(".md")).sorted().forEach(docs::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (withDeploy) {
            docs.add(ROOT.resolve("src/deploy/README.md"));
        }
        return docs;
    }

    /// Link targets outside fenced code blocks.
    private static List<String> links(Path doc) {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : read(doc).split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced) {
                Matcher m = LINK.matcher(line);
                while (m.find()) {
                    targets.add(m.group(1));
                }
            }
        }
        return targets;
    }

    /// The anchors GitHub gives a page's headings: lower case, punctuation dropped but `-` and
    /// `_`, each space a `-`; a repeated heading gets `-1`, `-2`, ….
    private static Set<String> anchors(Path doc) {
        Set<String> anchors = new HashSet<>();
        boolean fenced = false;
        for (String line : read(doc).split("\n")) {
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            Matcher m = HEADING.matcher(line);
            if (!fenced && m.matches()) {
                String slug = m.group(1).strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "").replace(' ', '-');
                String unique = slug;
                for (int n = 1; !anchors.add(unique); n++) {
                    unique = slug + "-" + n;
                }
            }
        }
        return anchors;
    }

    /// The dotted names of the leaves under the top-level `section` of a YAML file indented by
    /// two spaces (the bundled configuration's shape: maps and scalars, comments).
    private static Set<String> yamlKeys(Path yaml, String section) {
        Set<String> keys = new TreeSet<>();
        List<String> path = new ArrayList<>();
        List<String> lines = read(yaml).lines()
                .filter(l -> !l.isBlank() && !l.strip().startsWith("#")).toList();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            int depth = (line.length() - line.stripLeading().length()) / 2;
            String name = line.strip().split(":", 2)[0];
            while (path.size() > depth) {
                path.removeLast();
            }
            path.add(name);
            boolean leaf = i + 1 == lines.size()
                    || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() <= depth * 2;
            if (leaf && path.getFirst().equals(section)) {
                keys.add(String.join(".", path));
            }
        }
        return keys;
    }

    private static String allText(Path dir, String suffix) {
        StringBuilder all = new StringBuilder();
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(p -> p.toString().endsWith(suffix)).forEach(p -> all.append(read(p)).append('\n'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return all.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
