package dev.fanout.deploy;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fanout.config.ConfigDuration;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/// `src/deploy/k8s` as Kubernetes would get it: rendered by `kubectl kustomize` (a real process),
/// then the objects checked for what the gateway needs from them: probes on the admin port with
/// Helidon's health paths, resources, a locked-down security context, writable volumes where the
/// gateway writes, and a `preStop` + `terminationGracePeriodSeconds` that fit the drain settings of
/// the generated config map. Skipped, saying so, only where `kubectl` is not installed.
class KubernetesManifestsTest {
    static final Path BASE = Path.of("src/deploy/k8s");
    static final Path BUNDLED_PEOPLE = Path.of("src/main/resources/dev/fanout/schema/people.json");
    static final int ADMIN_PORT = 9090;
    /// Time the JVM needs after the drain's last request to stop Helidon and exit.
    static final Duration SHUTDOWN_MARGIN = Duration.ofSeconds(2);
    /// What kube-proxy and common ingress controllers take to drop a deleted pod's endpoint.
    static final Duration ENDPOINT_PROPAGATION = Duration.ofSeconds(5);

    static List<Map<String, Object>> objects;

    @BeforeAll
    static void render() throws IOException, InterruptedException {
        Process process;
        try {
            process = new ProcessBuilder("kubectl", "kustomize", BASE.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            Assumptions.abort("kubectl is not installed (" + e.getMessage() + "): the Kubernetes manifests are not checked");
            return;
        }
        byte[] output;
        try (InputStream in = process.getInputStream()) {
            output = in.readAllBytes();
        }
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("kubectl kustomize did not finish in 60 s");
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertEquals(0, process.exitValue(), () -> "kubectl kustomize " + BASE + " failed:\n" + text);
        objects = new ArrayList<>();
        for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
            if (document != null) {
                objects.add(map(document));
            }
        }
    }

    @Test
    void everyObjectIsRendered() {
        assertAll(
                () -> one("apps/v1", "Deployment", "fanout"),
                () -> one("v1", "Service", "fanout"),
                () -> one("v1", "Service", "fanout-admin"),
                () -> one("autoscaling/v2", "HorizontalPodAutoscaler", "fanout"),
                () -> one("policy/v1", "PodDisruptionBudget", "fanout"),
                () -> configMap("fanout-config"),
                () -> configMap("fanout-schemas"));
    }

    @Test
    void atLeastThreeReplicasThatAutoscalingAndDisruptionsKeep() {
        var deployment = one("apps/v1", "Deployment", "fanout");
        var hpa = one("autoscaling/v2", "HorizontalPodAutoscaler", "fanout");
        var pdb = one("policy/v1", "PodDisruptionBudget", "fanout");
        int replicas = integer(at(deployment, "spec", "replicas"));
        var cpuMetric = list(at(hpa, "spec", "metrics")).stream().map(KubernetesManifestsTest::map)
                .filter(m -> "Resource".equals(m.get("type")) && "cpu".equals(at(m, "resource", "name"))).findFirst();

        assertAll(
                () -> assertTrue(replicas >= 3, "replicas " + replicas),
                () -> assertTrue(integer(at(hpa, "spec", "minReplicas")) >= 3, "HPA minReplicas"),
                () -> assertTrue(integer(at(hpa, "spec", "maxReplicas")) > integer(at(hpa, "spec", "minReplicas"))),
                () -> assertEquals(Map.of("apiVersion", "apps/v1", "kind", "Deployment", "name", "fanout"),
                        at(hpa, "spec", "scaleTargetRef")),
                () -> assertTrue(cpuMetric.isPresent(), "the HPA scales on CPU"),
                // One pod at a time: with three replicas, two keep serving through a node drain.
                () -> assertEquals(1, integer(at(pdb, "spec", "maxUnavailable"))),
                () -> assertEquals(0, integer(at(deployment, "spec", "strategy", "rollingUpdate", "maxUnavailable"))));
    }

