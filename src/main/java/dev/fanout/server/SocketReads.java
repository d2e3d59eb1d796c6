package dev.fanout.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.ServerConnectionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/// A connection's bytes as Helidon's HTTP/1.1 code reads them (the source of its `DataReader`):
/// Helidon's own reads of up to 8 KiB while requests' heads and small bodies come in, and reads
/// of up to 64 KiB once a body streams in faster than that.
///
/// Why: Helidon reads a socket 8 KiB at a time (`PlainSocket`'s fixed buffer), so a 12 MB upload
/// took ~1,500 `read` calls, and those calls were a tenth of a large validation's CPU, most of it
/// the cost of each call rather than of the bytes (bench/RESULTS.md). A read that filled its 8 KiB
/// says that the client sends faster than we read; the next one is wide, into an array of its own
/// that Helidon's reader then keeps (no copy when the read fills it), until a read returns less
/// than 8 KiB. A wide read holds its 64 KiB while it waits for bytes, so no more than
/// [#MAX_WIDE_WAITING] of a listener's connections read wide at once; the others read as Helidon
/// does.
///
/// Helidon's reader keeps the last array it was given until its next read returns, so a
/// connection that goes idle keeps it for as long as it stays open. A short wide read therefore
/// comes in two pieces, its last [#TAIL_BYTES] bytes on their own: an idle connection keeps at
/// most those (of 150 connections left idle after a 1 MB upload whose last 62 KB came after a
/// pause, 32 kept 54-62 KB each; ~900 such would hold a 64 MB heap). A wide read that filled its
/// 64 KiB is handed out whole (splitting it would copy every such read) and the next read is wide
/// too, so a connection that waits after one (a client that pauses there, or the next request
/// after an upload that ended on it) holds 128 KiB; it keeps its place from that read until one
/// returns less, or the connection ends ([#connectionEnded]), so that at most
/// [#MAX_WIDE_WAITING] do.
///
/// Starts with what Helidon's own reader already holds (the first request line, which
/// `Http1Connections` reads to tell the HTTP version), and fails as Helidon's source does: a
/// broken connection is a `ServerConnectionException`, its end `null`.
final class SocketReads implements Supplier<byte[]> {
    static final int NARROW_BYTES = 8 * 1024;
    static final int WIDE_BYTES = 64 * 1024;
    /// How many of a listener's connections may read wide at once: clients that pause mid-upload
    /// then hold at most this many times 128 KiB of the heap (the array a read waits to fill, and
    /// the full one before it, which Helidon's reader keeps meanwhile).
    static final int MAX_WIDE_WAITING = 32;
    /// The most an idle connection keeps of a wide read: about a small request's read.
    static final int TAIL_BYTES = 1024;

    private @Nullable DataReader already;
    private final HelidonSocket socket;
    /// The listener's places for wide reads ([#MAX_WIDE_WAITING]).
    private final Semaphore wideReads;
    private boolean wide;
    /// Whether this connection holds a place: from a wide read until one returns less than 64 KiB
    /// and its tail is handed out. Set by whichever thread reads the connection, one at a time
    /// (Helidon's, or a validation's worker under its read lock); cleared by it or by the
    /// connection's thread when the connection ends: atomic, so that a place is given back once.
    private final AtomicBoolean placeTaken = new AtomicBoolean();
    /// The last bytes of a short wide read, handed out by the next call.
    private byte @Nullable [] tail;
    /// Whether bytes read were lost (no memory to hand them out): the connection reads no more.
    private boolean lost;

    SocketReads(DataReader already, HelidonSocket socket, Semaphore wideReads) {
        this.already = already;
        this.socket = socket;
        this.wideReads = wideReads;
    }

    @Override
    public byte @Nullable [] get() {
        DataReader before = already;
        if (before != null) {
            int held = before.available();
            if (held > 0) {
                return before.readBytes(held);
            }
            already = null;
        }
        if (lost) {
            throw new ServerConnectionException("bytes of this connection were lost", new IOException("out of memory"));
        }
        byte[] rest = tail;
        if (rest != null) {
            tail = null;
            givePlaceBack();
            return rest;
        }
        if (!placeTaken.get()) {
            if (!wide || !wideReads.tryAcquire()) {
                byte[] bytes = narrowRead();
                wide = bytes != null && bytes.length >= NARROW_BYTES;
                return bytes;
            }
            placeTaken.set(true);
        }
        int n;
        byte[] target;
        try {
            // Allocated under the place's `try`: running out of memory here must not lose the place.
            target = new byte[WIDE_BYTES];
            n = readInto(target);
        } catch (RuntimeException | Error e) {
            givePlaceBack();
            throw e;
        }
        if (n < 0) {
            givePlaceBack();
            return null;
        }
        wide = n >= NARROW_BYTES;
        if (n == target.length) {
            return target;
        }
        byte[] most;
        byte[] last;
        try {
            most = Arrays.copyOf(target, n <= TAIL_BYTES ? n : n - TAIL_BYTES);
            last = n <= TAIL_BYTES ? null : Arrays.copyOfRange(target, n - TAIL_BYTES, n);
        } catch (OutOfMemoryError e) {
            // The bytes are off the socket and would be lost: nothing more is read from this
            // connection, so that no request is read from the middle of another's bytes.
            lost = true;
            givePlaceBack();
            throw e;
        }
        if (last == null) {
            givePlaceBack();
        }
        tail = last;
        return most;
    }

    /// Gives back the connection's place for wide reads, if it holds one: called when the
    /// connection has ended, as its last read may have filled 64 KiB and kept the place.
    void connectionEnded() {
        givePlaceBack();
    }

    private void givePlaceBack() {
        if (placeTaken.compareAndSet(true, false)) {
            wideReads.release();
        }
    }

    private byte @Nullable [] narrowRead() {
        try {
            return socket.get();
        } catch (UncheckedIOException e) {
            throw new ServerConnectionException("Failed to get data from socket", e);
        }
    }

    // HelidonSocket.read is deprecated for removal (since 4.4) and is still the one way to read
    // a Helidon socket into an array of one's own; should it go, narrow reads are what is left.
    @SuppressWarnings("removal")
    private int readInto(byte[] target) {
        int n;
        try {
            n = socket.read(BufferData.create(target).reset());
        } catch (UncheckedIOException e) {
            throw new ServerConnectionException("Failed to get data from socket", e);
        }
        if (n == 0) {
            throw new IllegalStateException("Read 0 bytes, this should never happen with blocking socket");
        }
        return n;
    }
}
