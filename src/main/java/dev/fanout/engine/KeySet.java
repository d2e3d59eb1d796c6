package dev.fanout.engine;

import java.io.FileInputStream;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.security.SecureRandom;
import java.util.Arrays;

/// A set of keys (one or more cast values, as [dev.fanout.schema.Field#uniqueKey] makes them)
/// held compactly: each key is encoded once into blocks of bytes, and an open-addressing table of
/// `int` positions finds it. Beside each position the table keeps a byte of its key's hash, eight
/// to a `long` (as Rust's `hashbrown` keeps its control bytes in groups), so that a probe reads
/// eight slots' tags at once, and another key's entry from its block, a cache miss, only when its
/// tag matches. The table may then be seven eighths full. A million keys of seven characters take
/// ~14-20 MB (8 bytes per key in the blocks, 6-11 in the table, up to 17 at the moment it
/// doubles), against ~90 MB as a `HashSet<String>` of the same keys. For `unique`, a key
/// also keeps the row that first had it ([#addFirst]).
///
/// Encoding: each part as its canonical text in UTF-8, behind its length (a varint). Two keys of
/// one field or key are equal exactly when their encodings are: the parts come from the same
/// casters, whose keys' texts are canonical (stripped decimals, epoch instants, canonical
/// integer digits, JSON values as sorted compact text).
///
/// The keys come from uploads, so the table's hash is SipHash-1-3 under a key drawn at random
/// when the process starts (as Rust's `HashMap` does): with a fixed hash, an upload of keys made
/// to collide would turn each insert into a scan of the table. The memory of a set made with a
/// [KeyBudget] is taken from it before each array grows, and given back by [#release].
///
/// Not thread-safe while it grows; once filled and no longer added to, any number of threads may
/// call [#contains] (a reference table's set is published through a volatile field).
final class KeySet {
    /// Positions in a block take the low bits of a slot; the block's index the rest.
    private static final int POSITION_BITS = 18;
    /// The largest block: a key longer than this has a block of its own.
    private static final int MAX_BLOCK_BYTES = 1 << POSITION_BITS;
    private static final int FIRST_BLOCK_BYTES = 256;
    /// Blocks a slot can name (with the one added to it, a slot stays positive): ~2 GiB of keys.
    private static final int MAX_BLOCKS = (1 << (31 - POSITION_BITS)) - 1;
    private static final int FIRST_SLOTS = 16;
    /// Keys hashed before they are placed, when the table grows.
    private static final int GROW_BATCH = 256;
    /// Slots in a group, whose tags are one `long`.
    private static final int GROUP = 8;
    private static final long LOW_BITS = 0x0101010101010101L;
    private static final long HIGH_BITS = 0x8080808080808080L;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private final KeyBudget budget;
    // The keys' entries, in blocks that are never copied or moved: a set that grows needs no
    // second copy of its keys while it does (as one doubling array did, the moment its budget was
    // tightest), and no block is a humongous object to G1 (under half a region) unless one key is.
    // Blocks double from 256 bytes to 256 KiB.
    private byte[][] blocks;
    // Bytes used in each block but the last (a block ends where the next entry did not fit).
    private int[] blockUsed;
    private int blockCount;
    // Bytes used in the last block.
    private int used;
    // Whether the entries hold rows ([#addFirst]) after their keys.
    private boolean withRows;
    // Each key's entry, (block << POSITION_BITS | position) + 1, in the slot its hash finds.
    private int[] slots;
    // A byte per slot, eight slots (a group) to a `long`: 0 when the slot is empty, else seven bits
    // of its key's hash with the eighth set. A probe reads a group's eight tags at once, and
    // another key's entry from its block (a cache miss) only when its tag matches.
    private long[] tags;
    private int size;
    /// Bytes taken from the budget: every array but the first block and table.
    private long taken;
    /// Keys the set expects to hold by the end of its run ([#expect]); 0 when that is not known.
    private long expected;
    /// What [#warm] read, summed: written so that no compiler drops the reads; never read.
    @SuppressWarnings("UnusedVariable")
    private long warmth;

    /// A set without a budget (a reference table, whose file the server's operator chose).
    KeySet() {
        this(KeyBudget.UNLIMITED);
    }

