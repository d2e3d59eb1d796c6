package dev.fanout.server;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/// The virtual threads the gateway starts for requests (validation subtasks, response senders),
/// counted while they run: a request that ends, however it ends, must leave none behind, and this
/// count is how the tests see it (a JVM thread dump of running virtual threads crashed JDK 25.0.3).
/// Thread-safe.
final class WorkThreads {
    private final AtomicInteger live = new AtomicInteger();

    /// A factory of virtual threads named `prefix` + a number, each counted from start to end.
    ThreadFactory factory(String prefix) {
        ThreadFactory virtual = Thread.ofVirtual().name(prefix, 0).factory();
        return task -> virtual.newThread(() -> {
            live.incrementAndGet();
            try {
                task.run();
            } finally {
                live.decrementAndGet();
            }
        });
    }

    /// Threads started by this gateway's factories that have not ended.
    int live() {
        return live.get();
    }
}
