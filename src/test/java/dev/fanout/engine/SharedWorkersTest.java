package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.schema.Schema;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// An engine whose runs share their validation places (the gateway's): runs at once give the
/// same bytes as runs alone, never validate more chunks together than there are places, a run
/// alone also validates on the spare places, and a run that fails mid-stream gives its places back.
class SharedWorkersTest {
    private static final Schema SCHEMA = Schema.parse("""
            {"fields":[{"name":"id","type":"integer"},{"name":"name","type":"string"},
            {"name":"email","type":"string","format":"email"},{"name":"age","type":"integer","constraints":{"maximum":150}},
            {"name":"code","type":"string"}]}""".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    private static final EngineOptions OPTIONS = EngineOptions.defaults().withWorkers(4).withChunkRows(300).withChunksInFlight(4);

    @TempDir
    Path dir;

    @Test
    void fourRunsAtOnceOnTwoSharedPlacesWriteWhatEachWritesAloneAndNeverValidateMoreThanTwoChunksTogether()
            throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Path csv = dir.resolve("in" + i + ".csv");
            Files.write(csv, EngineEquivalenceTest.randomCsv(new Random(i), 20_000));
            files.add(csv);
        }
        var validating = new AtomicInteger();
        var most = new AtomicInteger();
        // Counts the chunks between taking a place (queueWaited) and giving it up once their rows
        // are checked (chunkValidated): more than two would mean one not shared.
        // Platform threads, time-sliced by the OS: on virtual threads no more chunks than carriers
        // could be seen at once, places or not.
        var shared = ValidationEngine.sharingWorkers(Thread.ofPlatform().daemon().factory(), new EngineMetrics() {
            @Override
            public void queueWaited(long nanos) {
                most.accumulateAndGet(validating.incrementAndGet(), Math::max);
            }

            @Override
            public void chunkValidated(long nanos) {
                validating.decrementAndGet();
            }
        }, 2, 0);
        List<Callable<byte[]>> runs = new ArrayList<>();
        for (Path csv : files) {
            runs.add(() -> output(shared, csv));
        }
        List<byte[]> together = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Future<byte[]> future : pool.invokeAll(runs)) {
                together.add(future.get());
            }
        }
        for (int i = 0; i < files.size(); i++) {
            byte[] alone = output(new ValidationEngine(), files.get(i));
            assertTrue(alone.length > 1_000_000, "a large output: " + alone.length);
            assertEquals(new String(alone, java.nio.charset.StandardCharsets.UTF_8),
                    new String(together.get(i), java.nio.charset.StandardCharsets.UTF_8), "run " + i);
        }
        assertTrue(most.get() >= 1 && most.get() <= 2, "chunks validated at once: " + most.get());
    }

    @Test
    void aLoneRunAlsoValidatesOnTheSparePlace() throws Exception {
        Path csv = dir.resolve("lone.csv");
        Files.write(csv, EngineEquivalenceTest.randomCsv(new Random(5), 20_000));
        var validating = new AtomicInteger();
        var most = new AtomicInteger();
        var two = new CountDownLatch(2);
        // The first chunks to take a place wait (a while) for a second one to take another: with
        // one shared place and no spare one taken, the second would wait for the first for ever.
        var engine = ValidationEngine.sharingWorkers(Thread.ofPlatform().daemon().factory(), new EngineMetrics() {
            @Override
            public void queueWaited(long nanos) {
                most.accumulateAndGet(validating.incrementAndGet(), Math::max);
                two.countDown();
                try {
                    two.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            public void chunkValidated(long nanos) {
                validating.decrementAndGet();
            }
        }, 1, 1);
        byte[] lone = output(engine, csv);
        assertEquals(new String(output(new ValidationEngine(), csv), java.nio.charset.StandardCharsets.UTF_8),
                new String(lone, java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, most.get(), "chunks validated at once");
    }

    @Test
    void aSparePlaceIsTakenOnlyByARunThatIsTheOnlyOneUnderWay() throws Exception {
        var places = ValidationPlaces.shared(1, 1);
        places.runStarted();
        Semaphore first = places.take();
        Semaphore second = assertTimeoutPreemptively(Duration.ofSeconds(10), places::take);
        assertNotSame(first, second, "alone, the run's second chunk takes the spare place");
        places.runStarted();
        second.release();
        var taken = new CompletableFuture<Semaphore>();
        Thread third = Thread.ofVirtual().start(() -> {
            try {
                taken.complete(places.take());
            } catch (InterruptedException e) {
                taken.completeExceptionally(e);
            }
        });
        // Two runs under way: the free spare place is not for them, the shared one is held.
        assertThrows(TimeoutException.class, () -> taken.get(300, TimeUnit.MILLISECONDS));
        first.release();
        assertSame(first, taken.get(10, TimeUnit.SECONDS), "the shared place, once given back");
        third.join();
        places.runEnded();
        assertNotSame(first, assertTimeoutPreemptively(Duration.ofSeconds(10), places::take), "alone again: the spare place");
    }

    @Test
    void aRunWhoseOutputFailsGivesItsPlaceBackToTheNextRun() throws IOException {
        Path csv = dir.resolve("big.csv");
        Files.write(csv, EngineEquivalenceTest.randomCsv(new Random(3), 50_000));
        var shared = ValidationEngine.sharingWorkers(Thread.ofVirtual().factory(), EngineMetrics.NONE, 1, 0);
        for (int attempt = 0; attempt < 3; attempt++) {
            try (InputStream in = Files.newInputStream(csv); var run = shared.open(in, SCHEMA, OPTIONS)) {
                assertThrows(IOException.class, () -> run.writeTo(new CancellationTest.OutputClosedAfter(64 * 1024)));
            }
        }
        // With its one place lost, this run would wait for ever.
        byte[] after = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> output(shared, csv));
        assertEquals(new String(output(new ValidationEngine(), csv), java.nio.charset.StandardCharsets.UTF_8),
                new String(after, java.nio.charset.StandardCharsets.UTF_8));
    }

    @Test
    void noPlacesIsRefused() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> ValidationEngine.sharingWorkers(Thread.ofVirtual().factory(), EngineMetrics.NONE, 0, 0));
        assertEquals("workers must be at least 1, got 0", e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ValidationEngine.sharingWorkers(Thread.ofVirtual().factory(), EngineMetrics.NONE, 1, -1));
        assertEquals("spare places must not be negative, got -1", e.getMessage());
    }

    private static byte[] output(ValidationEngine engine, Path csv) throws IOException {
        var out = new ByteArrayOutputStream();
        try (InputStream in = Files.newInputStream(csv); var run = engine.open(in, SCHEMA, OPTIONS)) {
            run.writeTo(out);
        }
        return out.toByteArray();
    }
}
