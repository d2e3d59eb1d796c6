package dev.fanout.engine;

import dev.fanout.schema.JsonNumber;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/// A set of keys (one or more cast values, as [dev.fanout.schema.Field#uniqueKey] makes them)
/// held compactly: each key is encoded once into one growing byte array, and an open-addressing
/// table of `int` offsets finds it. A million keys of seven characters take ~16 MB (8 bytes per
/// key in the arena, 8 in the table), against ~90 MB as a `HashSet<String>` of the same keys.
///
/// Encoding: each part as its canonical text in UTF-8, behind its length (a varint). Two keys of
/// one foreign key are equal exactly when their encodings are: the parts come from the same
/// casters, whose keys' texts are canonical (stripped decimals, epoch instants, canonical
/// integer digits).
///
/// Not thread-safe while it grows; once filled and no longer added to, any number of threads may
/// call [#contains] (a reference table's set is published through a volatile field).
final class KeySet {
    private static final int MAX_ARENA = Integer.MAX_VALUE - 16;

    private byte[] arena;
    private int used;
    // Offset + 1 of each key's entry in the arena; 0 is an empty slot.
    private int[] slots;
    private int size;

    KeySet() {
        this.arena = new byte[256];
        this.slots = new int[16];
    }

    /// The encoding of a key made of `parts` (none of them `null`).
    static byte[] encode(Object... parts) {
        byte[][] texts = new byte[parts.length][];
        int length = 0;
        for (int p = 0; p < parts.length; p++) {
            texts[p] = text(parts[p]).getBytes(StandardCharsets.UTF_8);
            length += varintSize(texts[p].length) + texts[p].length;
        }
        byte[] key = new byte[length];
        int at = 0;
        for (byte[] text : texts) {
            at = writeVarint(key, at, text.length);
            System.arraycopy(text, 0, key, at, text.length);
            at += text.length;
        }
        return key;
    }

    private static String text(Object part) {
        return switch (part) {
            case JsonNumber number -> number.text();
            case BigDecimal decimal -> decimal.toString();
            default -> part.toString();
        };
    }

    /// Adds a key; false when it was there already.
    boolean add(byte[] key) {
        int hash = hash(key);
        int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            int slot = slots[i];
            if (slot == 0) {
                slots[i] = append(key) + 1;
                size++;
                if (size * 2 > slots.length) {
                    grow();
                }
                return true;
            }
            if (equalsAt(slot - 1, key)) {
                return false;
            }
        }
    }

    boolean contains(byte[] key) {
        int hash = hash(key);
        int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            int slot = slots[i];
            if (slot == 0) {
                return false;
            }
            if (equalsAt(slot - 1, key)) {
                return true;
            }
        }
    }

    int size() {
        return size;
    }

    /// Drops the arena's unused room, once no more keys come (a loaded reference table).
    void trim() {
        arena = Arrays.copyOf(arena, used);
    }

    /// Bytes held by the arrays, for the measurement in `bench/foreign-keys` and the tests.
    long bytes() {
        return arena.length + 4L * slots.length;
    }

    private int append(byte[] key) {
        int need = varintSize(key.length) + key.length;
        if (arena.length - used < need) {
            if ((long) used + need > MAX_ARENA) {
                throw new IllegalStateException("more than 2 GiB of distinct keys");
            }
            arena = Arrays.copyOf(arena, (int) Math.min(MAX_ARENA, Math.max((long) arena.length * 2, (long) used + need)));
        }
        int offset = used;
        int at = writeVarint(arena, used, key.length);
        System.arraycopy(key, 0, arena, at, key.length);
        used = at + key.length;
        return offset;
    }

    private void grow() {
        int[] old = slots;
        slots = new int[old.length * 2];
        int mask = slots.length - 1;
        for (int slot : old) {
            if (slot == 0) {
                continue;
            }
            int offset = slot - 1;
            int length = readVarint(offset);
            int start = offset + varintSize(length);
            int i = hash(arena, start, start + length) & mask;
            while (slots[i] != 0) {
                i = (i + 1) & mask;
            }
            slots[i] = slot;
        }
    }

    private boolean equalsAt(int offset, byte[] key) {
        int length = readVarint(offset);
        if (length != key.length) {
            return false;
        }
        int start = offset + varintSize(length);
        return Arrays.equals(arena, start, start + length, key, 0, key.length);
    }

    private int readVarint(int offset) {
        int value = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = arena[offset++];
            value |= (b & 0x7f) << shift;
            if (b >= 0) {
                return value;
            }
        }
    }

    private static int writeVarint(byte[] into, int at, int value) {
        while ((value & ~0x7f) != 0) {
            into[at++] = (byte) ((value & 0x7f) | 0x80);
            value >>>= 7;
        }
        into[at++] = (byte) value;
        return at;
    }

    private static int varintSize(int value) {
        int size = 1;
        while ((value & ~0x7f) != 0) {
            size++;
            value >>>= 7;
        }
        return size;
    }

    private static int hash(byte[] key) {
        return hash(key, 0, key.length);
    }

    private static int hash(byte[] bytes, int from, int to) {
        // FNV-1a, then spread: linear probing needs the low bits well mixed.
        int h = 0x811c9dc5;
        for (int i = from; i < to; i++) {
            h = (h ^ bytes[i]) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
