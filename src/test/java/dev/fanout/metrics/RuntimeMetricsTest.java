package dev.fanout.metrics;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.server.GatewayExtension;
import java.lang.management.ManagementFactory;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// The process and JVM figures in `GET /metrics` of a real gateway: present under the names
/// dashboards expect, strict Prometheus text, and sane. The gateway runs in this test's JVM, so
/// its figures can be compared with what this JVM and `/proc` say.
class RuntimeMetricsTest {
    static final double BYTES_PER_MEGABYTE = 1024 * 1024;

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas();
    static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    static PrometheusExposition metrics() throws Exception {
        var response = client.send(HttpRequest.newBuilder(gateway.uri("/metrics"))
                .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return PrometheusExposition.parse(response.body());
    }

    static double sample(PrometheusExposition metrics, String series) {
        Double value = metrics.samples.get(series);
        assertNotNull(value, () -> series + " missing from " + metrics.samples.keySet());
        return value;
    }

    @Test
    void processFiguresArePresentAndAgreeWithThisProcess() throws Exception {
        PrometheusExposition metrics = metrics();
        long ownRssKilobytes = RuntimeMetrics.procStatusKilobytes("VmRSS").orElseThrow();
        double rss = sample(metrics, "process_resident_memory_bytes{}");
        double openFds = sample(metrics, "process_open_fds{}");
        double startSeconds = sample(metrics, "process_start_time_seconds{}");
        double jvmStartSeconds = ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0;

        assertAll(
                () -> assertEquals("counter", metrics.types.get("process_cpu_seconds_total")),
                () -> assertTrue(sample(metrics, "process_cpu_seconds_total{}") > 0, "the JVM has used CPU"),
                // A JVM with a started Helidon server holds tens of MB; the same process read /proc a
                // moment later, so the two readings are within a factor of two.
                () -> assertTrue(rss > 16 * BYTES_PER_MEGABYTE, "RSS " + rss),
                () -> assertTrue(rss > ownRssKilobytes * 1024 / 2.0 && rss < ownRssKilobytes * 1024 * 2.0,
                        "RSS " + rss + " vs /proc " + ownRssKilobytes + " kB"),
                () -> assertTrue(sample(metrics, "process_virtual_memory_bytes{}") >= rss, "VmSize ≥ VmRSS"),
                // Standard streams, the listening socket, the JDK's jars.
                () -> assertTrue(openFds >= 4, "open fds " + openFds),
                () -> assertTrue(openFds < sample(metrics, "process_max_fds{}"), "open fds below the limit"),
                () -> assertEquals(jvmStartSeconds, startSeconds, 0.001),
                () -> assertTrue(startSeconds < System.currentTimeMillis() / 1000.0, "started in the past"));
    }

    @Test
    void cpuTimeGrowsWithWork() throws Exception {
        double before = sample(metrics(), "process_cpu_seconds_total{}");
        long spinUntil = System.nanoTime() + Duration.ofMillis(200).toNanos();
        long spins = 0;
        while (System.nanoTime() < spinUntil) {
            spins++;
        }
        double after = sample(metrics(), "process_cpu_seconds_total{}");

        assertTrue(after >= before + 0.1, "200 ms of spinning (" + spins + " spins) added " + (after - before) + " s");
    }

    @Test
    void heapFiguresAreOrderedAndMatchTheJvm() throws Exception {
        PrometheusExposition metrics = metrics();
        double used = sample(metrics, "jvm_memory_used_bytes{area=heap}");
        double committed = sample(metrics, "jvm_memory_committed_bytes{area=heap}");
        double max = sample(metrics, "jvm_memory_max_bytes{area=heap}");

        assertAll(
                () -> assertTrue(used > 0 && used <= committed && committed <= max,
                        "used " + used + " ≤ committed " + committed + " ≤ max " + max),
                () -> assertEquals(Runtime.getRuntime().maxMemory(), max, 0.05 * max),
                () -> assertTrue(sample(metrics, "jvm_memory_used_bytes{area=nonheap}") > BYTES_PER_MEGABYTE,
                        "loaded classes and compiled code take more than 1 MB"),
                () -> assertEquals("gauge", metrics.types.get("jvm_memory_used_bytes")));
    }

    @Test
    void collectionsAreCountedPerCollector() throws Exception {
        System.gc();
        PrometheusExposition metrics = metrics();
        var counts = metrics.samples.entrySet().stream()
                .filter(e -> e.getKey().startsWith("jvm_gc_collection_seconds_count{gc=")).toList();
        double collections = counts.stream().mapToDouble(Map.Entry::getValue).sum();
        double seconds = metrics.samples.entrySet().stream()
                .filter(e -> e.getKey().startsWith("jvm_gc_collection_seconds_sum{gc="))
                .mapToDouble(Map.Entry::getValue).sum();

        assertAll(
                () -> assertEquals("summary", metrics.types.get("jvm_gc_collection_seconds")),
                () -> assertEquals(ManagementFactory.getGarbageCollectorMXBeans().size(), counts.size(), counts.toString()),
                () -> assertTrue(collections >= 1, "System.gc() ran at least one collection: " + counts),
                () -> assertTrue(seconds >= 0 && seconds < 600, "GC seconds " + seconds));
    }

    @Test
    void threadFiguresAreOrdered() throws Exception {
        PrometheusExposition metrics = metrics();
        double live = sample(metrics, "jvm_threads_live{}");

        assertAll(
                () -> assertTrue(live >= 2, "main and the listener at least: " + live),
                () -> assertTrue(sample(metrics, "jvm_threads_daemon{}") <= live, "daemon ≤ live"),
                () -> assertTrue(sample(metrics, "jvm_threads_peak{}") >= live, "peak ≥ live"));
    }

    @Test
    void procStatusLinesAreReadInKilobytes() {
        List<String> status = List.of("Name:\tjava", "VmSize:\t 3260420 kB", "VmRSS:\t  151236 kB", "Threads:\t31",
                "VmSwap:\tnothing kB");

        assertAll(
                () -> assertEquals(Optional.of(151_236L), RuntimeMetrics.procStatusKilobytes(status, "VmRSS")),
                () -> assertEquals(Optional.of(3_260_420L), RuntimeMetrics.procStatusKilobytes(status, "VmSize")),
                () -> assertEquals(Optional.empty(), RuntimeMetrics.procStatusKilobytes(status, "Threads")),
                () -> assertEquals(Optional.empty(), RuntimeMetrics.procStatusKilobytes(status, "VmSwap")),
                () -> assertEquals(Optional.empty(), RuntimeMetrics.procStatusKilobytes(status, "VmHWM")));
    }
}
