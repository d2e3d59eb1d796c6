package dev.fanout.memory;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.jspecify.annotations.Nullable;

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
/// dropped as usual. The pool keeps at most `capacityBytes` bytes of idle arrays in its queues;
/// what does not fit is left to the collector. Small arrays (up to [#MAX_SLOT_BYTES]) are first
/// kept in [#SLOTS] slots per size, in a pool of at least 64 arrays' worth of that size: under
/// 1 MB more. Whoever gives an array back must hold no reference to it. Thread-safe and lock-free.
///
/// Why the slots: a 20-row request takes and gives a 4 KiB array about three times each. Through
/// the queues, each was several contended compare-and-sets (the queue's ends, its node, the byte
/// count) and a node allocated: with two requests at a time, 14 % of the engine's time for the
/// request (`SmallRequestBenchmark`). A slot is one compare-and-set, and nothing is allocated.
public final class BufferPool {
    static final int MIN_BYTES = 1 << 12;
    static final int MAX_BYTES = 1 << 21;
    private static final int MIN_SHIFT = Integer.numberOfTrailingZeros(MIN_BYTES);
    private static final int MAX_SHIFT = Integer.numberOfTrailingZeros(MAX_BYTES);
    /// Slots per small size.
    static final int SLOTS = 16;
    /// The largest size kept in slots.
    static final int MAX_SLOT_BYTES = 1 << 15;
    private static final int SLOT_CLASSES = Integer.numberOfTrailingZeros(MAX_SLOT_BYTES) - MIN_SHIFT + 1;

    /// The pool every run shares: 8 MB of idle arrays at most in its queues, 448 KiB in its slots.
    public static final BufferPool SHARED = new BufferPool(8L << 20);

    private final long capacityBytes;
    private final AtomicLong idleBytes = new AtomicLong();
    // Java has no generic array creation: the raw array holds only queues of byte[].
    @SuppressWarnings({"unchecked", "rawtypes"})
    private final ConcurrentLinkedQueue<byte[]>[] idle = new ConcurrentLinkedQueue[MAX_SHIFT - MIN_SHIFT + 1];
    /// [#SLOTS] per small size, in size order; a size the capacity is too small for has none in use.
    private final AtomicReferenceArray<byte[]> slots = new AtomicReferenceArray<>(SLOT_CLASSES * SLOTS);
    private final int[] slotsInUse = new int[SLOT_CLASSES];

    /// A pool that keeps at most `capacityBytes` bytes of idle arrays in its queues, and small
    /// arrays in slots as the capacity allows (see [#maxIdleBytes]).
    public BufferPool(long capacityBytes) {
        this.capacityBytes = capacityBytes;
        for (int i = 0; i < idle.length; i++) {
            idle[i] = new ConcurrentLinkedQueue<>();
        }
        for (int c = 0; c < SLOT_CLASSES; c++) {
            slotsInUse[c] = (int) Math.min(SLOTS, capacityBytes / ((long) MIN_BYTES << c) / 64);
        }
    }

    /// An array of at least `minLength` bytes (the next power of two, at least [#MIN_BYTES]); its
    /// contents are whatever it held last.
    public byte[] take(int minLength) {
        if (minLength > MAX_BYTES) {
            return new byte[minLength];
        }
        int shift = shiftFor(minLength);
        int size = shift - MIN_SHIFT;
        if (size < SLOT_CLASSES) {
            byte[] slotted = takeSlotted(size);
            if (slotted != null) {
                return slotted;
            }
        }
        byte[] array = idle[size].poll();
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
        int size = Integer.numberOfTrailingZeros(length) - MIN_SHIFT;
        if (size < SLOT_CLASSES && giveSlotted(size, array)) {
            return;
        }
        if (idleBytes.addAndGet(length) > capacityBytes) {
            idleBytes.addAndGet(-length);
            return;
        }
        idle[size].offer(array);
    }

    private byte @Nullable [] takeSlotted(int size) {
        int count = slotsInUse[size];
        int first = size * SLOTS;
        int start = firstSlot();
        for (int k = 0; k < count; k++) {
            int i = first + (start + k) % count;
            // Read before the swap: an empty slot costs no exclusive cache line.
            if (slots.getPlain(i) != null) {
                byte[] array = slots.getAndSet(i, null);
                if (array != null) {
                    return array;
                }
            }
        }
        return null;
    }

    private boolean giveSlotted(int size, byte[] array) {
        int count = slotsInUse[size];
        int first = size * SLOTS;
        int start = firstSlot();
        for (int k = 0; k < count; k++) {
            int i = first + (start + k) % count;
            if (slots.getPlain(i) == null && slots.compareAndSet(i, null, array)) {
                return true;
            }
        }
        return false;
    }

    /// Where a thread starts looking, so that two threads at once mostly try different slots.
    private static int firstSlot() {
        return (int) (Thread.currentThread().threadId() & (SLOTS - 1));
    }

    /// Bytes of idle arrays held.
    public long idleBytes() {
        long slotted = 0;
        for (int i = 0; i < slots.length(); i++) {
            byte[] array = slots.get(i);
            slotted += array == null ? 0 : array.length;
        }
        return idleBytes.get() + slotted;
    }

    /// The most bytes of idle arrays the pool keeps: its capacity and its slots'.
    long maxIdleBytes() {
        long slotted = 0;
        for (int c = 0; c < SLOT_CLASSES; c++) {
            slotted += (long) slotsInUse[c] * (MIN_BYTES << c);
        }
        return capacityBytes + slotted;
    }
}
