package dev.fanout.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/// One keep-alive HTTP/1.1 connection of the load generator as a non-blocking state machine,
/// driven by the event loop whose selector it is registered with: send a [Payload], read the
/// answer through a [ResponseParser], report the status or an [ExchangeFailure]
/// to its [Listener]. The connection opens on first use and again after any failure; a request
/// has one deadline covering connect, send and the whole answer ([#expire(long)]).
///
/// Reading and writing go on together, because the gateway answers while it reads: a non-2xx
/// answer that is complete before the body is all sent (an early `413`) ends the request and the
/// connection; a 2xx waits for the body to be sent. Used by its event loop's thread only.
final class Link {
    /// Told how each request ended.
    interface Listener {
        void answered(Link link, int status);

        void failed(Link link, ExchangeFailure failure);
    }

    private final InetSocketAddress address;
    private final long timeoutNanos;
    private final ResponseParser parser;
    private final Listener listener;
    private SocketChannel channel;
    private SelectionKey key;
    private boolean connected;
    private boolean busy;
    private ByteBuffer head;
    private FileChannel file;
    private long filePosition;
    private long fileEnd;
    private ByteBuffer tail;
    private long deadline;

    // Bookkeeping of the generator for the request in flight.
    final int index;
    long due;
    // When to send next: `due`, or later for a retry after a 503.
    long sendAt;
    long sentAt;
    long requestNumber;
    long started;
    // Retries sent for the request in flight.
    int retries;

    Link(int index, InetSocketAddress address, long timeoutNanos, boolean verify, boolean expectSummary, Listener listener) {
        this.index = index;
        this.address = address;
        this.timeoutNanos = timeoutNanos;
        this.parser = new ResponseParser(verify, expectSummary);
        this.listener = listener;
    }

    boolean busy() {
        return busy;
    }

    long deadline() {
        return deadline;
    }

    /// The last answer's `Retry-After` in seconds, or -1 when it had none.
    int retryAfterSeconds() {
        return parser.retryAfterSeconds();
    }

    /// Sends `payload` now, opening the connection first when needed.
    void start(Selector selector, Payload payload) {
        busy = true;
        deadline = System.nanoTime() + timeoutNanos;
        parser.reset();
        head = ByteBuffer.wrap(payload.head());
        tail = ByteBuffer.wrap(payload.tail());
        try {
            if (payload.file() != null) {
                file = FileChannel.open(payload.file());
                filePosition = 0;
                fileEnd = payload.fileLength();
            }
        } catch (IOException e) {
            fail(new ExchangeFailure(ErrorKind.CLOSED, "cannot read " + payload.file() + ": " + e.getMessage()));
            return;
        }
        try {
            if (channel == null) {
                channel = SocketChannel.open();
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                connected = channel.connect(address);
                key = channel.register(selector, connected ? SelectionKey.OP_READ : SelectionKey.OP_CONNECT, this);
                if (!connected) {
                    return;
                }
            }
            send();
        } catch (IOException | RuntimeException e) {
            // RuntimeException: an unresolvable or unsupported address (UnresolvedAddressException).
            fail(connected ? closed(e) : connectFailure(e));
        }
    }

    /// Acts on what the selector says is ready; reads into `buffer` (shared by the loop).
    void ready(ByteBuffer buffer) {
        if (key == null || !key.isValid()) {
            return;
        }
        if (!busy) {
            idleReadable(buffer);
            return;
        }
        try {
            if (!connected) {
                if (!key.isConnectable()) {
                    return;
                }
                try {
                    channel.finishConnect();
                } catch (IOException e) {
                    fail(connectFailure(e));
                    return;
                }
                connected = true;
                send();
                return;
            }
            if (key.isWritable()) {
                send();
            }
            if (busy && key.isValid() && key.isReadable()) {
                receive(buffer);
            }
        } catch (ExchangeFailure e) {
            fail(e);
        } catch (IOException e) {
            fail(closed(e));
        }
    }

