package dev.fanout.server;

import dev.fanout.memory.BufferPool;
import dev.fanout.memory.PooledArrayOutput;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/// Carries the engine's NDJSON to the client without ever making the engine wait for the client.
///
/// Some clients send their whole upload before reading any response (Python's http.client, Java's
/// HttpClient with a file body). If the engine wrote straight to the socket, the socket would fill,
/// the engine would stop reading the upload, and the client would block on sending it: a deadlock.
/// Here the engine writes into memory, up to `memoryLimit` bytes not yet sent (or one larger
/// chunk's rows when nothing else waits), and beyond that into a temporary file (the
/// `SpillQueue`); a sender thread copies memory, then the file, to the socket in order. The file
/// is deleted when the response ends, however it ends.
///
/// A response that fits in memory and is never flushed early is sent by the closing thread with a
/// `Content-Length` (the small-request case: no extra thread). If the client goes away, the next
/// `write` or `flush` fails, which stops the engine.
///
/// Write deadline: every write to the socket is watched by the `WriteWatchdog`, and none hands
/// over more than `SEND_SLICE_BYTES`, so a client that reads slowly but steadily completes a write
/// every so often. One that reads nothing leaves a write blocked; after the time-out the watchdog
/// fails the response and runs `hangUp`, which closes the connection: the blocked write fails, and
/// the response ends as it does when the client disconnects.
///
/// One writer at a time (the engine's writer: its chunk workers take turns, in input order, under
/// the run's lock); `close` from the request's thread after the engine is done.
///
/// Longer than the house's ~400 lines because it is one state machine: the writer, the sender and
/// the watchdog share one lock and one set of states (sending, flush wanted, writer done, client
/// gone), and the two ways out (`sendWhole` and the sender's loop) must end them alike. The bytes
/// themselves live in the `SpillQueue`.
final class ResponsePump extends OutputStream implements PooledArrayOutput {
    private static final System.Logger LOG = System.getLogger(ResponsePump.class.getName());
    /// The most bytes handed to the socket in one call, so that a slow but steady reader shows
    /// progress to the watchdog: it is cut off only if it reads fewer than this per time-out
    /// (about 9 KiB a second with the default 30 s). Not smaller: each write costs the kernel, the
    /// client and the chunk framing the same whatever its size — W2's answers took 13-20 %
    /// fewer requests a second in 16 KiB slices than in 64 KiB ones, and 256 KiB ones against 64
    /// served ~3.5 % more with a p99 ~18 % lower, half the involuntary context switches
    /// (bench/RESULTS.md, seventh and twelfth passes).
    static final int SEND_SLICE_BYTES = 256 * 1024;

    private final ServerResponse response;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /// Written bytes not yet sent; guarded by `lock` (see `SpillQueue`).
    private final SpillQueue queue;
    private boolean writerDone;
    private boolean flushWanted;
    private IOException clientFailure;
    private Thread sender;
    private long bytesSent;
    private volatile long firstByteNanos;
    // Run once, just before the bytes that end the response go to the socket; see beforeLastBytes.
    private volatile Runnable lastBytesHook = () -> { };

    private final ThreadFactory senders;
    private final WriteWatchdog watchdog;
    private final Runnable hangUp;
    private WriteWatchdog.Watch watch;

    /// Whether nothing is sent before `close`: the answer waits, in memory and then in the spill
    /// file, until the run is done (`fanout.response.after-upload`).
    private final boolean holdUntilClosed;
    /// Whether the answer's pieces may be framed in their own arrays (see `ChunkedBody`).
    private final boolean framesInPlace;