    @Test
    void servicesAndBudgetSelectThePods() {
        var deployment = one("apps/v1", "Deployment", "fanout");
        Map<String, Object> podLabels = map(at(deployment, "spec", "template", "metadata", "labels"));
        Map<String, Object> deploymentSelector = map(at(deployment, "spec", "selector", "matchLabels"));
        var service = one("v1", "Service", "fanout");
        var headless = one("v1", "Service", "fanout-admin");
        var servicePort = map(list(at(service, "spec", "ports")).getFirst());
        var adminPort = map(list(at(headless, "spec", "ports")).getFirst());

        assertAll(
                () -> assertFalse(deploymentSelector.isEmpty(), "the Deployment selects by label"),
                () -> assertSelects(deploymentSelector, podLabels),
                () -> assertSelects(map(at(service, "spec", "selector")), podLabels),
                () -> assertSelects(map(at(headless, "spec", "selector")), podLabels),
                () -> assertSelects(map(at(one("policy/v1", "PodDisruptionBudget", "fanout"), "spec", "selector", "matchLabels")),
                        podLabels),
                () -> assertEquals(1, list(at(service, "spec", "ports")).size(), "the public Service has no admin port"),
                () -> assertEquals("http", servicePort.get("name")),
                () -> assertEquals(8080, integer(servicePort.get("port"))),
                () -> assertEquals(8080, containerPort(servicePort.get("targetPort"))),
                () -> assertEquals("None", at(headless, "spec", "clusterIP")),
                () -> assertEquals(true, at(headless, "spec", "publishNotReadyAddresses")),
                () -> assertEquals(ADMIN_PORT, containerPort(adminPort.get("targetPort"))));
    }

    @Test
    void probesAskHelidonsHealthOnTheAdminPort() {
        var container = container();
        assertAll(
                () -> assertProbe(container, "startupProbe", "/observe/health/started"),
                () -> assertProbe(container, "livenessProbe", "/observe/health/live"),
                () -> assertProbe(container, "readinessProbe", "/observe/health/ready"),
                () -> assertEquals(ADMIN_PORT, containerPort("admin")),
                () -> assertEquals(8080, containerPort("http")));
    }

    @Test
    void prometheusScrapesTheAdminPort() {
        Map<String, Object> annotations = map(at(one("apps/v1", "Deployment", "fanout"), "spec", "template", "metadata",
                "annotations"));

        assertAll(
                () -> assertEquals("true", annotations.get("prometheus.io/scrape")),
                () -> assertEquals(Integer.toString(ADMIN_PORT), annotations.get("prometheus.io/port")),
                () -> assertEquals("/metrics", annotations.get("prometheus.io/path")));
    }

    @Test
    void requestsAndLimitsAreSet() {
        Map<String, Object> resources = map(container().get("resources"));
        Map<String, Object> requests = map(resources.get("requests"));
        Map<String, Object> limits = map(resources.get("limits"));

        assertAll(
                () -> assertEquals("1", String.valueOf(requests.get("cpu"))),
                () -> assertNotNull(limits.get("cpu"), "a CPU limit: the JVM sizes its processor count from it"),
                () -> assertTrue(mebibytes(limits.get("memory")) >= 256,
                        "memory limit " + limits.get("memory") + " holds today's ~150 MB RSS with room"),
                () -> assertEquals(limits.get("memory"), requests.get("memory"), "memory request equals its limit"));
    }

    @Test
    void theContainerRunsLockedDown() {
        Map<String, Object> pod = map(at(one("apps/v1", "Deployment", "fanout"), "spec", "template", "spec", "securityContext"));
        Map<String, Object> context = map(container().get("securityContext"));

        assertAll(
                () -> assertEquals(true, pod.get("runAsNonRoot")),
                () -> assertEquals(10001, integer(pod.get("runAsUser"))),
                () -> assertEquals("RuntimeDefault", at(pod, "seccompProfile", "type")),
                () -> assertEquals(true, context.get("runAsNonRoot")),
                () -> assertEquals(10001, integer(context.get("runAsUser"))),
                () -> assertEquals(true, context.get("readOnlyRootFilesystem")),
                () -> assertEquals(false, context.get("allowPrivilegeEscalation")),
                () -> assertEquals(List.of("ALL"), at(context, "capabilities", "drop")),
                () -> assertEquals(Optional.empty(), Optional.ofNullable(at(context, "capabilities", "add"))),
                () -> assertEquals("RuntimeDefault", at(context, "seccompProfile", "type")),
                () -> assertEquals("fanout:latest", container().get("image")));
    }

    @Test
    void theGatewayWritesOnlyToSizeLimitedEmptyDirs() {
        var container = container();
        Map<String, Object> env = map(list(container.get("env")).stream().map(KubernetesManifestsTest::map)
                .filter(e -> "FANOUT_RESPONSE_SPILL_DIR".equals(e.get("name"))).findFirst().orElseThrow());

        assertAll(
                () -> assertEquals("/var/spill", env.get("value")),
                () -> assertEmptyDirAt(container, "/var/spill"),
                () -> assertEmptyDirAt(container, "/tmp"));
    }

