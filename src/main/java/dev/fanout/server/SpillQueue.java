package dev.fanout.server;

import dev.fanout.memory.BufferPool;
import dev.fanout.memory.PooledArrayOutput;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Optional;

/// The bytes of an answer written and not yet sent, in order: in memory up to `memoryLimit`
/// bytes (or one larger array handed over when nothing else waits), beyond that in a temporary
/// file, so that the engine never waits for a slow client.
/// Once a byte went to the file, every later byte goes there too until the file is drained, so the
/// order holds. Memory is held in arrays from the shared `BufferPool`, given back once sent or
/// dropped. `delete` closes and removes the file; `ResponsePump` calls it however the answer ends.
/// A piece's bytes start [PooledArrayOutput#ROOM_BEFORE] bytes into its array or later, and most
/// leave [PooledArrayOutput#ROOM_AFTER] after them, so that the sender can frame them in place.
///
/// Not thread-safe by itself: its owner (`ResponsePump`) guards every call with its own lock, whose
/// condition waits on this queue's state, except `writeToFile` (by the one writing thread, at
/// positions the sender does not read until `written` publishes them) and `read` (by the sender,
/// of a range already published).
final class SpillQueue {
    /// A range read back from the file: with the room around it, one 64 KiB array of the pool.
    private static final int SPILL_READ_BYTES = 64 * 1024 - PooledArrayOutput.ROOM_BEFORE - PooledArrayOutput.ROOM_AFTER;

    private final int memoryLimit;
    private final Optional<Path> spillDir;
    /// Written bytes not yet sent, in arrays from the shared pool (given back once sent).
    private final ArrayDeque<Piece> memory = new ArrayDeque<>();
    private long memoryBytes;
    private FileChannel spill;
    private Path spillPath;
    private long spillWritten;
    private long spillSent;

    SpillQueue(int memoryLimit, Optional<Path> spillDir) {
        this.memoryLimit = memoryLimit;
        this.spillDir = spillDir;
    }

    /// `length` bytes written and not yet sent, `bytes[offset, offset + length)`.
    record Piece(byte[] bytes, int offset, int length) {
        /// Where the bytes end in the array.
        int end() {
            return offset + length;
        }
    }

    /// A range of the spill file, published and not yet sent.
    record FileRange(long from, int length) {
    }

    /// Whether `len` more bytes go to the file rather than to memory: the file still has bytes
    /// unsent (the order must hold), or memory would pass its limit.
    boolean goesToFile(int len) {
        return spillWritten > spillSent || memoryBytes + len > memoryLimit;
    }

    /// As [#goesToFile], for `len` bytes handed over in an array of their own (a chunk's rendered
    /// rows): they stay in memory whenever nothing else waits, in memory or in the file, whatever
    /// their size. Spilling them would copy bytes already held to the file and back: a chunk of
    /// invalid rows renders ~530 KB, more than the default limit, so a dirty upload's every chunk
    /// went through the file however fast its client read (~13 % of the CPU of four such uploads,
    /// bench/RESULTS.md). Queued, such a piece is held until sent rather than until written, and
    /// only one at a time: the next goes to the file while it waits.
    boolean handedOverGoesToFile(int len) {
        return spillWritten > spillSent || memoryBytes > 0 && memoryBytes + len > memoryLimit;
    }

    /// Whether memory holds more than its limit: one piece handed over that is larger.
    boolean overLimit() {
        return memoryBytes > memoryLimit;
    }

    /// Queues a copy of `len` bytes of `b` from `off` in memory.
    void addToMemory(byte[] b, int off, int len) {
        Piece last = memory.peekLast();
        if (fitsAfter(last, len)) {
            // Small writes (a duplicate's line, the summary) fill the last piece's spare
            // room rather than taking an array each. The sender never holds a piece that
            // is still queued.
            System.arraycopy(b, off, last.bytes(), last.end(), len);
            memory.pollLast();
            memory.add(new Piece(last.bytes(), last.offset(), last.length() + len));
        } else {
            byte[] copy = BufferPool.SHARED.take(withRoom(len));
            System.arraycopy(b, off, copy, PooledArrayOutput.ROOM_BEFORE, len);
            memory.add(new Piece(copy, PooledArrayOutput.ROOM_BEFORE, len));
        }
        memoryBytes += len;
    }

