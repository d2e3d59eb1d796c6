package dev.fanout.bench;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;

/// One [Link] driven by the calling thread: `exchange` sends a request and waits for its answer.
/// The load generator runs hundreds of links per thread instead; this is the same connection,
/// parser and failure classification, one request at a time (for tests and simple use).
///
/// Used by one thread at a time.
final class HttpConnection implements Closeable, Link.Listener {
    private final Selector selector;
    private final Link link;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 << 10);
    private int status;
    private ExchangeFailure failure;

    /// A connection to `address`; each exchange must finish within `timeoutNanos`. With
    /// `verify`, 2xx bodies must be complete NDJSON (ending with a summary when `expectSummary`).
    HttpConnection(InetSocketAddress address, long timeoutNanos, boolean verify, boolean expectSummary) {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.link = new Link(0, address, timeoutNanos, verify, expectSummary, this);
    }

    /// Sends `payload` and reads the whole answer; returns its status code. Throws
    /// [ExchangeFailure] (after closing the connection) when no complete, well-formed answer came.
    int exchange(Payload payload) throws ExchangeFailure, InterruptedException {
        failure = null;
        link.start(selector, payload);
        try {
            while (link.busy()) {
                long left = link.deadline() - System.nanoTime();
                selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left) + 1));
                if (Thread.interrupted()) {
                    link.close();
                    throw new InterruptedException();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    ((Link) key.attachment()).ready(buffer);
                }
                selector.selectedKeys().clear();
                link.expire(System.nanoTime());
            }
        } catch (IOException e) {
            link.close();
            throw new ExchangeFailure(ErrorKind.CLOSED, "selector failed: " + e.getMessage());
        }
        if (failure != null) {
            throw failure;
        }
        return status;
    }

    @Override
    public void answered(Link ignored, int answeredStatus) {
        status = answeredStatus;
    }

    @Override
    public void failed(Link ignored, ExchangeFailure cause) {
        failure = cause;
    }

    @Override
    public void close() {
        link.close();
        try {
            selector.close();
        } catch (IOException ignored) {
            // Nothing is registered any more.
        }
    }
}