    @Test
    void argumentsPointAtTheMountedConfigAndSchemas() throws IOException {
        var container = container();
        List<Object> args = list(container.get("args"));
        String configFile = String.valueOf(args.get(args.indexOf("--config") + 1));
        String schemasDir = String.valueOf(args.get(args.indexOf("--schemas") + 1));
        Map<String, Object> configMount = mountAt(container, configFile);
        Map<String, Object> schemasMount = mountAt(container, schemasDir);
        Map<String, Object> config = fanoutYaml();
        Map<String, Object> schemas = map(configMapOfVolume(String.valueOf(schemasMount.get("name"))).get("data"));
        String bundledPeople = Files.readString(BUNDLED_PEOPLE);
        Map<String, Object> admin = map(list(at(config, "server", "sockets")).getFirst());
        String copiedPeople = bundledPeople;

        assertAll(
                () -> assertEquals("serve", args.getFirst()),
                () -> assertTrue(args.contains("--config") && args.contains("--schemas"), args.toString()),
                () -> assertEquals(configFile.substring(configFile.lastIndexOf('/') + 1), configMount.get("subPath")),
                () -> assertEquals("admin", admin.get("name")),
                () -> assertEquals(ADMIN_PORT, integer(admin.get("port"))),
                () -> assertEquals(8080, integer(at(config, "server", "port"))),
                () -> assertEquals(copiedPeople, schemas.get("people.json"),
                        "src/deploy/k8s/schemas/people.json is a copy of the bundled schema"),
                () -> assertEquals(bundledPeople, Files.readString(BASE.resolve("schemas/people.json"))));
    }

    @Test
    void terminationGraceCoversPreStopThenTheGatewaysDrain() {
        Map<String, Object> podSpec = map(at(one("apps/v1", "Deployment", "fanout"), "spec", "template", "spec"));
        Map<String, Object> container = container();
        Map<String, Object> config = fanoutYaml();
        Duration preStop = Duration.ofSeconds(integer(at(container, "lifecycle", "preStop", "sleep", "seconds")));
        Duration readinessDelay = ConfigDuration.parse(String.valueOf(at(config, "fanout", "shutdown", "readiness-delay")));
        Duration gracePeriod = ConfigDuration.parse(String.valueOf(at(config, "fanout", "shutdown", "grace-period")));
        Duration termination = Duration.ofSeconds(integer(podSpec.get("terminationGracePeriodSeconds")));
        Map<String, Object> readiness = map(container.get("readinessProbe"));
        Duration readinessNoticed = Duration.ofSeconds((long) integer(readiness.get("periodSeconds"))
                * integer(readiness.get("failureThreshold")));
        Duration needed = preStop.plus(readinessDelay).plus(gracePeriod).plus(SHUTDOWN_MARGIN);

        assertAll(
                () -> assertTrue(preStop.compareTo(ENDPOINT_PROPAGATION) >= 0,
                        "preStop " + preStop + " outlasts endpoint propagation " + ENDPOINT_PROPAGATION),
                () -> assertTrue(readinessDelay.compareTo(readinessNoticed) >= 0,
                        "readiness-delay " + readinessDelay + " outlasts the probe's " + readinessNoticed + " to see DOWN"),
                () -> assertTrue(gracePeriod.compareTo(Duration.ofSeconds(10)) >= 0, "grace-period " + gracePeriod),
                () -> assertTrue(termination.compareTo(needed) >= 0, "terminationGracePeriodSeconds " + termination
                        + " < preStop " + preStop + " + readiness-delay " + readinessDelay + " + grace-period "
                        + gracePeriod + " + " + SHUTDOWN_MARGIN),
                // Not far above either: a pod that hangs should not hold a rollout for minutes.
                () -> assertTrue(termination.compareTo(needed.plus(Duration.ofSeconds(30))) <= 0,
                        "terminationGracePeriodSeconds " + termination + " ≫ " + needed));
    }

    static void assertProbe(Map<String, Object> container, String probe, String path) {
        Map<String, Object> httpGet = map(at(container, probe, "httpGet"));
        assertEquals(path, httpGet.get("path"), probe);
        assertEquals(ADMIN_PORT, containerPort(httpGet.get("port")), probe + " port");
        Object scheme = httpGet.get("scheme");
        assertTrue(scheme == null || "HTTP".equals(scheme), probe + " scheme " + scheme);
    }

    static void assertSelects(Map<String, Object> selector, Map<String, Object> labels) {
        assertFalse(selector.isEmpty(), "an empty selector selects everything");
        selector.forEach((key, value) -> assertEquals(value, labels.get(key), "label " + key + " of " + labels));
    }