    /// A set whose growth `budget` pays for; a growth it refuses throws [KeyBudget.Exhausted]
    /// and leaves the set with the keys it had.
    KeySet(KeyBudget budget) {
        this.budget = budget;
        this.blocks = new byte[4][];
        this.blockUsed = new int[4];
        this.blocks[0] = new byte[FIRST_BLOCK_BYTES];
        this.blockCount = 1;
        this.slots = new int[FIRST_SLOTS];
        this.tags = new long[FIRST_SLOTS / GROUP];
    }

    /// The encoding of a key made of `parts` (none of them `null`).
    static byte[] encode(Object... parts) {
        return ChunkKeys.encode(parts);
    }

    /// Adds a key; false when it was there already.
    ///
    /// @throws KeyBudget.Exhausted when the set could not grow; it then holds the keys it held
    boolean add(byte[] key) {
        return add(key, 0, key.length, hash(key, 0, key.length));
    }

    /// Adds the key `bytes[from, to)`, whose [#hash] is `hash`; false when it was there already.
    ///
    /// @throws KeyBudget.Exhausted when the set could not grow; it then holds the keys it held
    boolean add(byte[] bytes, int from, int to, long hash) {
        return put(bytes, from, to, hash, -1) < 0;
    }

    /// Adds a key with `row`, the row that first has it, and returns -1; or, when the key was
    /// there already, returns the row it was added with. A set is used with this method or with
    /// [#add], not both.
    ///
    /// @throws KeyBudget.Exhausted when the set could not grow; it then holds the keys it held
    long addFirst(byte[] key, long row) {
        return addFirst(key, 0, key.length, hash(key, 0, key.length), row);
    }

    /// [#addFirst(byte\[\], long)] of the key `bytes[from, to)`, whose [#hash] is `hash`.
    long addFirst(byte[] bytes, int from, int to, long hash, long row) {
        if (row < 0) {
            throw new IllegalArgumentException("a row is never negative: " + row);
        }
        return put(bytes, from, to, hash, row);
    }

    private long put(byte[] bytes, int from, int to, long hash, long row) {
        withRows = row >= 0;
        int i = find(bytes, from, to, hash);
        if (used(i)) {
            return row < 0 ? 0 : rowAt(slots[i] - 1);
        }
        // Only a key that is not there yet may need the table to grow. Up to seven eighths full,
        // as Rust's `hashbrown`: a probe reads eight tags at once, so a full table costs little
        // time, and its memory is what bounds a run's keys (at most half full, a set of 200,000
        // keys outgrew the 5 MiB a large upload has for them while four ran at once on the
        // default launch).
        if ((size + 1L) * GROUP > (GROUP - 1L) * slots.length) {
            grow();
            i = find(bytes, from, to, hash);
        }
        slots[i] = append(bytes, from, to, row) + 1;
        tags[i / GROUP] |= tag(hash) << (i % GROUP * 8);
        size++;
        return -1;
    }

    /// Tells the set that it will likely hold `keys` keys by the end of its run (from the share of
    /// its input read so far and the input's size). Its next growth then goes straight to a table
    /// for them, when the budget can pay for that table and for their entries, instead of doubling
    /// its way there: each doubling hashes every key again, which was half of the set's time on a
    /// file of distinct keys (bench/RESULTS.md, "Issue 11, thirty-second pass"). The same memory
    /// as the doublings would have reached, held earlier; without the transient peaks of the
    /// doublings on the way.
    void expect(long keys) {
        expected = keys;
    }

    boolean contains(byte[] key) {
        return contains(key, 0, key.length, hash(key, 0, key.length));
    }

    /// Whether the set has the key `bytes[from, to)`, whose [#hash] is `hash`.
    boolean contains(byte[] bytes, int from, int to, long hash) {
        return used(find(bytes, from, to, hash));
    }

    /// Reads the table where the keys of `hashes[from, to)` will be looked for, so that their
    /// probes, made one at a time between other work, find it in the cache. Read in one tight
    /// loop, the misses overlap (the processor has many loads in flight when nothing waits on
    /// them); a probe alone waits for each of its own. Changes nothing.
    void warm(long[] hashes, int from, int to) {
        int groupMask = slots.length / GROUP - 1;
        long seen = 0;
        for (int k = from; k < to; k++) {
            int g = (int) hashes[k] & groupMask;
            seen += tags[g] + slots[g * GROUP];
        }
        warmth += seen;
    }

