package dev.fanout.jmh;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/// A stand-in upstream for lookup benchmarks: an HTTP/1.1 server on 127.0.0.1 that answers
/// `GET /customers/{id}` with a small JSON body (`404` for any other path) after a fixed delay,
/// over keep-alive connections. Run: `java -cp benchmarks.jar dev.fanout.jmh.StubUpstream PORT DELAY_MS`.
/// On exit it prints the calls answered, the peak number in flight, and the mean number in flight
/// while any was (how well the client kept its limit busy).
///
/// It runs on one thread with one NIO selector, and a delay is an entry in a queue rather than a
/// sleeping thread, so a call costs it a read, a write and a few microseconds of CPU. The stub
/// shares the machine with the gateway it measures: a Helidon stub (a virtual thread and
/// `Thread.sleep` per call) took ~70 µs of CPU per call, a third of what the gateway itself
/// spent, so the benchmark partly measured the stub. Not a general server: requests must fit
/// its 8 KiB buffer, a request body is skipped by its `Content-Length`, chunked requests are
/// refused (`400`, connection closed).
public final class StubUpstream {
    private static final int BUFFER_BYTES = 8 * 1024;
    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};
    private static final String PREFIX = "/customers/";

    private final long delayNanos;
    // Answers waiting for their time. The delay is the same for all, so the queue is in due order.
    private final ArrayDeque<Answer> due = new ArrayDeque<>();
    private long calls;
    private int peakInFlight;
    // The integral of calls in flight over time, and the time with any in flight: their ratio is
    // the mean number in flight while busy.
    private double inFlightNanos;
    private long busyNanos;
    private long lastChangeNanos;

    private StubUpstream(long delayNanos) {
        this.delayNanos = delayNanos;
    }

    /// One answer to send at `dueNanos` on `connection`; `close` ends the connection after it.
    private record Answer(long dueNanos, Connection connection, byte[] bytes, boolean close) {
    }

    /// A client connection: what was read but not yet parsed, and what is left to write.
    private static final class Connection {
        final SocketChannel channel;
        final ByteBuffer in = ByteBuffer.allocate(BUFFER_BYTES);
        final ArrayDeque<ByteBuffer> out = new ArrayDeque<>();
        long skipBytes;
        boolean closeAfterWrite;
        boolean closed;

        Connection(SocketChannel channel) {
            this.channel = channel;
        }
    }

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(args[0]);
        var stub = new StubUpstream(TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[1])));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> System.out.println(stub.report())));
        stub.serve(port);
    }

    private synchronized String report() {
        return "stub: %d calls, peak in flight %d, mean in flight while busy %.0f".formatted(calls, peakInFlight,
                busyNanos == 0 ? 0.0 : inFlightNanos / busyNanos);
    }

    private void serve(int port) throws IOException {
        try (Selector selector = Selector.open(); ServerSocketChannel server = ServerSocketChannel.open()) {
            // The gateway opens up to max-concurrency connections at once (the kernel caps the
            // backlog at net.core.somaxconn).
            server.bind(new InetSocketAddress("127.0.0.1", port), 4096);
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            System.out.println("stub: listening on " + port);
            while (true) {
                Answer next = due.peek();
                long waitNanos = next == null ? 0 : next.dueNanos() - System.nanoTime();
                if (next == null) {
                    selector.select();
                } else if (waitNanos > 0) {
                    selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)));
                } else {
                    selector.selectNow();
                }
                for (SelectionKey key : selector.selectedKeys()) {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isAcceptable()) {
                        accept(server, selector);
                    } else {
                        Connection connection = (Connection) key.attachment();
                        if (key.isReadable()) {
                            read(connection);
                        }
                        if (key.isValid() && key.isWritable()) {
                            flush(connection, key);
                        }
                    }
                }
                selector.selectedKeys().clear();
                sendDue(selector);
            }
        }
    }

    private static void accept(ServerSocketChannel server, Selector selector) throws IOException {
        SocketChannel channel;
        while ((channel = server.accept()) != null) {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel.register(selector, SelectionKey.OP_READ, new Connection(channel));
        }
    }

    private void read(Connection connection) {
        try {
            int n = connection.channel.read(connection.in);
            if (n < 0) {
                close(connection);
                return;
            }
            parse(connection);
        } catch (IOException e) {
            close(connection);
        }
    }

    /// Queues an answer for every complete request in the buffer.
    private void parse(Connection connection) {
        ByteBuffer in = connection.in;
        in.flip();
        while (in.hasRemaining()) {
            if (connection.skipBytes > 0) {
                int skip = (int) Math.min(connection.skipBytes, in.remaining());
                in.position(in.position() + skip);
                connection.skipBytes -= skip;
                continue;
            }
            int end = indexOf(in, HEADER_END);
            if (end < 0) {
                break;
            }
            String head = new String(in.array(), in.position(), end - in.position(), StandardCharsets.ISO_8859_1);
            in.position(end + HEADER_END.length);
            queue(connection, head);
        }
        in.compact();
        if (!in.hasRemaining()) {
            // A request head larger than the buffer.
            respondNow(connection, answer(431, "{}", true), true);
        }
    }

    private void queue(Connection connection, String head) {
        String[] lines = head.split("\r\n");
        String[] requestLine = lines[0].split(" ");
        boolean close = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).trim();
            String value = line.substring(colon + 1).trim();
            if (name.equalsIgnoreCase("Content-Length")) {
                connection.skipBytes = Long.parseLong(value);
            } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
                respondNow(connection, answer(400, "{}", true), true);
                return;
            } else if (name.equalsIgnoreCase("Connection") && value.equalsIgnoreCase("close")) {
                close = true;
            }
        }
        if (requestLine.length != 3 || !requestLine[0].equals("GET") || !requestLine[1].startsWith(PREFIX)) {
            respondNow(connection, answer(404, "{}", close), close);
            return;
        }
        String id = requestLine[1].substring(PREFIX.length());
        byte[] bytes = answer(200, "{\"id\":\"" + id + "\",\"name\":\"Customer " + id + "\",\"tier\":2}", close);
        long now = System.nanoTime();
        synchronized (this) {
            account(now, +1);
            calls++;
        }
        due.add(new Answer(now + delayNanos, connection, bytes, close));
    }

    private static byte[] answer(int status, String json, boolean close) {
        String reason = switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            default -> "Request Header Fields Too Large";
        };
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] bytes = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, bytes, 0, headBytes.length);
        System.arraycopy(body, 0, bytes, headBytes.length, body.length);
        return bytes;
    }

    private void sendDue(Selector selector) {
        long now = System.nanoTime();
        while (!due.isEmpty() && due.peek().dueNanos() - now <= 0) {
            synchronized (this) {
                account(now, -1);
            }
            Answer answer = due.poll();
            respondNow(answer.connection(), answer.bytes(), answer.close());
            if (!answer.connection().closed && !answer.connection().out.isEmpty()) {
                answer.connection().channel.keyFor(selector).interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
            }
        }
    }

    /// Writes `bytes` now, or queues what the socket does not take.
    private static void respondNow(Connection connection, byte[] bytes, boolean close) {
        if (connection.closed) {
            return;
        }
        connection.closeAfterWrite |= close;
        connection.out.add(ByteBuffer.wrap(bytes));
        try {
            writeQueued(connection);
        } catch (IOException e) {
            close(connection);
        }
    }

    private static void flush(Connection connection, SelectionKey key) {
        try {
            writeQueued(connection);
            if (!connection.closed && connection.out.isEmpty()) {
                key.interestOps(SelectionKey.OP_READ);
            }
        } catch (IOException e) {
            close(connection);
        }
    }

    private static void writeQueued(Connection connection) throws IOException {
        while (!connection.out.isEmpty()) {
            ByteBuffer head = connection.out.peek();
            connection.channel.write(head);
            if (head.hasRemaining()) {
                return;
            }
            connection.out.poll();
        }
        if (connection.closeAfterWrite) {
            close(connection);
        }
    }

    private static void close(Connection connection) {
        connection.closed = true;
        try {
            connection.channel.close();
        } catch (IOException e) {
            // Closing a socket the client already dropped: nothing left to do with it.
        }
    }

    // Called under this object's lock, before `due` changes by `change`.
    private void account(long nowNanos, int change) {
        int inFlight = due.size();
        if (inFlight > 0) {
            long elapsed = nowNanos - lastChangeNanos;
            inFlightNanos += (double) inFlight * elapsed;
            busyNanos += elapsed;
        }
        lastChangeNanos = nowNanos;
        peakInFlight = Math.max(peakInFlight, inFlight + Math.max(0, change));
    }

    private static int indexOf(ByteBuffer buffer, byte[] pattern) {
        byte[] array = buffer.array();
        int limit = buffer.limit() - pattern.length;
        outer:
        for (int i = buffer.position(); i <= limit; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (array[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
