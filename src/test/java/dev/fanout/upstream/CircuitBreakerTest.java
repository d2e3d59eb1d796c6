package dev.fanout.upstream;

import static dev.fanout.upstream.CircuitBreaker.Permission.CALL;
import static dev.fanout.upstream.CircuitBreaker.Permission.REFUSED;
import static dev.fanout.upstream.CircuitBreaker.Permission.TRIAL;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/// The breaker's states on a clock the test moves.
class CircuitBreakerTest {
    private final AtomicLong nanos = new AtomicLong();
    private final CircuitBreaker breaker = new CircuitBreaker(2, Duration.ofSeconds(5), nanos::get);

    private void fail() {
        breaker.record(breaker.tryCall(), false);
    }

    @Test
    void onlyConsecutiveFailuresOpenIt() {
        fail();
        breaker.record(breaker.tryCall(), true);
        fail();
        assertEquals(CALL, breaker.tryCall());
        fail();
        assertEquals(REFUSED, breaker.tryCall());
    }

    @Test
    void halfOpenLetsOneTrialThroughAndItsOutcomeDecides() {
        fail();
        fail();
        nanos.addAndGet(Duration.ofSeconds(5).toNanos());

        assertEquals(TRIAL, breaker.tryCall());
        assertEquals(REFUSED, breaker.tryCall(), "one trial at a time");
        breaker.record(TRIAL, false);
        assertEquals(REFUSED, breaker.tryCall(), "a failed trial opens it again");

        nanos.addAndGet(Duration.ofSeconds(5).toNanos());
        breaker.abandon(breaker.tryCall());
        assertEquals(TRIAL, breaker.tryCall(), "an abandoned trial frees the slot");
        breaker.record(TRIAL, true);
        assertEquals(CALL, breaker.tryCall());
    }
}