    /// An idle keep-alive connection became readable: the server closed it (or sent bytes no
    /// request asked for). Close it now, so the loop does not spin on it and the next request
    /// opens a fresh one instead of failing on a dead one.
    private void idleReadable(ByteBuffer buffer) {
        if (!key.isReadable()) {
            return;
        }
        try {
            buffer.clear();
            if (channel.read(buffer) != 0) {
                closeChannel();
            }
        } catch (IOException e) {
            closeChannel();
        }
    }

    /// Fails the request in flight if its deadline has passed.
    void expire(long now) {
        if (busy && now - deadline >= 0) {
            fail(new ExchangeFailure(ErrorKind.TIMEOUT, "no answer within the time-out"));
        }
    }

    /// Closes the connection (the request in flight, if any, is dropped without a report).
    void close() {
        busy = false;
        closeChannel();
    }

    private void send() throws IOException {
        if (head.hasRemaining()) {
            channel.write(head);
        }
        if (!head.hasRemaining() && file != null) {
            while (filePosition < fileEnd) {
                long n = file.transferTo(filePosition, fileEnd - filePosition, channel);
                if (n <= 0) {
                    break;
                }
                filePosition += n;
            }
            if (filePosition >= fileEnd) {
                closeFile();
            }
        }
        if (!head.hasRemaining() && file == null && tail.hasRemaining()) {
            channel.write(tail);
        }
        boolean sent = writeDone();
        key.interestOps(sent ? SelectionKey.OP_READ : SelectionKey.OP_READ | SelectionKey.OP_WRITE);
        if (sent && parser.done()) {
            complete();
        }
    }

    private boolean writeDone() {
        return !head.hasRemaining() && file == null && !tail.hasRemaining();
    }

    @SuppressWarnings("ByteBufferBackingArray") // our own ByteBuffer.allocate: offset 0
    private void receive(ByteBuffer buffer) throws IOException, ExchangeFailure {
        while (busy) {
            buffer.clear();
            int n = channel.read(buffer);
            if (n < 0) {
                if (parser.done()) {
                    // A 2xx came while the body was still being sent, then the server closed.
                    throw new ExchangeFailure(ErrorKind.CLOSED, "the server closed the connection before taking the body");
                }
                parser.endOfStream();
                complete();
                return;
            }
            if (n == 0) {
                return;
            }
            int used = parser.feed(buffer.array(), 0, n);
            if (parser.done()) {
                if (used < n) {
                    throw new ExchangeFailure(ErrorKind.MALFORMED, "bytes after the end of the answer");
                }
                int status = parser.status();
                if (writeDone()) {
                    complete();
                } else if (status < 200 || status >= 300) {
                    // Refused before taking the whole body (e.g. 413): the answer counts, but the
                    // connection cannot carry another request.
                    closeChannel();
                    finish(status);
                }
                return;
            }
        }
    }

    private void complete() {
        int status = parser.status();
        if (parser.closeAfter()) {
            closeChannel();
        }
        finish(status);
    }

    private void finish(int status) {
        busy = false;
        closeFile();
        listener.answered(this, status);
    }

    private void fail(ExchangeFailure failure) {
        busy = false;
        closeChannel();
        listener.failed(this, failure);
    }

    private void closeChannel() {
        closeFile();
        if (channel != null) {
            if (key != null) {
                key.cancel();
            }
            try {
                channel.close();
            } catch (IOException ignored) {
                // Nothing more can be done with a channel that fails to close.
            }
        }
        channel = null;
        key = null;
        connected = false;
    }

    private void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // A file only read from.
            }
            file = null;
        }
    }

    private ExchangeFailure connectFailure(Exception e) {
        return new ExchangeFailure(ErrorKind.CONNECT, "connect to " + address + ": " + message(e));
    }

    /// A reset or a failed write: the server dropped the connection. (An answer that stops
    /// early at a clean end of stream is malformed instead: see [ResponseParser#endOfStream()].)
    private static ExchangeFailure closed(Exception e) {
        return new ExchangeFailure(ErrorKind.CLOSED, e instanceof ClosedChannelException
                ? "the connection was closed" : message(e));
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }
}
