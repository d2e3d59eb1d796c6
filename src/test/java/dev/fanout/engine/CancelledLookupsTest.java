package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.fanout.schema.Lookup;
import dev.fanout.schema.Schema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/// A run cancelled while its chunks wait on their upstream lookups ends without taking a
/// validation place again: those chunks go no further, and on a gateway's shared places a place
/// may be held by another run's chunk for as long as its rows take.
class CancelledLookupsTest {
    private static final Schema LOOKED_UP = EngineFixture.ORDERS_LOOKED_UP;
    private static final Schema PLAIN = Schema.parse("""
            {"fields":[{"name":"order","type":"integer"}]}""".getBytes(StandardCharsets.UTF_8));
    private static final EngineOptions ROW_CHUNKS = EngineOptions.defaults().withChunkRows(1).withChunksInFlight(2);

    /// An upstream that answers nothing until its caller is interrupted.
    private static final class SilentUpstream implements Lookups {
        final CountDownLatch asked = new CountDownLatch(1);

        @Override
        public LookupAnswer lookup(Lookup lookup, String value) throws InterruptedException {
            asked.countDown();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
            throw new AssertionError("never answered");
        }
    }

    /// Metrics that, once armed, hold the place of the next chunk checked until `let` opens: a
    /// chunk's checked time is told while it still holds its place.
    private static final class PlaceHolder implements EngineMetrics {
        final AtomicBoolean armed = new AtomicBoolean();
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch let = new CountDownLatch(1);

        @Override
        public void chunkValidated(long elapsedNanos) {
            if (armed.compareAndSet(true, false)) {
                holding.countDown();
                try {
                    let.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public void queueWaited(long elapsedNanos) {
        }
    }

    private static CompletableFuture<String> writeInBackground(ValidationRun run) {
        var written = new CompletableFuture<String>();
        Thread.ofVirtual().start(() -> {
            var out = new ByteArrayOutputStream();
            try {
                run.writeTo(out);
                written.complete(out.toString(StandardCharsets.UTF_8));
            } catch (Throwable e) {
                written.completeExceptionally(e);
            }
        });
        return written;
    }

    @Test
    @Timeout(60)
    void aRunCancelledInItsLookupsEndsWhileAnotherRunHoldsTheOnlyPlace() throws Exception {
        var places = new PlaceHolder();
        var engine = ValidationEngine.sharingWorkers(Thread.ofVirtual().factory(), places, 1, 0);
        var upstream = new SilentUpstream();
        try (var looking = engine.open(new ByteArrayInputStream("order,customer\n1,7\n2,8\n3,9\n".getBytes(StandardCharsets.UTF_8)),
                        LOOKED_UP, ROW_CHUNKS, upstream);
                var other = engine.open(new ByteArrayInputStream("order\n1\n2\n3\n".getBytes(StandardCharsets.UTF_8)),
                        PLAIN, ROW_CHUNKS)) {
            CompletableFuture<String> lookingEnds = writeInBackground(looking);
            assertTrue(upstream.asked.await(10, TimeUnit.SECONDS), "the first chunk's lookups began");
            // Its chunk gave the place up for its lookups; the other run's first chunk takes it and
            // keeps it.
            places.armed.set(true);
            CompletableFuture<String> otherEnds = writeInBackground(other);
            try {
                assertTrue(places.holding.await(10, TimeUnit.SECONDS), "the other run holds the place");
                looking.cancel();
                try {
                    lookingEnds.get(10, TimeUnit.SECONDS);
                    fail("a cancelled run ends with an InterruptedIOException");
                } catch (ExecutionException e) {
                    assertInstanceOf(InterruptedIOException.class, e.getCause());
                } catch (TimeoutException e) {
                    fail("the cancelled run waited for the place the other run holds");
                }
            } finally {
                places.let.countDown();
            }
            assertEquals(3, otherEnds.get(10, TimeUnit.SECONDS).lines().count(), "the other run's rows, all written");
        }
    }
}
