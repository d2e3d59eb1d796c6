package dev.fanout.server;

import io.helidon.health.HealthCheck;
import io.helidon.health.HealthCheckResponse;
import io.helidon.health.HealthCheckType;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.Locale;
import java.util.function.Supplier;

/// Where the gateway is on its way out, and what that means for requests: the public listener's
/// routing filter, and the readiness check that load balancers and Kubernetes read.
///
/// `SERVING` until told to stop; then `LEAVING`: readiness is DOWN so that balancers take the
/// instance out of rotation, and requests are still served as before, because a balancer only
/// notices after its next probe (`fanout.shutdown.readiness-delay`); then `REFUSING`: every new
/// request on the public listener is answered `503` with `Retry-After` and `Connection: close`, so
/// a keep-alive client takes its retry to another instance — except health, stats and metrics,
/// which keep answering (readiness DOWN) as long as the server runs. Thread-safe.
final class Drain {
    /// The phases, in the order they come.
    enum Phase { SERVING, LEAVING, REFUSING }

    private volatile Phase phase = Phase.SERVING;

    /// Readiness goes DOWN; requests are still served.
    void leave() {
        if (phase == Phase.SERVING) {
            phase = Phase.LEAVING;
        }
    }

    /// New requests are refused from now on.
    void refuse() {
        phase = Phase.REFUSING;
    }

    /// The readiness check: UP while serving, DOWN from the moment the gateway starts to leave.
    HealthCheck readiness() {
        return readinessCheck("accepting-requests", () -> HealthCheckResponse.builder().status(phase == Phase.SERVING)
                .detail("phase", phase.name().toLowerCase(Locale.ROOT)).build());
    }

    /// A readiness check named `name` that answers `response` (the gateway's two: this one and
    /// the warm-up's).
    static HealthCheck readinessCheck(String name, Supplier<HealthCheckResponse> response) {
        return new HealthCheck() {
            @Override
            public HealthCheckType type() {
                return HealthCheckType.READINESS;
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public HealthCheckResponse call() {
                return response.get();
            }
        };
    }

    /// A routing filter for the public listener: refuses a request while `REFUSING`, unless it
    /// asks for health, stats or metrics.
    void refuseWhenDraining(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (phase == Phase.REFUSING && !isObservation(req.path().path())) {
            throw ProblemException.shuttingDown();
        }
        if (phase != Phase.SERVING) {
            // Every answer ends its connection, so that keep-alive clients reconnect — through
            // the balancer, to an instance that stays.
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        chain.proceed();
    }

    private static boolean isObservation(String path) {
        return path.startsWith("/observe/") || path.equals("/metrics") || path.startsWith("/v1/stats");
    }
}