    /// The index of the key's slot, or of the empty slot where it would go. The groups are probed
    /// in triangular steps from the hash's (which visit every group of a power-of-two table); a
    /// key goes in the first empty slot on its way, and no key is ever removed, so a group with an
    /// empty slot ends the search.
    private int find(byte[] key, int from, int to, long hash) {
        int groupMask = slots.length / GROUP - 1;
        long wanted = tag(hash) * LOW_BITS;
        int g = (int) hash & groupMask;
        for (int step = 1; ; step++) {
            long group = tags[g];
            // A zero byte of `x` is a matching tag; a byte of 1 above a zero byte may show as one
            // too, which the key's comparison rules out. An empty slot never shows: its byte of
            // `x` is the tag, whose high bit is set.
            long x = group ^ wanted;
            for (long matches = (x - LOW_BITS) & ~x & HIGH_BITS; matches != 0; matches &= matches - 1) {
                int i = g * GROUP + Long.numberOfTrailingZeros(matches) / 8;
                if (equalsAt(slots[i] - 1, key, from, to)) {
                    return i;
                }
            }
            long empty = ~group & HIGH_BITS;
            if (empty != 0) {
                return g * GROUP + Long.numberOfTrailingZeros(empty) / 8;
            }
            g = (g + step) & groupMask;
        }
    }

    private boolean used(int i) {
        return (tags[i / GROUP] >>> (i % GROUP * 8) & 0x80) != 0;
    }

    /// The hash's top seven bits (the table's group takes its low ones) with the eighth set.
    private static long tag(long hash) {
        return hash >>> 57 | 0x80;
    }

    int size() {
        return size;
    }

    /// Drops the last block's unused room, once no more keys come (a loaded reference table).
    void trim() {
        blocks[blockCount - 1] = Arrays.copyOf(blocks[blockCount - 1], used);
        blocks = Arrays.copyOf(blocks, blockCount);
    }

    /// Bytes held by the arrays, for the measurement in `bench/foreign-keys` and the tests.
    long bytes() {
        long bytes = 5L * slots.length + 12L * blocks.length;
        for (int b = 0; b < blockCount; b++) {
            bytes += blocks[b].length;
        }
        return bytes;
    }

    /// Gives back to the budget what the set took: the run that made it has ended, and the set is
    /// not used again.
    void release() {
        budget.giveBack(taken);
        taken = 0;
    }

    /// Writes the key's entry after the last one, in a new block when it does not fit in the last;
    /// returns where it is, as a slot says it.
    private int append(byte[] key, int from, int to, long row) {
        int keyLength = to - from;
        int need = varintSize(keyLength) + keyLength + (row < 0 ? 0 : varintSize(row));
        byte[] block = blocks[blockCount - 1];
        if (block.length - used < need) {
            if (blockCount == MAX_BLOCKS) {
                throw new KeyBudget.Exhausted();
            }
            int length = Math.max(need, Math.min(MAX_BLOCK_BYTES, 2 * Math.min(block.length, MAX_BLOCK_BYTES)));
            // A block's reference and its count of bytes used.
            long pointers = blockCount == blocks.length ? 12L * blocks.length : 0;
            take(length + 2 * pointers);
            block = new byte[length];
            if (pointers > 0) {
                blocks = Arrays.copyOf(blocks, 2 * blocks.length);
                blockUsed = Arrays.copyOf(blockUsed, 2 * blockUsed.length);
                giveBack(pointers);
            }
            blockUsed[blockCount - 1] = used;
            blocks[blockCount++] = block;
            used = 0;
        }
        int at = writeVarint(block, used, keyLength);
        System.arraycopy(key, from, block, at, keyLength);
        at += keyLength;
        if (row >= 0) {
            at = writeVarint(block, at, row);
        }
        int position = used;
        used = at;
        // A block longer than MAX_BLOCK_BYTES holds one entry, at 0.
        return (blockCount - 1) << POSITION_BITS | position;
    }

