package dev.fanout.server;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/// The virtual threads the gateway starts for requests (validation subtasks, response senders),
/// counted while they run: a request that ends, however it ends, must leave none behind, and this
/// count is how the tests see it (a JVM thread dump of running virtual threads crashed JDK 25.0.3).
/// Thread-safe.
final class WorkThreads {
    private final AtomicInteger live = new AtomicInteger();

    /// A factory of virtual threads named `name`, each counted from start to end. Not numbered: a
    /// number is taken from a counter through a `VarHandle` whose method handle the AOT cache does
    /// not hold, so the first request spun classes to make it.
    ThreadFactory factory(String name) {
        ThreadFactory virtual = Thread.ofVirtual().name(name).factory();
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
