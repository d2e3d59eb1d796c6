package dev.fanout.server;

import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/// Carries the engine's NDJSON to the client without ever making the engine wait for the client.
///
/// Some clients send their whole upload before reading any response (Python's http.client, Java's
/// HttpClient with a file body). If the engine wrote straight to the socket, the socket would fill,
/// the engine would stop reading the upload, and the client would block on sending it: a deadlock.
/// Here the engine writes into memory, up to `memoryLimit` bytes not yet sent, and beyond that
/// into a temporary file; a sender thread copies memory, then the file, to the socket in order.
/// The file is deleted when the response ends, however it ends.
///
/// A response that fits in memory and is never flushed early is sent by the closing thread in one
/// piece with a `Content-Length` (the small-request case: no extra thread). If the client goes
/// away, the next `write` or `flush` fails, which stops the engine.
///
/// One writing thread (the engine's writer); `close` from the request's thread after the engine
/// is done.
final class ResponsePump extends OutputStream {
    private static final int SPILL_READ_BYTES = 64 * 1024;

    private final ServerResponse response;
    private final int memoryLimit;
    private final Optional<Path> spillDir;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<byte[]> memory = new ArrayDeque<>();
    private long memoryBytes;
    private FileChannel spill;
    private Path spillPath;
    private long spillWritten;
    private long spillSent;
    private boolean writerDone;
    private boolean flushWanted;
    private IOException clientFailure;
    private Thread sender;
    private long bytesSent;
    private volatile long firstByteNanos;

    private final ThreadFactory senders;

    ResponsePump(ServerResponse response, int memoryLimit, Optional<Path> spillDir, ThreadFactory senders) {
        this.senders = senders;
        this.response = response;
        this.memoryLimit = memoryLimit;
        this.spillDir = spillDir;
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
            toFile = spillWritten > spillSent || memoryBytes + len > memoryLimit;
            if (!toFile) {
                byte[] copy = new byte[len];
                System.arraycopy(b, off, copy, 0, len);
                memory.add(copy);
                memoryBytes += len;
                if (sender != null) {
                    changed.signal();
                }
                return;
            }
            startSender();
            openSpill();
        } finally {
            lock.unlock();
        }
        // Only this thread writes the file, at positions the sender does not read until published.
        var buffer = ByteBuffer.wrap(b, off, len);
        long position = spillWritten;
        while (buffer.hasRemaining()) {
            position += spill.write(buffer, position);
        }
        lock.lock();
        try {
            spillWritten = position;
            changed.signal();
        } finally {
            lock.unlock();
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

    /// Bytes handed to the socket so far.
    long bytesSent() {
        lock.lock();
        try {
            return bytesSent;
        } finally {
            lock.unlock();
        }
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
        deleteSpill();
    }

    private void sendWhole() {
        byte[] whole = new byte[(int) memoryBytes];
        int at = 0;
        for (byte[] piece : memory) {
            System.arraycopy(piece, 0, whole, at, piece.length);
            at += piece.length;
        }
        memory.clear();
        memoryBytes = 0;
        firstByteNanos = System.nanoTime();
        response.send(whole);
        bytesSent = whole.length;
    }

    /// When the first byte was handed to the socket (`System.nanoTime()`), or 0 if none was yet.
    long firstByteNanos() {
        return firstByteNanos;
    }

    private void startSender() {
        if (sender == null) {
            sender = senders.newThread(this::send);
            sender.start();
        }
    }

    private void send() {
        try (OutputStream socket = response.outputStream()) {
            while (true) {
                byte[] piece = null;
                long spillFrom = -1;
                int spillLength = 0;
                boolean flush = false;
                lock.lock();
                try {
                    while (memory.isEmpty() && spillWritten == spillSent && !writerDone && !flushWanted
                            && clientFailure == null) {
                        changed.await();
                    }
                    if (clientFailure != null) {
                        return;
                    }
                    if (!memory.isEmpty()) {
                        piece = memory.poll();
                        memoryBytes -= piece.length;
                    } else if (spillWritten > spillSent) {
                        spillFrom = spillSent;
                        spillLength = (int) Math.min(SPILL_READ_BYTES, spillWritten - spillSent);
                    } else if (writerDone) {
                        break;
                    } else {
                        flush = true;
                        flushWanted = false;
                    }
                } finally {
                    lock.unlock();
                }
                if (firstByteNanos == 0 && (piece != null || spillFrom >= 0)) {
                    firstByteNanos = System.nanoTime();
                }
                if (piece != null) {
                    socket.write(piece);
                    sent(piece.length);
                } else if (spillFrom >= 0) {
                    var buffer = ByteBuffer.allocate(spillLength);
                    while (buffer.hasRemaining()) {
                        spill.read(buffer, spillFrom + buffer.position());
                    }
                    socket.write(buffer.array(), 0, spillLength);
                    lock.lock();
                    try {
                        spillSent += spillLength;
                        bytesSent += spillLength;
                    } finally {
                        lock.unlock();
                    }
                } else if (flush) {
                    socket.flush();
                }
            }
        } catch (IOException | UncheckedIOException e) {
            clientGone(e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        } catch (InterruptedException e) {
            clientGone(new IOException("response aborted", e));
        } catch (RuntimeException e) {
            // Helidon reports a closed connection with its own unchecked exceptions.
            clientGone(new IOException("the client went away: " + e.getMessage(), e));
        }
    }

    private void sent(int n) {
        lock.lock();
        try {
            bytesSent += n;
        } finally {
            lock.unlock();
        }
    }

    private void clientGone(IOException e) {
        lock.lock();
        try {
            if (clientFailure == null) {
                clientFailure = e;
            }
            memory.clear();
            memoryBytes = 0;
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

    private void openSpill() throws IOException {
        if (spill == null) {
            spillPath = spillDir.isPresent()
                    ? Files.createTempFile(spillDir.get(), "fanout-response-", ".ndjson")
                    : Files.createTempFile("fanout-response-", ".ndjson");
            spill = FileChannel.open(spillPath, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.DELETE_ON_CLOSE);
        }
    }

    private void deleteSpill() {
        lock.lock();
        try {
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
