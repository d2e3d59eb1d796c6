package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.socket.PlainSocket;
import io.helidon.webserver.ServerConnectionException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// [SocketReads] on real sockets, and the gateway reading through it.
///
/// On a socket pair: what Helidon's reader held comes first, then the socket's bytes in order
/// to its end; reads widen once one fills 8 KiB and narrow again after a short one; no more
/// wide reads at once than `MAX_WIDE_WAITING`, and a place comes back whether the read
/// succeeded or failed; a broken connection is Helidon's `ServerConnectionException`.
///
/// Through the gateway: multi-megabyte uploads over HTTP/1.1 with the next request right behind
/// on the same connection, paused in the middle, and over HTTP/1.0, each answered byte for byte.
class SocketReadsTest {
    private static final People.File LARGE = People.file(1, 40_000, People::mixed);

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas();

    /// A connected pair on 127.0.0.1: the accepted end as Helidon wraps it, and the client's end.
    private record Pair(PlainSocket server, Socket client) implements AutoCloseable {
        static Pair open() throws IOException {
            try (var listening = new ServerSocket()) {
                // Set before the bind, for the accepted socket: a window wide enough that a test's
                // 72 KiB arrive whole before the first read, whatever the kernel's default.
                listening.setReceiveBufferSize(1 << 20);
                listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
                var client = new Socket(InetAddress.getLoopbackAddress(), listening.getLocalPort());
                Socket accepted = listening.accept();
                accepted.setSoTimeout(10_000);
                return new Pair(PlainSocket.server(accepted, "test", "test"), client);
            }
        }

