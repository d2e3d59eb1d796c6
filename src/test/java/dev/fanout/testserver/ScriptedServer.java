package dev.fanout.testserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/// A raw-socket HTTP/1.1 test server on 127.0.0.1 for what a framework server cannot do: answers
/// written byte for byte, in pieces or cut short, half-closes and resets, exact request bytes, and
/// a count of the TCP connections a client opened. It binds a free port, accepts on a virtual
/// thread, and runs the test's [Script] on a virtual thread per connection; it counts connections,
/// requests and closes by the client, and keeps every request read.
///
/// A script that throws an `AssertionError` or a `RuntimeException` (a request not ended by CRLF,
/// a body cut short, a bug in the script) fails [#close]; an `IOException` is taken for the client
/// going away unless the server was built with [Builder#ioErrorsFail()]. [#close] closes every
/// connection, interrupts the scripts and joins their threads, so no thread outlives the test.
/// JDK-only and independent of Fanout's main code, so the JMH project can compile it too.
public final class ScriptedServer implements AutoCloseable {
    /// Request bodies up to this many bytes are kept whole; longer ones only by length and hash.
    public static final int KEEP_BODY = 1 << 20;
    private static final Duration JOIN = Duration.ofSeconds(10);

    private final ServerSocket listener;
    private final Script script;
    private final boolean ioErrorsFail;
    private final Thread acceptor;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger closedByClient = new AtomicInteger();
    private final AtomicInteger closedByServer = new AtomicInteger();
    private final Queue<Socket> sockets = new ConcurrentLinkedQueue<>();
    private final Queue<Thread> threads = new ConcurrentLinkedQueue<>();
    private final Queue<Throwable> failures = new ConcurrentLinkedQueue<>();
    private final List<Request> received = new CopyOnWriteArrayList<>();
    private final BlockingQueue<Request> untaken = new LinkedBlockingQueue<>();
    private volatile boolean closing;

    private ScriptedServer(ServerSocket listener, Script script, boolean ioErrorsFail) {
        this.listener = listener;
        this.script = script;
        this.ioErrorsFail = ioErrorsFail;
        this.acceptor = Thread.ofVirtual().name("scripted-accept").unstarted(this::acceptLoop);
    }

    /// A server running `script` on every connection, with the defaults.
    public static ScriptedServer start(Script script) throws IOException {
        return with(script).start();
    }

    /// A builder of a server running `script` on every connection.
    public static Builder with(Script script) {
        return new Builder(script);
    }

    /// Options of a [ScriptedServer] before it starts.
    public static final class Builder {
        private final Script script;
        private int receiveBuffer;
        private boolean ioErrorsFail;
        private SSLContext tls;

        private Builder(Script script) {
            this.script = script;
        }

        /// Gives accepted connections a receive buffer of `bytes` (so a client's upload can fill it).
        public Builder receiveBuffer(int bytes) {
            this.receiveBuffer = bytes;
            return this;
        }

        /// Makes an `IOException` in a script (on a connection it had not closed) fail [#close], for
        /// tests whose client must never break a connection under the script.
        public Builder ioErrorsFail() {
            this.ioErrorsFail = true;
            return this;
        }

        /// Speaks TLS with `context`'s key on every connection (half-closes are then not available).
        public Builder tls(SSLContext context) {
            this.tls = context;
            return this;
        }

        public ScriptedServer start() throws IOException {
            var listener = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
            if (receiveBuffer > 0) {
                listener.setReceiveBufferSize(receiveBuffer);
            }
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
            var server = new ScriptedServer(listener, script, ioErrorsFail);
            server.acceptor.start();
            return server;
        }
    }

    public int port() {
        return listener.getLocalPort();
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", port());
    }

    /// `http://127.0.0.1:PORT`.
    public String baseUri() {
        return "http://127.0.0.1:" + port();
    }

    /// `pathAndQuery` on this server: `uri("/v1/validate?schema=people")`.
    public URI uri(String pathAndQuery) {
        return URI.create(baseUri() + pathAndQuery);
    }

    /// TCP connections accepted so far.
    public int connections() {
        return connections.get();
    }

    /// Requests received so far (counted once their head has arrived, before any answer).
    public int requests() {
        return requests.get();
    }

    /// Every request received so far, in order of arrival.
    public List<Request> received() {
        return List.copyOf(received);
    }

    /// The oldest request not taken yet, waiting up to ten seconds for one to arrive.
    public Request takeRequest() throws InterruptedException {
        Request request = untaken.poll(10, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("the server read no request");
        }
        return request;
    }

    /// Connections the client closed (an end of stream where a request could start, or where a
    /// script read until close) so far.
    public int closedByClient() {
        return closedByClient.get();
    }

    /// [#closedByClient()], waiting up to `within` for it to reach `expected`: the server's
    /// thread sees a close a little after the client made it.
    public int awaitClosedByClient(int expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (closedByClient.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return closedByClient.get();
    }

    /// Waits up to `within` for the server to have closed `expected` connections whose script
    /// returned (what a stale keep-alive connection is made of); returns how many it has.
    public int awaitClosedByServer(int expected, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (closedByServer.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        return closedByServer.get();
    }

    void received(Request request) {
        requests.incrementAndGet();
        received.add(request);
        untaken.add(request);
    }

    void countCloseByClient() {
        closedByClient.incrementAndGet();
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (!closing) {
                    failures.add(e);
                }
                return;
            }
            int index = connections.getAndIncrement();
            sockets.add(socket);
            threads.add(Thread.ofVirtual().name("scripted-" + index).start(() -> serve(socket, index)));
        }
    }

    private void serve(Socket socket, int index) {
        // The failure is recorded before the socket closes: a test that sees the close may call
        // close() at once and must find it.
        try (socket) {
            try {
                // Each write its own segment, at once: tests that write in pieces rely on it.
                socket.setTcpNoDelay(true);
                script.run(new Connection(socket, index, this));
            } catch (IOException e) {
                if (ioErrorsFail && !closing && !socket.isClosed()) {
                    failures.add(e);
                }
            } catch (InterruptedException e) {
                // Only close() interrupts a script.
            } catch (RuntimeException | AssertionError e) {
                if (!closing) {
                    failures.add(e);
                }
            }
        } catch (IOException e) {
            // closing the socket: nothing left to do with it
        }
        closedByServer.incrementAndGet();
    }

    /// Stops accepting, closes every connection, ends the scripts and joins their threads; then
    /// throws an `AssertionError` if a script failed (see the class comment).
    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException e) {
            failures.add(e);
        }
        join(acceptor);
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        for (Thread thread : threads) {
            thread.interrupt();
            join(thread);
        }
        if (!failures.isEmpty()) {
            var failure = new AssertionError("the scripted server failed: " + failures);
            failures.forEach(failure::addSuppressed);
            throw failure;
        }
    }

    private void join(Thread thread) {
        try {
            if (!thread.join(JOIN)) {
                failures.add(new AssertionError(thread + " did not end within " + JOIN));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failures.add(e);
        }
    }
}