    private void take(long bytes) {
        if (!tryTake(bytes)) {
            throw new KeyBudget.Exhausted();
        }
    }

    /// Takes `bytes` from the budget if it has them; false, having taken nothing, if not.
    private boolean tryTake(long bytes) {
        if (!budget.take(bytes)) {
            return false;
        }
        taken += bytes;
        return true;
    }

    private void giveBack(long bytes) {
        budget.giveBack(bytes);
        taken -= bytes;
    }

    private void grow() {
        if (slots.length > 1 << 29) {
            throw new KeyBudget.Exhausted();
        }
        int oldLength = slots.length;
        int newLength = 2 * oldLength;
        int forExpected = slotsFor(expected);
        // Straight to the expected size only when the budget has room for that table and for
        // the expected keys' entries too: a table too large to leave room for them would end
        // the run with `too_many_keys` sooner than doubling.
        if (forExpected > newLength && budget.left() >= 5L * forExpected + (expected - size) * bytesPerEntry()
                && tryTake(5L * forExpected)) {
            newLength = forExpected;
        } else {
            // The old and the new table are both held while the keys move over.
            take(5L * newLength);
        }
        slots = new int[newLength];
        tags = new long[newLength / GROUP];
        // The keys are read again in the order they were written, not in the old table's: the
        // table's order sent each read to a random place in the blocks, a cache miss a key
        // (bench/RESULTS.md, "Issue 11, thirtieth pass": the set's share of a keyed upload's
        // samples 29 % before, 25 % after). They are hashed a batch at a time, then placed: the
        // placing loop is short, so the processor has many of its misses on the new table in
        // flight at once, where hashing between them left one.
        int batch = Math.min(GROW_BATCH, size);
        long[] hashes = new long[batch];
        int[] entries = new int[batch];
        int batched = 0;
        for (int b = 0; b < blockCount; b++) {
            byte[] block = blocks[b];
            int end = b == blockCount - 1 ? used : blockUsed[b];
            for (int at = 0; at < end; ) {
                int length = readVarint(block, at);
                int start = at + varintSize(length);
                hashes[batched] = hash(block, start, start + length);
                entries[batched++] = (b << POSITION_BITS | at) + 1;
                if (batched == batch) {
                    place(hashes, entries, batched);
                    batched = 0;
                }
                at = start + length;
                if (withRows) {
                    while (block[at++] < 0) {
                        // The row's varint: skipped.
                    }
                }
            }
        }
        place(hashes, entries, batched);
        if (oldLength != FIRST_SLOTS) {
            giveBack(5L * oldLength);
        }
    }

    /// The slots of the smallest table that holds `keys` (up to seven eighths full); 0 for none.
    private static int slotsFor(long keys) {
        if (keys <= 0 || keys > (7L << 27)) {
            return 0;
        }
        long slots = (keys * GROUP + GROUP - 2) / (GROUP - 1);
        return (int) Long.highestOneBit(slots - 1) << 1;
    }

    /// The bytes an entry takes in the blocks, on average so far.
    private long bytesPerEntry() {
        long bytes = used;
        for (int b = 0; b < blockCount - 1; b++) {
            bytes += blockUsed[b];
        }
        return size == 0 ? 0 : (bytes + size - 1) / size;
    }

    /// Puts each entry in the first empty slot its hash's probe meets (growing: the keys are
    /// distinct, and no two are compared).
    private void place(long[] hashes, int[] entries, int count) {
        int groupMask = slots.length / GROUP - 1;
        for (int k = 0; k < count; k++) {
            long hash = hashes[k];
            int g = (int) hash & groupMask;
            for (int step = 1; (~tags[g] & HIGH_BITS) == 0; step++) {
                g = (g + step) & groupMask;
            }
            int i = g * GROUP + Long.numberOfTrailingZeros(~tags[g] & HIGH_BITS) / 8;
            slots[i] = entries[k];
            tags[g] |= tag(hash) << (i % GROUP * 8);
        }
    }

