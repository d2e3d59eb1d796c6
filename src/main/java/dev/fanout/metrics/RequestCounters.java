package dev.fanout.metrics;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

/// The gateway's plain counters, kept beside its histograms: a `LongAdder` per HTTP status
/// (100..599), per upstream and lookup outcome (`found` or a `lookup_*` code), and per in-stream
/// error code (an answer that began `200` and ended with an error line, which its status does not
/// tell). Thread-safe; counting is wait-free and allocates only the first time a status,
/// upstream, outcome or code is seen.
/// Reads are sums taken at the time of the call, not a consistent cut across counters.
final class RequestCounters {
    private static final int LOWEST_STATUS = 100;
    private static final int HIGHEST_STATUS = 599;

    // upstream → outcome → count: a handful of entries, created once each; two levels, so that
    // counting a lookup builds no key.
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, LongAdder>> lookupOutcomes = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LongAdder> streamErrors = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<LongAdder> countsByStatus =
            new AtomicReferenceArray<>(HIGHEST_STATUS - LOWEST_STATUS + 1);

    /// Counts one response with HTTP `status`.
    ///
    /// @throws IllegalArgumentException when `status` is not within 100..599
    void countStatus(int status) {
        if (status < LOWEST_STATUS || status > HIGHEST_STATUS) {
            throw new IllegalArgumentException("not an HTTP status: " + status);
        }
        int index = status - LOWEST_STATUS;
        LongAdder adder = countsByStatus.get(index);
        if (adder == null) {
            countsByStatus.compareAndSet(index, null, new LongAdder());
            adder = countsByStatus.get(index);
        }
        adder.increment();
    }

    /// +1 lookup of `upstream` that ended with `outcome` (`found` or a `lookup_*` code).
    void countLookup(String upstream, String outcome) {
        ConcurrentHashMap<String, LongAdder> byOutcome = lookupOutcomes.get(upstream);
        if (byOutcome == null) {
            byOutcome = lookupOutcomes.computeIfAbsent(upstream, u -> new ConcurrentHashMap<>());
        }
        LongAdder count = byOutcome.get(outcome);
        if (count == null) {
            count = byOutcome.computeIfAbsent(outcome, o -> new LongAdder());
        }
        count.increment();
    }

    /// +1 answer that ended with an error line of `code` (`overloaded`, `max_errors`, …).
    void countStreamError(String code) {
        LongAdder count = streamErrors.get(code);
        if (count == null) {
            count = streamErrors.computeIfAbsent(code, c -> new LongAdder());
        }
        count.increment();
    }

    /// The counts by in-stream error code, sorted by code; codes never counted (or zero since
    /// `reset`) left out, as statuses are.
    Map<String, Long> streamErrorCounts() {
        Map<String, Long> counts = new TreeMap<>();
        streamErrors.forEach((code, adder) -> {
            long count = adder.sum();
            if (count > 0) {
                counts.put(code, count);
            }
        });
        return Collections.unmodifiableMap(counts);
    }

    /// The counts by status, statuses never counted (or zero since `reset`) left out.
    Map<Integer, Long> statusCounts() {
        TreeMap<Integer, Long> counts = new TreeMap<>();
        for (int i = 0; i < countsByStatus.length(); i++) {
            LongAdder adder = countsByStatus.get(i);
            long count = adder == null ? 0 : adder.sum();
            if (count > 0) {
                counts.put(i + LOWEST_STATUS, count);
            }
        }
        return Collections.unmodifiableMap(counts);
    }

    /// The counts by upstream, then by outcome, both sorted by name.
    Map<String, Map<String, Long>> lookupCounts() {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        lookupOutcomes.forEach((upstream, byOutcome) -> {
            Map<String, Long> sums = new TreeMap<>();
            byOutcome.forEach((outcome, adder) -> sums.put(outcome, adder.sum()));
            counts.put(upstream, sums);
        });
        counts.replaceAll((upstream, byOutcome) -> Collections.unmodifiableMap(byOutcome));
        return Collections.unmodifiableMap(counts);
    }

    /// Zeroes every counter (the names seen stay, at zero).
    void reset() {
        for (int i = 0; i < countsByStatus.length(); i++) {
            LongAdder adder = countsByStatus.get(i);
            if (adder != null) {
                adder.reset();
            }
        }
        lookupOutcomes.values().forEach(byOutcome -> byOutcome.values().forEach(LongAdder::reset));
        streamErrors.values().forEach(LongAdder::reset);
    }
}
