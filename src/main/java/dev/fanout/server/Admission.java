package dev.fanout.server;

import dev.fanout.engine.KeyBudget;
import dev.fanout.memory.WideRecordGate;
import dev.fanout.metrics.AdmissionGauges;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/// Admission control for validations: at most `limit` run at once, and of those at most
/// `largeLimit` large ones (a large upload holds several chunks in memory: without this bound a
/// burst of big uploads exhausts the heap); beyond either a request is refused at once with `503`
/// + `Retry-After` instead of queueing without bound. While the server drains for shutdown every
/// new request is refused the same way. A large place stands for 4 MB of the heap (see
/// `ServerSettings`), and the keys a run remembers for `unique` and `primaryKey` take free large
/// places as they grow ([Permit#keys]), so that a burst of keyed uploads cannot exhaust the heap
/// either. Records wider than a batch, which a run holds whole, take turns at the [WideRecordGate]
/// the runs share ([#wideRecords]). Thread-safe.
final class Admission {
    /// What a large upload's keys may take on its own place (of which its chunks take ~3 MB).
    static final long LARGE_FREE_KEY_BYTES = 1L << 20;
    /// What a small upload's keys may take without a large place: its body is at most
    /// `large-upload-bytes` (256 KiB), and a 20-row request's keys ~1 KB.
    static final long SMALL_FREE_KEY_BYTES = 64L << 10;
    /// The heap a large place stands for.
    static final long PLACE_BYTES = 4L << 20;
    /// A schema part of at most this many bytes takes its heap, at most ~256 KiB compiled
    /// ([#SCHEMA_HEAP_PER_BYTE]), from the small uploads' budget rather than large places.
    static final int FREE_SCHEMA_BYTES = 16 << 10;
    /// The heap a compiled schema holds per byte of its JSON, at most: 13,500 bare fields (232 KB)
    /// held 3.8 MB, 4,500 fields with a `pattern` (322 KB) 4.3 MB, 3,000 bounded integer fields
    /// (269 KB) 2.4 MB, an `enum` of 40,000 values (349 KB) 2.8 MB (`GC.class_histogram` of five
    /// such requests stalled in their file part).
    static final int SCHEMA_HEAP_PER_BYTE = 16;

    /// The heap a small upload may hold per byte of its body, at most: the record being read
    /// (a batch's array, grown by doubling) and the chunk's rendered lines. Three hundred small
    /// uploads that each stopped within a 200 KB row held the 64 MB heap, on small places that
    /// counted nothing (`OutOfMemoryError`).
    static final int SMALL_HEAP_PER_BYTE = 4;

    private final int limit;
    private final int largeLimit;
    private final Semaphore permits;
    private final Semaphore largePermits;
    /// The heap small uploads may hold in all, in KiB ([#SMALL_HEAP_PER_BYTE] a byte of their bodies).
    private final Semaphore smallHeapKiB;
    private final int smallHeapKiBTotal;
    private final WideRecordGate wideRecords;
    private volatile boolean draining;

    /// `smallHeapBytes`: the heap that small uploads may hold in all, [#SMALL_HEAP_PER_BYTE] per
    /// byte of their bodies (the 20-row request of the benchmarks, 1.4 KB, takes ~6 KiB).
    Admission(int limit, int largeLimit, long smallHeapBytes, WideRecordGate wideRecords) {
        this.limit = limit;
        this.largeLimit = largeLimit;
        this.permits = new Semaphore(limit);
        this.largePermits = new Semaphore(largeLimit);
        this.smallHeapKiBTotal = Math.clamp(smallHeapBytes >> 10, 1, Integer.MAX_VALUE);
        this.smallHeapKiB = new Semaphore(smallHeapKiBTotal);
        this.wideRecords = wideRecords;
    }

    /// The gate every run's records wider than a batch take turns at.
    WideRecordGate wideRecords() {
        return wideRecords;
    }

    /// A granted place; closing it gives the place back. Close it exactly once, after its run.
    interface Permit extends AutoCloseable {
        @Override
        void close();

        /// The budget for the keys of this place's run: a few bytes free on the place, then one
        /// more large place for each further [#PLACE_BYTES], taken only when free (a keyed run then
        /// ends with `too_many_keys` rather than wait), and given back as the keys are.
        KeyBudget keys();

        /// Pays for a schema the request brought, parsed from `schemaBytes` of JSON, which the
        /// run holds to its end: the heap it may take ([#SCHEMA_HEAP_PER_BYTE]) from the small
        /// uploads' budget up to [#FREE_SCHEMA_BYTES] of JSON, and past that one more large place
        /// for each [#PLACE_BYTES] of it (at most the places there are); given back with the place.
        /// Before, any small request's place held one: 15 requests of 232 KB schemas, stalled in
        /// their file part, held the 64 MB heap. Call at most once.
        ///
        /// @throws ProblemException `503 overloaded` when not that much of the small uploads'
        ///     budget, or not that many large places, are free
        void holdSchema(int schemaBytes);
    }

