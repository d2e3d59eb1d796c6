package dev.fanout.memory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

/// Byte arrays for the row path's big buffers (record batches, rendered chunks, response pieces),
/// handed back when done and handed out again, so that a stream of requests does not turn every
/// byte it reads and writes into garbage.
///
/// Why: under a 12 MB upload a run allocated its input and output again for every chunk, and the
/// young collections that followed copied whatever chunks were in flight: 2,300 collections and
/// 6 s of pauses in 30 s of load (JFR). Pooled arrays live in the old generation and are never
/// copied again.
///
/// Arrays come in powers of two from [#MIN_BYTES] to [#MAX_BYTES]; larger ones are allocated and
/// dropped as usual. The pool keeps at most `capacityBytes` bytes of idle arrays; what does not
/// fit is left to the collector. Whoever gives an array back must hold no reference to it.
/// Thread-safe and lock-free.
public final class BufferPool {
    static final int MIN_BYTES = 1 << 12;
    static final int MAX_BYTES = 1 << 21;
    private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_BYTES);
    private static final int MAX_SHIFT = Integer.numberOfTrailingZeros(MAX_BYTES);

    /// The pool every run shares: 8 MB of idle arrays at most.
    public static final BufferPool SHARED = new BufferPool(8L << 20);

    private final long capacityBytes;
    private final AtomicLong idleBytes = new AtomicLong();
    // Java has no generic array creation: the raw array holds only queues of byte[].
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final ConcurrentLinkedQueue<byte[]>[] idle = new ConcurrentLinkedQueue[MAX_SHIFT - MIN_SHIFT + 1];

    /// A pool that keeps at most `capacityBytes` bytes of idle arrays.
    public BufferPool(long capacityBytes) {
        this.capacityBytes = capacityBytes;
        for (int i = 0; i < idle.length; i++) {
            idle[i] = new ConcurrentLinkedQueue<>();
        }
    }

    /// An array of at least `minLength` bytes (the next power of two, at least [#MIN_BYTES]); its
    /// contents are whatever it held last.
    public byte[] take(int minLength) {
        if (minLength > MAX_BYTES) {
            return new byte[minLength];
        }
        int shift = shiftFor(minLength);
        byte[] array = idle[shift - MIN_SHIFT].poll();
        if (array == null) {
            return new byte[1 << shift];
        }
        idleBytes.addAndGet(-array.length);
        return array;
    }

    /// The length of the array [#take] hands out for `minLength` bytes.
    public static int arrayLength(int minLength) {
        return minLength > MAX_BYTES ? minLength : 1 << shiftFor(minLength);
    }

    private static int shiftFor(int minLength) {
        return Math.max(MIN_SHIFT, 32 - Integer.numberOfLeadingZeros(Math.max(1, minLength) - 1));
    }

    /// Takes `array` back for reuse when it is one of the pool's sizes and there is room.
    public void give(byte[] array) {
        int length = array.length;
        if (length < MIN_BYTES || length > MAX_BYTES || Integer.bitCount(length) != 1) {
            return;
        }
        if (idleBytes.addAndGet(length) > capacityBytes) {
            idleBytes.addAndGet(-length);
            return;
        }
        idle[Integer.numberOfTrailingZeros(length) - MIN_SHIFT].offer(array);
    }

    /// Bytes of idle arrays held.
    public long idleBytes() {
        return idleBytes.get();
    }
}
