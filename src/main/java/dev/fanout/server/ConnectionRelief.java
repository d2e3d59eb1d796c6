package dev.fanout.server;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/// Makes room on crowded listeners: every quarter second, each listener watched closes its idle
/// connections when it is near its `max-tcp-connections` ([Http1Connections#relieveIfCrowded]).
/// A timer rather than a check when a connection comes: at the limit Helidon accepts none, so no
/// new connection would ever come to run the check. One daemon platform thread; thread-safe.
final class ConnectionRelief implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConnectionRelief.class.getName());
    private static final long PERIOD_MILLIS = 250;

    private final List<Http1Connections> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService checker =
            Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("fanout-connection-relief").factory());

    ConnectionRelief() {
        var _ = checker.scheduleWithFixedDelay(this::check, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    /// Watches `connections` from now on; returns them.
    Http1Connections watch(Http1Connections connections) {
        listeners.add(connections);
        return connections;
    }

    // A scheduled task that throws is never run again.
    private void check() {
        try {
            for (Http1Connections connections : listeners) {
                int closed = connections.relieveIfCrowded();
                if (closed > 0) {
                    LOG.log(Level.DEBUG, () -> "closed " + closed + " idle connections to make room for new ones");
                }
            }
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "a check of the open connections failed; the next one runs as planned", e);
        }
    }

    /// Stops the checks.
    @Override
    public void close() {
        checker.shutdownNow();
    }
}