    /// `hangUp` closes the client's connection from another thread (see `ConnectionCloser`). With
    /// `holdUntilClosed`, no byte of the answer goes out before `close`, for a proxy that stops
    /// forwarding the rest of an upload once the answer has begun (nginx).
    ResponsePump(ServerResponse response, int memoryLimit, Optional<Path> spillDir, ThreadFactory senders,
            WriteWatchdog watchdog, Runnable hangUp, boolean holdUntilClosed, boolean framesInPlace) {
        this.holdUntilClosed = holdUntilClosed;
        this.framesInPlace = framesInPlace;
        this.senders = senders;
        this.watchdog = watchdog;
        this.hangUp = hangUp;
        this.response = response;
        this.queue = new SpillQueue(memoryLimit, spillDir);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return;
        }
        boolean toFile;
        lock.lock();
        try {
            failIfClientGone();
            toFile = queue.goesToFile(len);
            if (!toFile) {
                queue.addToMemory(b, off, len);
                if (sender != null) {
                    changed.signal();
                }
                return;
            }
            startSender();
            queue.openFile();
        } finally {
            lock.unlock();
        }
        // Only this thread writes the file, at positions the sender does not read until published.
        long position = queue.writeToFile(b, off, len);
        lock.lock();
        try {
            queue.written(position);
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /// Writes `array[from, to)` of the pooled `array` and takes it over: kept in the queue as it
    /// is when it goes to memory (no copy; it does whenever nothing else waits, whatever its size:
    /// [SpillQueue#handedOverGoesToFile]), copied like any write when it goes to the spill file or
    /// the client is gone, then given back.
    @Override
    public void writeTakingOver(byte[] array, int from, int to) throws IOException {
        int length = to - from;
        lock.lock();
        try {
            if (clientFailure == null && length > 0 && !queue.handedOverGoesToFile(length)) {
                queue.addTakingOver(array, from, length);
                if (sender != null) {
                    changed.signal();
                } else if (queue.overLimit()) {
                    // One piece larger than the limit, held: it goes out now, as it would have
                    // from the spill file.
                    startSender();
                }
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            write(array, from, length);
        } finally {
            BufferPool.SHARED.give(array);
        }
    }

    /// Makes what was written go out now (it starts the sender if needed).
    @Override
    public void flush() throws IOException {
        lock.lock();
        try {
            failIfClientGone();
            startSender();
            flushWanted = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
    }

    /// Whether the sender thread has started: the response's head is then out, or about to be,
    /// and its headers can no longer change.
    boolean sending() {
        lock.lock();
        try {
            return sender != null;
        } finally {
            lock.unlock();
        }
    }

    /// Bytes handed to the socket so far.
    long bytesSent() {
        lock.lock();
        try {
            return bytesSent;
        } finally {
            lock.unlock();
        }
    }

    /// Runs `hook` once, just before the bytes that end the response are handed to the socket
    /// (never if the client goes first): whatever it records is in place by the time the client
    /// can see the end — a benchmark reads `/v1/stats` right after its last answer.
    void beforeLastBytes(Runnable hook) {
        lastBytesHook = hook;
    }

    private void lastBytes() {
        Runnable hook = lastBytesHook;
        lastBytesHook = () -> { };
        hook.run();
    }

    /// Ends the response: sends what is left, waits for the sender, deletes the spill file.
    ///
    /// @throws IOException when the client went away before everything was sent
    @Override
    public void close() throws IOException {
        Thread running;
        lock.lock();
        try {
            writerDone = true;
            if (sender == null && queue.hasFile()) {
                // Held until now (holdUntilClosed): part of the answer is in the spill file.
                startSender();
            }
            running = sender;
            changed.signal();
        } finally {
            lock.unlock();
        }
        try {
            if (running == null) {
                sendWhole();
            } else {
                join(running);
            }
        } finally {
            deleteSpill();
        }
        lock.lock();
        try {
            failIfClientGone();
        } finally {
            lock.unlock();
        }
    }

    /// Stops sending at once (the request failed); deletes the spill file.
    void abort() {
        Thread running;
        lock.lock();
        try {
            writerDone = true;
            if (clientFailure == null) {
                clientFailure = new IOException("response aborted");
            }
            running = sender;
            changed.signal();
        } finally {
            lock.unlock();
        }
        if (running != null) {
            running.interrupt();
            try {
                join(running);
            } catch (IOException e) {
                // Aborting already: the sender's own failure adds nothing.
            }
        }
        lock.lock();
        try {
            // What was never sent goes back to the pool (the sender, if any, has ended).
            queue.dropMemory();
        } finally {
            lock.unlock();
        }
        deleteSpill();
    }

    /// Sends the whole response from memory, with a `Content-Length`, on the closing thread: in one
    /// call when it is no larger than a slice (the small-request case), else in watched slices.
    private void sendWhole() {
        // Pooled too: Helidon copies what it sends before `send` returns.
        SpillQueue.Piece drained = queue.drainMemory();
        byte[] whole = drained.bytes();
        int offset = drained.offset();
        int length = drained.length();
        firstByteNanos = System.nanoTime();
        startWatching();
        try {
            if (length <= SEND_SLICE_BYTES) {
                lastBytes();
                watched(() -> response.send(whole, offset, length));
                sent(length);
            } else {
                response.contentLength(length);
                try (OutputStream socket = new WatchedSocket(response.outputStream())) {
                    // One array per slice: Helidon 4.4.0 sends a Content-Length body written from an
                    // offset wrongly (FixedBufferData.writeTo passes the end as the length; helidon#11738).
                    int end = offset + length;
                    for (int from = offset; from < end; from += SEND_SLICE_BYTES) {
                        if (from + SEND_SLICE_BYTES >= end) {
                            lastBytes();
                        }
                        socket.write(Arrays.copyOfRange(whole, from, Math.min(end, from + SEND_SLICE_BYTES)));
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            clientGone(clientFailure(e));
        } finally {
            // Nobody holds it now: Helidon copied it in `send`, or was given copies of its slices.
            BufferPool.SHARED.give(whole);
        }
    }

    /// When the first byte was handed to the socket (`System.nanoTime()`), or 0 if none was yet.
    long firstByteNanos() {
        return firstByteNanos;
    }

    private void startSender() {
        if (sender == null && (!holdUntilClosed || writerDone)) {
            startWatching();
            sender = senders.newThread(this::send);
            sender.start();
        }
    }

    private void startWatching() {
        watch = watchdog.watch(this::giveUp);
    }

    /// The write deadline passed (on the watchdog's thread): the response fails, and closing the
    /// connection fails the write that is blocked on it.
    private void giveUp() {
        lock.lock();
        try {
            if (clientFailure == null) {
                clientFailure = new IOException("the client read nothing for " + watchdog.timeout()
                        + " (the write time-out): its connection was closed");
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        hangUp.run();
    }

    /// The sender's loop. Only an answer sent whole ends with its last chunk; one cut short (the
    /// client gone, the write time-out, an abort, the spill file failing) ends with its connection
    /// closed instead, so that no client takes it for whole (without `summary`, nothing else in
    /// the answer would tell it), and the connection, left in the middle of a body, carries no
    /// further request.
    private void send() {
        boolean whole = false;
        try {
            var socket = new WatchedSocket(ChunkedBody.open(response, framesInPlace));
            while (true) {
                SpillQueue.Piece piece;
                SpillQueue.FileRange range;
                boolean flush = false;
                lock.lock();
                try {
                    while (queue.isEmpty() && !writerDone && !flushWanted && clientFailure == null) {
                        changed.await();
                    }
                    if (clientFailure != null) {
                        return;
                    }
                    // Memory first, then the file: the order they were written in.
                    piece = queue.pollMemory();
                    range = piece == null ? queue.nextFileRange() : null;
                    if (piece == null && range == null) {
                        if (writerDone) {
                            // Closing the stream below sends the last chunk.
                            lastBytes();
                            break;
                        }
                        flush = true;
                        flushWanted = false;
                    }
                } finally {
                    lock.unlock();
                }
                if (firstByteNanos == 0 && (piece != null || range != null)) {
                    firstByteNanos = System.nanoTime();
                }
                if (piece != null) {
                    try {
                        socket.writePiece(piece);
                    } finally {
                        BufferPool.SHARED.give(piece.bytes());
                    }
                } else if (range != null) {
                    SpillQueue.Piece spilled = queue.read(range);
                    try {
                        socket.writePiece(spilled);
                    } finally {
                        BufferPool.SHARED.give(spilled.bytes());
                    }
                    lock.lock();
                    try {
                        queue.sentFromFile(range);
                    } finally {
                        lock.unlock();
                    }
                } else if (flush) {
                    socket.flush();
                }
            }
            socket.close();
            whole = true;
        } catch (SpillQueue.SpillFailure e) {
            // Our disk, not the client: logged as the writer's spill failures are.
            LOG.log(System.Logger.Level.ERROR, "an answer was cut: " + e.getMessage());
            clientGone(e);
        } catch (IOException | RuntimeException e) {
            clientGone(clientFailure(e));
        } catch (InterruptedException e) {
            clientGone(new IOException("response aborted", e));
        } finally {
            if (!whole) {
                hangUp.run();
            }
        }
    }

    /// What a failed write to the socket means: the client is gone. Helidon reports a closed
    /// connection with its own unchecked exceptions too.
    ///
    /// `instanceof` tests rather than a `switch` on the type: such a switch is bootstrapped at its
    /// first run by spinning a class, which the AOT cache cannot hold, so every fresh gateway made
    /// it when its first client went away mid-answer (under load: when `wrk` ends a run), and C2
    /// then compiled the JDK's class-file writer there.
    private static IOException clientFailure(Exception e) {
        if (e instanceof IOException io) {
            return io;
        }
        if (e instanceof UncheckedIOException unchecked) {
            return unchecked.getCause();
        }
        return new IOException("the client went away: " + e.getMessage(), e);
    }

    private void sent(int n) {
        lock.lock();
        try {
            bytesSent += n;
        } finally {
            lock.unlock();
        }
    }

    /// Helidon's response stream, each call on it watched for the write deadline, and writes cut
    /// into slices of at most `SEND_SLICE_BYTES` (each counted in `bytesSent` once it returns).
    private final class WatchedSocket extends OutputStream {
        private final OutputStream socket;

        WatchedSocket(OutputStream socket) {
            this.socket = socket;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            for (int at = 0; at < len; ) {
                int from = off + at;
                int n = Math.min(SEND_SLICE_BYTES, len - at);
                watched(() -> socket.write(b, from, n));
                sent(n);
                at += n;
            }
        }

        /// Writes a piece of the queue, which the caller gives back to the pool afterwards: framed
        /// in its own array when the stream is ours (`ChunkedBody`) and the array has the room,
        /// as one chunk however large, handed over a slice at a time.
        void writePiece(SpillQueue.Piece piece) throws IOException {
            byte[] b = piece.bytes();
            int off = piece.offset();
            int len = piece.length();
            if (!(socket instanceof ChunkedBody chunked) || !chunked.framesInRoom(b, off, len)) {
                write(b, off, len);
                return;
            }
            // One chunk framed in place, sent a slice of its bytes at a time (in one write when it
            // fits one, as a small answer does), the first write with the size line before them,
            // the last with the CRLF after. A handed-over chunk of rows can be larger than a slice
            // (an upload of invalid rows renders ~530 KB a chunk): as a chunk per slice, each
            // slice was copied into a fresh frame, a quarter of such an upload's garbage.
            int end = off + len;
            int writeFrom = chunked.frameInRoom(b, off, len);
            for (int at = off; at < end; at += SEND_SLICE_BYTES) {
                int n = Math.min(SEND_SLICE_BYTES, end - at);
                int from = writeFrom;
                int to = at + n == end ? end + 2 : at + n;
                watched(() -> chunked.writeFramed(b, from, to - from));
                sent(n);
                writeFrom = to;
            }
        }

        @Override
        public void flush() throws IOException {
            watched(socket::flush);
        }

        /// Ends the response (the last chunk), which may block too.
        @Override
        public void close() throws IOException {
            watched(socket::close);
        }
    }

    /// A call that may block on the socket.
    private interface SocketCall {
        void run() throws IOException;
    }

    /// Runs `call` with the watchdog looking: if it blocks for longer than the write time-out, the
    /// connection is closed under it.
    private void watched(SocketCall call) throws IOException {
        watch.writing();
        try {
            call.run();
        } finally {
            watch.wrote();
        }
    }

    private void clientGone(IOException e) {
        lock.lock();
        try {
            if (clientFailure == null) {
                clientFailure = e;
            }
            queue.dropMemory();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void failIfClientGone() throws IOException {
        if (clientFailure != null) {
            throw new IOException("the client went away", clientFailure);
        }
    }

    private void deleteSpill() {
        lock.lock();
        try {
            queue.delete();
        } finally {
            lock.unlock();
        }
    }

    private static void join(Thread thread) throws IOException {
        boolean interrupted = false;
        while (true) {
            try {
                thread.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
                thread.interrupt();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