    /// Whether `len` more bytes fit in `last`'s spare room, leaving the room after it.
    private static boolean fitsAfter(Piece last, int len) {
        return last != null && last.bytes().length - last.end() - PooledArrayOutput.ROOM_AFTER >= len;
    }

    /// The array length `len` bytes take with the room around them.
    private static int withRoom(int len) {
        return PooledArrayOutput.ROOM_BEFORE + len + PooledArrayOutput.ROOM_AFTER;
    }

    /// Queues `bytes[from, from + len)` in memory, taking the pooled array over: it is given back
    /// once sent or dropped. Kept as it is only when it is no larger than the array a copy would
    /// take, so that memory holds no more than it did by copying (an invalid-rows-only answer may
    /// leave a few bytes in a chunk's large array); otherwise, or when the bytes fit the last
    /// piece's spare room, they are copied and the array given back at once.
    void addTakingOver(byte[] bytes, int from, int len) {
        if (fitsAfter(memory.peekLast(), len) || bytes.length > BufferPool.arrayLength(withRoom(len))) {
            addToMemory(bytes, from, len);
            BufferPool.SHARED.give(bytes);
            return;
        }
        memory.add(new Piece(bytes, from, len));
        memoryBytes += len;
    }

    /// Whether nothing is left to send.
    boolean isEmpty() {
        return memory.isEmpty() && spillWritten == spillSent;
    }

    /// Whether the spill file was made (and not yet deleted).
    boolean hasFile() {
        return spill != null;
    }

    /// Bytes queued in memory.
    long memoryBytes() {
        return memoryBytes;
    }

    /// The oldest piece in memory, taken off the queue (the taker gives its array back to the
    /// pool), or null when memory is empty.
    Piece pollMemory() {
        Piece piece = memory.poll();
        if (piece != null) {
            memoryBytes -= piece.length();
        }
        return piece;
    }

    /// The next range of the file to send, at most `SPILL_READ_BYTES`, or null when none is
    /// published and unsent. It stays queued until `sentFromFile`.
    FileRange nextFileRange() {
        if (spillWritten == spillSent) {
            return null;
        }
        return new FileRange(spillSent, (int) Math.min(SPILL_READ_BYTES, spillWritten - spillSent));
    }

    /// Reads `range` from the file into a pooled array (the caller gives it back), with room
    /// around it as in memory; outside the owner's lock: only the sender reads, and only what was
    /// published. Pooled because a new array per read was zeroed only to be written over (~0.4 %
    /// of the gateway's CPU under four large uploads, which spill about a quarter of each answer).
    ///
    /// @throws SpillFailure when the file cannot be read
    /// @throws InterruptedIOException when the file was closed under the read (an interrupt)
    Piece read(FileRange range) throws IOException {
        int offset = PooledArrayOutput.ROOM_BEFORE;
        var buffer = ByteBuffer.wrap(BufferPool.SHARED.take(withRoom(range.length())), offset, range.length());
        try {
            while (buffer.hasRemaining()) {
                if (spill.read(buffer, range.from() + buffer.position() - offset) < 0) {
                    throw new EOFException("the spill file ended at " + (range.from() + buffer.position() - offset)
                            + " bytes, before " + (range.from() + range.length()));
                }
            }
        } catch (IOException e) {
            BufferPool.SHARED.give(buffer.array());
            throw e instanceof ClosedChannelException closed ? closedByInterrupt(closed) : SpillFailure.reading(e);
        }
        return new Piece(buffer.array(), offset, range.length());
    }

    /// `range` was sent.
    void sentFromFile(FileRange range) {
        spillSent += range.length();
    }

    /// Takes everything in memory as one piece of a pooled array (the caller gives it back) — the
    /// one piece as it is when there is only one; memory is empty after.
    Piece drainMemory() {
        if (memory.size() == 1) {
            // A small answer is one piece (its rows' chunk, the summary in its spare room): no copy.
            return pollMemory();
        }
        int length = (int) memoryBytes;
        byte[] whole = BufferPool.SHARED.take(length);
        int at = 0;
        for (Piece piece : memory) {
            System.arraycopy(piece.bytes(), piece.offset(), whole, at, piece.length());
            at += piece.length();
            BufferPool.SHARED.give(piece.bytes());
        }
        memory.clear();
        memoryBytes = 0;
        return new Piece(whole, 0, length);
    }