    private boolean equalsAt(int entry, byte[] key, int from, int to) {
        byte[] block = blocks[entry >>> POSITION_BITS];
        int at = entry & (MAX_BLOCK_BYTES - 1);
        int length = readVarint(block, at);
        if (length != to - from) {
            return false;
        }
        int start = at + varintSize(length);
        return Arrays.equals(block, start, start + length, key, from, to);
    }

    private long rowAt(int entry) {
        byte[] block = blocks[entry >>> POSITION_BITS];
        int at = entry & (MAX_BLOCK_BYTES - 1);
        int length = readVarint(block, at);
        at += varintSize(length) + length;
        long value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = block[at++];
            value |= (long) (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    private static int readVarint(byte[] block, int at) {
        int value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = block[at++];
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    static int writeVarint(byte[] into, int at, int value) {
        while ((value & ~0x7f) != 0) {
            into[at++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        into[at++] = (byte) value;
        return at;
    }

    private static int writeVarint(byte[] into, int at, long value) {
        while ((value & ~0x7fL) != 0) {
            into[at++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        into[at++] = (byte) value;
        return at;
    }

    private static int varintSize(long value) {
        int size = 1;
        while ((value & ~0x7fL) != 0) {
            size++;
            value >>>= 7;
        }
        return size;
    }

    private static int varintSize(int value) {
        int size = 1;
        while ((value & ~0x7f) != 0) {
            size++;
            value >>>= 7;
        }
        return size;
    }

    /// SipHash-1-3 of the bytes under the process's random key: the hash the methods that take one
    /// expect.
    static long hash(byte[] bytes, int from, int to) {
        long v0 = HashKey.K0 ^ 0x736f6d6570736575L;
        long v1 = HashKey.K1 ^ 0x646f72616e646f6dL;
        long v2 = HashKey.K0 ^ 0x6c7967656e657261L;
        long v3 = HashKey.K1 ^ 0x7465646279746573L;
        int length = to - from;
        int i = from;
        boolean last = false;
        int rounds = 1;
        while (true) {
            long m;
            if (last) {
                v2 ^= 0xff;
                rounds = 3;
                m = 0;
            } else if (to - i >= 8) {
                m = (long) LONGS.get(bytes, i);
                i += 8;
            } else {
                // The last block: the bytes left, and the length in the top byte.
                m = (long) length << 56;
                for (int k = 0; i + k < to; k++) {
                    m |= (bytes[i + k] & 0xffL) << (8 * k);
                }
                i = to;
                last = true;
            }
            v3 ^= m;
            for (int r = 0; r < rounds; r++) {
                v0 += v1;
                v1 = Long.rotateLeft(v1, 13) ^ v0;
                v0 = Long.rotateLeft(v0, 32);
                v2 += v3;
                v3 = Long.rotateLeft(v3, 16) ^ v2;
                v0 += v3;
                v3 = Long.rotateLeft(v3, 21) ^ v0;
                v2 += v1;
                v1 = Long.rotateLeft(v1, 17) ^ v2;
                v2 = Long.rotateLeft(v2, 32);
            }
            if (rounds == 3) {
                return v0 ^ v1 ^ v2 ^ v3;
            }
            v0 ^= m;
        }
    }

    /// The hash's key, drawn once a process, when the first set is made: 16 bytes of the kernel's
    /// `/dev/urandom` (what `SecureRandom`'s default draws from on Linux), or of a `SecureRandom`
    /// where there is none. Read directly because a `SecureRandom` loads the JDK's security
    /// providers: a keyed 20-row `fanout validate` took ~6 ms longer (median of 25 alternating
    /// runs), and with the keyed run in `validate`'s AOT training, every `validate` would have
    /// loaded them from the cache at start (bench/RESULTS.md, "Issue 11, thirty-second pass").
    private static final class HashKey {
        static final long K0;
        static final long K1;

        static {
            byte[] key = new byte[16];
            try (var in = new FileInputStream("/dev/urandom")) {
                if (in.readNBytes(key, 0, key.length) != key.length) {
                    throw new IOException("/dev/urandom ended");
                }
            } catch (IOException e) {
                new SecureRandom().nextBytes(key);
            }
            K0 = (long) LONGS.get(key, 0);
            K1 = (long) LONGS.get(key, 8);
        }
    }
}
