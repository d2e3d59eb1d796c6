package dev.fanout.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.HelidonSocket;
import io.helidon.webserver.ServerConnectionException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.concurrent.Semaphore;
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
/// Starts with what Helidon's own reader already holds (the first request line, which
/// `Http1Connections` reads to tell the HTTP version), and fails as Helidon's source does: a
/// broken connection is a `ServerConnectionException`, its end `null`.
final class SocketReads implements Supplier<byte[]> {
    static final int NARROW_BYTES = 8 * 1024;
    static final int WIDE_BYTES = 64 * 1024;
    /// How many of a listener's connections may wait in a wide read at once: clients that pause
    /// mid-upload then hold at most this many times 64 KiB of the heap.
    static final int MAX_WIDE_WAITING = 32;

    private @Nullable DataReader already;
    private final HelidonSocket socket;
    /// The listener's places for wide reads ([#MAX_WIDE_WAITING]).
    private final Semaphore wideReads;
    private boolean wide;

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
        if (!wide || !wideReads.tryAcquire()) {
            byte[] bytes = narrowRead();
            wide = bytes != null && bytes.length >= NARROW_BYTES;
            return bytes;
        }
        int n;
        byte[] target;
        try {
            // Allocated under the place's `try`: running out of memory here must not lose the place.
            target = new byte[WIDE_BYTES];
            n = readInto(target);
        } finally {
            wideReads.release();
        }
        if (n < 0) {
            return null;
        }
        wide = n >= NARROW_BYTES;
        return n == target.length ? target : Arrays.copyOf(target, n);
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