    static void assertEmptyDirAt(Map<String, Object> container, String path) {
        Map<String, Object> mount = mountAt(container, path);
        Map<String, Object> volume = volume(String.valueOf(mount.get("name")));
        assertNotEquals(true, mount.get("readOnly"), path);
        assertNotNull(at(volume, "emptyDir", "sizeLimit"), path + " has an emptyDir with a sizeLimit: " + volume);
    }

    static void assertNotEquals(Object unexpected, Object actual, String what) {
        assertFalse(Objects.equals(unexpected, actual), what + ": " + actual);
    }

    static Map<String, Object> fanoutYaml() {
        Map<String, Object> configMount = mountAt(container(), "/etc/fanout/fanout.yaml");
        String key = String.valueOf(configMount.get("subPath"));
        Object text = map(configMapOfVolume(String.valueOf(configMount.get("name"))).get("data")).get(key);
        assertNotNull(text, "config map key " + key);
        return map(new Yaml(new SafeConstructor(new LoaderOptions())).load(String.valueOf(text)));
    }

    static Map<String, Object> container() {
        var containers = list(at(one("apps/v1", "Deployment", "fanout"), "spec", "template", "spec", "containers"));
        assertEquals(1, containers.size(), "one container");
        return map(containers.getFirst());
    }

    static Map<String, Object> mountAt(Map<String, Object> container, String path) {
        return list(container.get("volumeMounts")).stream().map(KubernetesManifestsTest::map)
                .filter(m -> path.equals(m.get("mountPath"))).findFirst()
                .orElseThrow(() -> new AssertionError("nothing is mounted at " + path));
    }

    static Map<String, Object> volume(String name) {
        return list(at(one("apps/v1", "Deployment", "fanout"), "spec", "template", "spec", "volumes")).stream()
                .map(KubernetesManifestsTest::map).filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    /// The rendered config map behind volume `name` (its name carries kustomize's hash suffix).
    static Map<String, Object> configMapOfVolume(String name) {
        String configMap = String.valueOf(at(volume(name), "configMap", "name"));
        return objects.stream().filter(o -> "ConfigMap".equals(o.get("kind")) && configMap.equals(at(o, "metadata", "name")))
                .findFirst().orElseThrow(() -> new AssertionError("volume " + name + " names config map " + configMap
                        + ", which is not rendered"));
    }

    static Map<String, Object> configMap(String generatorName) {
        var maps = objects.stream().filter(o -> "ConfigMap".equals(o.get("kind"))
                && String.valueOf(at(o, "metadata", "name")).startsWith(generatorName + "-")).toList();
        assertEquals(1, maps.size(), "config maps generated as " + generatorName);
        return maps.getFirst();
    }

    /// The container port `port` stands for: a number, or the name of one of the container's ports.
    static int containerPort(Object port) {
        if (port instanceof Integer number) {
            return number;
        }
        return list(container().get("ports")).stream().map(KubernetesManifestsTest::map)
                .filter(p -> String.valueOf(port).equals(p.get("name"))).findFirst()
                .map(p -> integer(p.get("containerPort")))
                .orElseThrow(() -> new AssertionError("no container port named " + port));
    }

    static Map<String, Object> one(String apiVersion, String kind, String name) {
        var matches = objects.stream().filter(o -> apiVersion.equals(o.get("apiVersion")) && kind.equals(o.get("kind"))
                && name.equals(at(o, "metadata", "name"))).toList();
        assertEquals(1, matches.size(), () -> apiVersion + " " + kind + " " + name + " rendered once");
        return matches.getFirst();
    }

    static long mebibytes(Object quantity) {
        String text = String.valueOf(quantity);
        if (text.endsWith("Gi")) {
            return Long.parseLong(text.substring(0, text.length() - 2)) * 1024;
        }
        if (text.endsWith("Mi")) {
            return Long.parseLong(text.substring(0, text.length() - 2));
        }
        throw new AssertionError("memory quantity in Mi or Gi: " + text);
    }

    static Object at(Map<String, Object> object, String... keys) {
        Object current = object;
        for (String key : keys) {
            if (!(current instanceof Map<?, ?> map)) {
                return null;
            }
            current = map.get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object value) {
        if (!(value instanceof Map<?, ?>)) {
            throw new AssertionError("a mapping, not " + value);
        }
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object value) {
        if (!(value instanceof List<?>)) {
            throw new AssertionError("a list, not " + value);
        }
        return (List<Object>) value;
    }

    static int integer(Object value) {
        if (!(value instanceof Integer number)) {
            throw new AssertionError("an integer, not " + value);
        }
        return number;
    }
}