        /// Writes `bytes` from another thread (a large write blocks until the server reads).
        CompletableFuture<Void> sendInBackground(byte[] bytes, boolean thenEnd) {
            return CompletableFuture.runAsync(() -> {
                try {
                    OutputStream out = client.getOutputStream();
                    out.write(bytes);
                    out.flush();
                    if (thenEnd) {
                        client.shutdownOutput();
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
        }

        void send(byte[] bytes) throws IOException {
            client.getOutputStream().write(bytes);
            client.getOutputStream().flush();
        }

        @Override
        public void close() throws IOException {
            client.close();
            try {
                server.close();
            } catch (UncheckedIOException e) {
                // A reset connection cannot shut its output down: it is closed all the same.
            }
        }
    }

    private static byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return bytes;
    }

    /// A reader that has already pulled `held` from its source, as Helidon's holds a connection's
    /// first line when `SocketReads` takes over.
    private static DataReader holding(byte[] held) {
        var given = new boolean[1];
        DataReader reader = DataReader.create(() -> {
            if (given[0]) {
                throw new AssertionError("the earlier reader is not read again");
            }
            given[0] = true;
            return held;
        });
        reader.ensureAvailable();
        return reader;
    }

    @Test
    void whatHelidonHeldComesFirstThenTheSocketsBytesToItsEnd() throws Exception {
        byte[] held = "POST /v1/validate HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
        byte[] sent = randomBytes(700_000);
        try (var pair = Pair.open()) {
            var sending = pair.sendInBackground(sent, true);
            var reads = new SocketReads(holding(held), pair.server(), new Semaphore(SocketReads.MAX_WIDE_WAITING));
            var all = new ByteArrayOutputStream();
            for (byte[] piece = reads.get(); piece != null; piece = reads.get()) {
                all.write(piece);
            }
            sending.get(10, TimeUnit.SECONDS);
            byte[] expected = Arrays.copyOf(held, held.length + sent.length);
            System.arraycopy(sent, 0, expected, held.length, sent.length);
            assertArrayEquals(expected, all.toByteArray());
            assertNull(reads.get(), "the end stays the end");
        }
    }

    @Test
    void readsWidenOnceOneFills8KiBAndNarrowAgainAfterAShortOne() throws Exception {
        try (var pair = Pair.open()) {
            var reads = new SocketReads(holding(new byte[] {'G'}), pair.server(), new Semaphore(SocketReads.MAX_WIDE_WAITING));
            assertEquals(1, reads.get().length);
            pair.send(new byte[100]);
            assertEquals(100, reads.get().length);
            byte[] sent = randomBytes(1 << 20);
            var sending = pair.sendInBackground(sent, false);
            Thread.sleep(200);
            List<Integer> lengths = readLengths(reads, sent.length);
            sending.get(10, TimeUnit.SECONDS);
            assertEquals(SocketReads.NARROW_BYTES, lengths.getFirst(), "after a short read, a narrow one: " + lengths);
            assertTrue(lengths.stream().anyMatch(n -> n > SocketReads.NARROW_BYTES), "some reads were wide: " + lengths);
            assertTrue(lengths.stream().allMatch(n -> n <= SocketReads.WIDE_BYTES), lengths::toString);
            // The last read of the megabyte was short or not: either way a read after a short
            // one is narrow again.
            pair.send(new byte[10]);
            byte[] small = reads.get();
            assertEquals(10, small.length);
            pair.send(randomBytes(200_000));
            Thread.sleep(200);
            assertEquals(SocketReads.NARROW_BYTES, reads.get().length, "narrow again after the short read");
        }
    }

    /// Reads until `total` bytes are in, waiting a little after narrow reads so that the socket
    /// holds more than a wide read takes by the next one.
    private static List<Integer> readLengths(SocketReads reads, int total) throws InterruptedException {
        List<Integer> lengths = new ArrayList<>();
        for (int got = 0; got < total; ) {
            byte[] piece = reads.get();
            lengths.add(piece.length);
            got += piece.length;
            if (piece.length <= SocketReads.NARROW_BYTES) {
                Thread.sleep(20);
            }
        }
        return lengths;
    }

    @Test
    void noMoreWideReadsAtOnceThanAllowedAndEveryPlaceComesBack() throws Exception {
        var wideReads = new Semaphore(SocketReads.MAX_WIDE_WAITING);
        wideReads.acquire(SocketReads.MAX_WIDE_WAITING);
        try (var pair = Pair.open()) {
            var reads = new SocketReads(holding(new byte[] {'G'}), pair.server(), wideReads);
            reads.get();
            byte[] sent = randomBytes(600_000);
            var sending = pair.sendInBackground(sent, false);
            Thread.sleep(200);
            List<Integer> narrow = readLengths(reads, 300_000);
            assertTrue(narrow.stream().allMatch(n -> n <= SocketReads.NARROW_BYTES), "no place, no wide read: " + narrow);
            wideReads.release(SocketReads.MAX_WIDE_WAITING);
            int got = narrow.stream().mapToInt(Integer::intValue).sum();
            List<Integer> after = readLengths(reads, sent.length - got);
            sending.get(10, TimeUnit.SECONDS);
            assertTrue(after.stream().anyMatch(n -> n > SocketReads.NARROW_BYTES), "wide with places free: " + after);
            // The last read may have filled 64 KiB, which keeps its place until the connection ends.
            reads.connectionEnded();
            assertEquals(SocketReads.MAX_WIDE_WAITING, wideReads.availablePermits(), "each wide read gave its place back");
        }
    }

    /// Helidon's reader keeps the last array it was given while it waits for the next: an idle
    /// connection keeps at most a short wide read's last 1 KiB, not the read.
    @Test
    void aShortWideReadHandsItsLastBytesOutOnTheirOwn() throws Exception {
        var wideReads = new Semaphore(SocketReads.MAX_WIDE_WAITING);
        try (var pair = Pair.open()) {
            var reads = new SocketReads(holding(new byte[] {'G'}), pair.server(), wideReads);
            reads.get();
            byte[] sent = randomBytes(SocketReads.NARROW_BYTES + 30_000);
            pair.send(sent);
            Thread.sleep(200);
            var all = new ByteArrayOutputStream();
            byte[] narrow = reads.get();
            assertEquals(SocketReads.NARROW_BYTES, narrow.length, "a full narrow read: the next is wide");
            all.write(narrow);
            byte[] most = reads.get();
            assertEquals(30_000 - SocketReads.TAIL_BYTES, most.length);
            assertEquals(SocketReads.MAX_WIDE_WAITING - 1, wideReads.availablePermits(),
                    "the place is held while the read's larger piece may be the reader's last");
            all.write(most);
            // Handed out without reading the socket, which holds nothing more (a read would wait 10 s).
            byte[] tail = reads.get();
            assertEquals(SocketReads.TAIL_BYTES, tail.length);
            all.write(tail);
            assertArrayEquals(sent, all.toByteArray());
            assertEquals(SocketReads.MAX_WIDE_WAITING, wideReads.availablePermits(), "the tail out, the place back");
            // The next read is wide again (the last took more than 8 KiB); one no larger than a
            // tail comes whole.
            pair.send(new byte[700]);
            assertEquals(700, reads.get().length);
            assertEquals(SocketReads.MAX_WIDE_WAITING, wideReads.availablePermits());
        }
    }

    /// A wide read that filled its 64 KiB may be the last before a wait (a client pausing there):
    /// the connection keeps its place meanwhile, so that no more than `MAX_WIDE_WAITING`
    /// connections hold such an array, and gives it back when a read returns less, or at its end.
    @Test
    void aFullWideReadKeepsItsPlaceUntilAReadReturnsLessOrTheConnectionEnds() throws Exception {
        var wideReads = new Semaphore(SocketReads.MAX_WIDE_WAITING);
        try (var pair = Pair.open()) {
            var reads = new SocketReads(holding(new byte[] {'G'}), pair.server(), wideReads);
            reads.get();
            pair.send(randomBytes(SocketReads.NARROW_BYTES + SocketReads.WIDE_BYTES));
            Thread.sleep(200);
            assertEquals(SocketReads.NARROW_BYTES, reads.get().length);
            assertEquals(SocketReads.WIDE_BYTES, reads.get().length);
            assertEquals(SocketReads.MAX_WIDE_WAITING - 1, wideReads.availablePermits(), "a full read keeps its place");
            pair.send(new byte[100]);
            assertEquals(100, reads.get().length, "wide on the place it kept");
            assertEquals(SocketReads.MAX_WIDE_WAITING, wideReads.availablePermits(), "a short read gives it back");

            pair.send(randomBytes(SocketReads.NARROW_BYTES + SocketReads.WIDE_BYTES));
            Thread.sleep(200);
            reads.get();
            assertEquals(SocketReads.WIDE_BYTES, reads.get().length);
            assertEquals(SocketReads.MAX_WIDE_WAITING - 1, wideReads.availablePermits());
            reads.connectionEnded();
            reads.connectionEnded();
            assertEquals(SocketReads.MAX_WIDE_WAITING, wideReads.availablePermits(), "given back once at the end");
        }
    }

    @Test
    void aResetConnectionIsHelidonsServerConnectionExceptionAndGivesItsPlaceBack() throws Exception {
        var wideReads = new Semaphore(SocketReads.MAX_WIDE_WAITING);
        try (var pair = Pair.open()) {
            var reads = new SocketReads(holding(new byte[] {'G'}), pair.server(), wideReads);
            reads.get();
            pair.send(randomBytes(3 * SocketReads.NARROW_BYTES));
            Thread.sleep(100);
            assertEquals(SocketReads.NARROW_BYTES, reads.get().length, "a full narrow read: the next is wide");
            pair.client().setSoLinger(true, 0);
            pair.client().close();
            assertThrows(ServerConnectionException.class, () -> {
                // What arrived before the reset may still be read; the reset then fails the read.
                for (byte[] piece = reads.get(); piece != null; piece = reads.get()) {
                    assertTrue(piece.length > 0);
                }
            });
            assertEquals(SocketReads.MAX_WIDE_WAITING, wideReads.availablePermits(), "the failed read gave its place back");
        }
    }

    @Test
    void aLargeUploadWithTheNextRequestRightBehindItIsAnsweredByteForByte() throws Exception {
        byte[] csv = LARGE.bytes();
        byte[] probe = TestGateway.PROBE.bytes();
        var both = new ByteArrayOutputStream();
        both.write(head("1.1", csv.length));
        both.write(csv);
        both.write(head("1.1", probe.length));
        both.write(probe);
        try (var connection = RawConnection.open(gateway.port())) {
            // One write for both requests: a wide read takes the second's head with the first's tail.
            var sending = CompletableFuture.runAsync(() -> {
                try {
                    connection.send(both.toByteArray());
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            var first = connection.readHead();
            assertEquals(200, first.status());
            assertEquals(LARGE.ndjsonAll(), RawConnection.readAll(connection.body(first)));
            var second = connection.readHead();
            assertEquals(200, second.status());
            assertEquals(TestGateway.PROBE.ndjsonAll(), RawConnection.readAll(connection.body(second)));
            sending.get(10, TimeUnit.SECONDS);
        }
        gateway.assertStillServes();
    }

    @Test
    void anUploadThatPausesInTheMiddleIsAnsweredByteForByte() throws Exception {
        byte[] csv = LARGE.bytes();
        int cut = 300_000;
        try (var connection = RawConnection.open(gateway.port())) {
            var sending = CompletableFuture.runAsync(() -> {
                try {
                    connection.send(head("1.1", csv.length)).send(Arrays.copyOf(csv, cut));
                    // The gateway's read waits here, wide after the full reads before.
                    Thread.sleep(500);
                    connection.send(Arrays.copyOfRange(csv, cut, csv.length));
                } catch (IOException | InterruptedException e) {
                    throw new RuntimeException(e);
                }
            });
            var head = connection.readHead();
            assertEquals(200, head.status());
            assertEquals(LARGE.ndjsonAll(), RawConnection.readAll(connection.body(head)));
            sending.get(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLargeHttp10UploadIsAnsweredByteForByte() throws Exception {
        byte[] csv = LARGE.bytes();
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), gateway.port())) {
            socket.setSoTimeout(30_000);
            var sending = CompletableFuture.runAsync(() -> {
                try {
                    socket.getOutputStream().write(head("1.0", csv.length));
                    socket.getOutputStream().write(csv);
                    socket.getOutputStream().flush();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            sending.get(10, TimeUnit.SECONDS);
            int split = answer.indexOf("\r\n\r\n");
            assertEquals("200", answer.substring(9, 12), answer.substring(0, Math.min(200, answer.length())));
            assertEquals(LARGE.ndjsonAll(), answer.substring(split + 4), "no chunk framing, the rows byte for byte");
        }
    }

    private static byte[] head(String version, int length) {
        return ("POST /v1/validate?schema=people HTTP/" + version + "\r\nHost: 127.0.0.1\r\nContent-Type: text/csv\r\n"
                + "Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }
}
