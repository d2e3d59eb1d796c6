package dev.fanout.metrics;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/// The process and JVM figures of `GET /metrics`, in the Prometheus text format 0.0.4 and under
/// the names Prometheus' own Java client uses, so that stock dashboards and alerts fit:
/// `process_cpu_seconds_total`, `process_resident_memory_bytes`, `process_virtual_memory_bytes`,
/// `process_open_fds`, `process_max_fds`, `process_start_time_seconds`,
/// `jvm_memory_{used,committed,max}_bytes{area="heap"|"nonheap"}`,
/// `jvm_gc_collection_seconds{gc="…"}` (a summary without quantiles: `_count` and `_sum`, the
/// collections and their time as the JVM's collector beans count them), and `jvm_threads_live`,
/// `jvm_threads_daemon`, `jvm_threads_peak` (platform threads only: the virtual threads that carry
/// connections are not counted; their carriers are).
///
/// Read from `java.lang.management` at each call, and the resident set size from
/// `/proc/self/status`; a figure the platform does not offer (no `/proc`, no Unix bean, a memory
/// area without a maximum) is left out rather than written as a made-up value. This class is
/// thread-safe and stateless.
public final class RuntimeMetrics {
    private static final Path PROC_STATUS = Path.of("/proc/self/status");
    private static final double NANOS_PER_SECOND = 1e9;
    private static final double MILLIS_PER_SECOND = 1e3;

    private RuntimeMetrics() {
    }

    /// The figures as of now, one family after another, ending with a line feed.
    public static String render() {
        StringBuilder text = new StringBuilder(4096);
        process(text);
        memory(text);
        gc(text);
        threads(text);
        return text.toString();
    }

    private static void process(StringBuilder text) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun && sun.getProcessCpuTime() >= 0) {
            gauge(text, "process_cpu_seconds_total", "counter", "User and system CPU time of the process.",
                    seconds(sun.getProcessCpuTime() / NANOS_PER_SECOND));
        }
        List<String> status = procStatus();
        procStatusKilobytes(status, "VmRSS").ifPresent(kb -> gauge(text, "process_resident_memory_bytes", "gauge",
                "Resident set size of the process (VmRSS).", Long.toString(kb * 1024)));
        procStatusKilobytes(status, "VmSize").ifPresent(kb -> gauge(text, "process_virtual_memory_bytes", "gauge",
                "Virtual memory size of the process (VmSize).", Long.toString(kb * 1024)));
        if (os instanceof UnixOperatingSystemMXBean unix) {
            gauge(text, "process_open_fds", "gauge", "Open file descriptors.",
                    Long.toString(unix.getOpenFileDescriptorCount()));
            gauge(text, "process_max_fds", "gauge", "Limit on open file descriptors.",
                    Long.toString(unix.getMaxFileDescriptorCount()));
        }
        gauge(text, "process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch.",
                seconds(ManagementFactory.getRuntimeMXBean().getStartTime() / MILLIS_PER_SECOND));
    }

    private static void memory(StringBuilder text) {
        var bean = ManagementFactory.getMemoryMXBean();
        MemoryUsage heap = bean.getHeapMemoryUsage();
        MemoryUsage nonHeap = bean.getNonHeapMemoryUsage();
        header(text, "jvm_memory_used_bytes", "gauge", "Memory in use, by area.");
        area(text, "jvm_memory_used_bytes", "heap", heap.getUsed());
        area(text, "jvm_memory_used_bytes", "nonheap", nonHeap.getUsed());
        header(text, "jvm_memory_committed_bytes", "gauge", "Memory the JVM holds from the system, by area.");
        area(text, "jvm_memory_committed_bytes", "heap", heap.getCommitted());
        area(text, "jvm_memory_committed_bytes", "nonheap", nonHeap.getCommitted());
        // -1 means "undefined" (the non-heap area usually); a max of -1 would make used/max negative.
        if (heap.getMax() >= 0 || nonHeap.getMax() >= 0) {
            header(text, "jvm_memory_max_bytes", "gauge", "Most memory the area may use, where it is bounded.");
            if (heap.getMax() >= 0) {
                area(text, "jvm_memory_max_bytes", "heap", heap.getMax());
            }
            if (nonHeap.getMax() >= 0) {
                area(text, "jvm_memory_max_bytes", "nonheap", nonHeap.getMax());
            }
        }
    }

    private static void gc(StringBuilder text) {
        List<GarbageCollectorMXBean> collectors = ManagementFactory.getGarbageCollectorMXBeans();
        if (collectors.isEmpty()) {
            return;
        }
        header(text, "jvm_gc_collection_seconds", "summary",
                "Collections and the time they took, by collector (G1's concurrent cycles included).");
        for (GarbageCollectorMXBean collector : collectors) {
            String labels = "{gc=\"" + PrometheusText.escapeLabelValue(collector.getName()) + "\"}";
            long count = Math.max(0, collector.getCollectionCount());
            long millis = Math.max(0, collector.getCollectionTime());
            text.append("jvm_gc_collection_seconds_count").append(labels).append(' ').append(count).append('\n');
            text.append("jvm_gc_collection_seconds_sum").append(labels).append(' ')
                    .append(seconds(millis / MILLIS_PER_SECOND)).append('\n');
        }
    }

    private static void threads(StringBuilder text) {
        var bean = ManagementFactory.getThreadMXBean();
        gauge(text, "jvm_threads_live", "gauge", "Live platform threads (virtual threads not counted).",
                Integer.toString(bean.getThreadCount()));
        gauge(text, "jvm_threads_daemon", "gauge", "Live platform daemon threads.",
                Integer.toString(bean.getDaemonThreadCount()));
        gauge(text, "jvm_threads_peak", "gauge", "Most live platform threads since the start.",
                Integer.toString(bean.getPeakThreadCount()));
    }

    /// A `kB` line of `/proc/self/status`, e.g. `VmRSS:	  151000 kB`; empty where there is no such
    /// file (not Linux) or line.
    static Optional<Long> procStatusKilobytes(String key) {
        return procStatusKilobytes(procStatus(), key);
    }

    /// The lines of `/proc/self/status`, read once per scrape; none where there is no such file.
    private static List<String> procStatus() {
        try {
            return Files.readAllLines(PROC_STATUS);
        } catch (IOException e) {
            // No /proc (another OS, or a container without it mounted): the figures are absent.
            return List.of();
        }
    }

    static Optional<Long> procStatusKilobytes(List<String> statusLines, String key) {
        String prefix = key + ":";
        for (String line : statusLines) {
            if (line.startsWith(prefix)) {
                String value = line.substring(prefix.length()).strip();
                if (!value.endsWith(" kB")) {
                    return Optional.empty();
                }
                try {
                    return Optional.of(Long.parseLong(value.substring(0, value.length() - 3).strip()));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    /// Appends one family of one value, with its `# HELP` and `# TYPE` lines.
    static void gauge(StringBuilder text, String family, String type, String help, String value) {
        header(text, family, type, help);
        text.append(family).append(' ').append(value).append('\n');
    }

    private static void area(StringBuilder text, String family, String area, long bytes) {
        text.append(family).append("{area=\"").append(area).append("\"} ").append(bytes).append('\n');
    }

    private static void header(StringBuilder text, String family, String type, String help) {
        text.append("# HELP ").append(family).append(' ').append(help).append('\n');
        text.append("# TYPE ").append(family).append(' ').append(type).append('\n');
    }

    private static String seconds(double seconds) {
        return BigDecimal.valueOf(seconds).toPlainString();
    }
}