    /// Drops what is in memory (the client went away), giving its arrays back to the pool.
    void dropMemory() {
        for (Piece piece : memory) {
            BufferPool.SHARED.give(piece.bytes());
        }
        memory.clear();
        memoryBytes = 0;
    }

    /// Makes the spill file if it is not made yet.
    ///
    /// @throws SpillFailure when it cannot be made
    void openFile() throws IOException {
        if (spill == null) {
            Path made = null;
            try {
                made = spillDir.isPresent()
                        ? Files.createTempFile(spillDir.get(), "fanout-response-", ".ndjson")
                        : Files.createTempFile("fanout-response-", ".ndjson");
                spill = FileChannel.open(made, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.DELETE_ON_CLOSE);
                spillPath = made;
            } catch (IOException e) {
                if (made != null) {
                    // Made but not opened (out of file descriptors, say): nothing else would delete it.
                    deleteQuietly(made, e);
                }
                throw SpillFailure.making(spillDir.map(Path::toString).orElse("the temporary folder"), e);
            }
        }
    }

    /// Appends `len` bytes of `b` from `off` to the file, outside the owner's lock (only the
    /// writing thread writes, at positions the sender does not read until published), and returns
    /// the file's new end, to be published with `written`.
    ///
    /// @throws SpillFailure when the file cannot be written (a full disk)
    /// @throws InterruptedIOException when the file was closed under the write (an interrupt)
    long writeToFile(byte[] b, int off, int len) throws IOException {
        var buffer = ByteBuffer.wrap(b, off, len);
        long position = spillWritten;
        try {
            while (buffer.hasRemaining()) {
                position += spill.write(buffer, position);
            }
        } catch (IOException e) {
            throw e instanceof ClosedChannelException closed ? closedByInterrupt(closed) : SpillFailure.writing(e);
        }
        return position;
    }

    /// A `FileChannel` closes itself when a thread in one of its operations is interrupted (a
    /// client that went, a run cancelled), and then fails every thread using it; [#delete] closes
    /// it once the answer is over or aborted. Either is the request ending, not the disk failing,
    /// which is logged as the operator's problem.
    private static InterruptedIOException closedByInterrupt(ClosedChannelException e) {
        var interrupted = new InterruptedIOException("the spill file was closed under a write or read: the answer was aborted");
        interrupted.initCause(e);
        return interrupted;
    }

    /// Publishes the file up to `position` to the sender.
    void written(long position) {
        spillWritten = position;
    }

    /// Closes and deletes the spill file, if any.
    void delete() {
        if (spill != null) {
            try {
                spill.close();
                Files.deleteIfExists(spillPath);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot delete the spill file " + spillPath, e);
            } finally {
                spill = null;
            }
        }
    }

    /// The gateway's own disk failed the answer (not the client): the spill file could not be
    /// made, written or read. The answer is cut like one whose client went away, but this one is
    /// logged as an error.
    static final class SpillFailure extends IOException {
        private SpillFailure(String message, IOException cause) {
            super(message, cause);
        }

        static SpillFailure making(String dir, IOException cause) {
            return new SpillFailure("cannot make a spill file in " + dir + " (" + describe(cause) + ")", cause);
        }

        static SpillFailure writing(IOException cause) {
            return new SpillFailure("cannot write the spill file (" + describe(cause) + ")", cause);
        }

        static SpillFailure reading(IOException cause) {
            return new SpillFailure("cannot read the spill file back (" + describe(cause) + ")", cause);
        }
    }

    private static void deleteQuietly(Path path, IOException failure) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }

    /// A file-system failure in words: the JDK names only the path in most of its messages.
    static String describe(Exception e) {
        return switch (e) {
            case java.nio.file.AccessDeniedException a -> "permission denied";
            case java.nio.file.NoSuchFileException n -> "no such folder";
            case java.nio.file.FileSystemException f when f.getReason() != null -> f.getReason();
            default -> e.getMessage() == null ? "failed" : e.getMessage();
        };
    }
}