    /// Takes a place (and a large one for a large upload) or refuses the request. A small
    /// upload's place holds the heap its `bodyBytes` may take ([#SMALL_HEAP_PER_BYTE]).
    ///
    /// @throws ProblemException `503 overloaded` when full or draining
    Permit enter(boolean large, long bodyBytes) {
        if (draining) {
            throw ProblemException.shuttingDown();
        }
        if (!permits.tryAcquire()) {
            throw ProblemException.overloaded("more than " + limit + " validations are running; retry shortly");
        }
        if (!large) {
            // At most the whole budget: an upload that needs more runs alone rather than never.
            int kib = Math.clamp((Math.max(0, bodyBytes) * SMALL_HEAP_PER_BYTE + 1023) >> 10, 1, smallHeapKiBTotal);
            if (!smallHeapKiB.tryAcquire(kib)) {
                permits.release();
                throw smallUploadsFull("; retry shortly");
            }
            return new Place(false, kib);
        }
        if (!largePermits.tryAcquire()) {
            permits.release();
            throw ProblemException.overloaded("more than " + largeLimit + " large uploads are being validated; retry shortly");
        }
        return new Place(true, 0);
    }

    private ProblemException smallUploadsFull(String rest) {
        return ProblemException.overloaded("the small uploads being validated hold the " + (smallHeapKiBTotal >> 10)
                + " MiB of the heap they may (fanout.limits.small-uploads-heap-bytes)" + rest);
    }

    /// KiB of the small uploads' heap budget taken now.
    int smallHeapKiBTaken() {
        return smallHeapKiBTotal - smallHeapKiB.availablePermits();
    }

    /// Validations running now.
    int running() {
        return limit - permits.availablePermits();
    }

    /// The places taken now and how many there are, for `GET /metrics`.
    AdmissionGauges gauges() {
        return new AdmissionGauges(running(), limit, largeLimit - largePermits.availablePermits(), largeLimit,
                wideRecords.held(), wideRecords.limit(), wideRecords.waiting());
    }

    /// Refuses new requests from now on and waits up to `grace` for the running ones to end.
    ///
    /// @return whether every running validation ended in time
    boolean drain(Duration grace) {
        draining = true;
        try {
            if (permits.tryAcquire(limit, grace.toMillis(), TimeUnit.MILLISECONDS)) {
                permits.release(limit);
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private final class Place implements Permit {
        private final boolean large;
        private final int smallKiB;
        private int schemaPlaces;
        private int schemaKiB;

        Place(boolean large, int smallKiB) {
            this.large = large;
            this.smallKiB = smallKiB;
        }

        @Override
        public void close() {
            // Only what was taken: a release of nothing still writes the semaphore's shared line,
            // once a request under W1's 500 connections.
            int places = (large ? 1 : 0) + schemaPlaces;
            if (places > 0) {
                largePermits.release(places);
            }
            int kib = smallKiB + schemaKiB;
            if (kib > 0) {
                smallHeapKiB.release(kib);
            }
            permits.release();
        }

        @Override
        public void holdSchema(int schemaBytes) {
            if (schemaBytes == 0) {
                // A registered schema, shared: nothing to take (a try of nothing still writes).
                return;
            }
            long heap = (long) schemaBytes * SCHEMA_HEAP_PER_BYTE;
            if (schemaBytes <= FREE_SCHEMA_BYTES) {
                // Within the small uploads' budget: 200 uploads with schemas of 16 KiB, at up to
                // 256 KiB each compiled, would hold the 64 MB heap too.
                int kib = Math.clamp((heap + 1023) >> 10, 0, smallHeapKiBTotal);
                if (!smallHeapKiB.tryAcquire(kib)) {
                    throw smallUploadsFull(", and the schema part of " + schemaBytes
                            + " bytes needs more; retry shortly, or register the schema");
                }
                schemaKiB = kib;
                return;
            }
            // At most the places there are: a schema that needs more runs alone rather than never.
            int places = Math.clamp((heap + PLACE_BYTES - 1) / PLACE_BYTES, 0, Math.max(0, largeLimit - (large ? 1 : 0)));
            if (!largePermits.tryAcquire(places)) {
                throw ProblemException.overloaded("the schema part of " + schemaBytes + " bytes needs " + places
                        + " of the large places (fanout.limits.max-concurrent-large-validations) while the run holds it,"
                        + " and they are taken; retry shortly, or register the schema");
            }
            schemaPlaces = places;
        }

        @Override
        public KeyBudget keys() {
            return new PlacesForKeys(large ? LARGE_FREE_KEY_BYTES : SMALL_FREE_KEY_BYTES);
        }
    }

    /// One run's keys, paid for with large places past `free` bytes.
    private final class PlacesForKeys implements KeyBudget {
        private final long free;
        private long held;
        private int places;

        PlacesForKeys(long free) {
            this.free = free;
        }

        @Override
        public synchronized boolean take(long bytes) {
            int needed = placesFor(held + bytes);
            if (needed > places) {
                if (!largePermits.tryAcquire(needed - places)) {
                    return false;
                }
                places = needed;
            }
            held += bytes;
            return true;
        }

        @Override
        public synchronized void giveBack(long bytes) {
            held -= bytes;
            int needed = placesFor(held);
            if (needed < places) {
                largePermits.release(places - needed);
                places = needed;
            }
        }

        @Override
        public synchronized long left() {
            return Math.max(0, free + (long) (places + largePermits.availablePermits()) * PLACE_BYTES - held);
        }

        @Override
        public synchronized String describe() {
            return ("the %s this server could give them (%s on the upload's place, and 4 MiB for each free place"
                    + " of its fanout.limits.max-concurrent-large-validations, which a larger heap makes more of)")
                    .formatted(size(free + places * PLACE_BYTES), size(free));
        }

        private static String size(long bytes) {
            return bytes >= 1 << 20 ? (bytes >> 20) + " MiB" : (bytes >> 10) + " KiB";
        }

        private int placesFor(long bytes) {
            return bytes <= free ? 0 : (int) ((bytes - free + PLACE_BYTES - 1) / PLACE_BYTES);
        }
    }
}
