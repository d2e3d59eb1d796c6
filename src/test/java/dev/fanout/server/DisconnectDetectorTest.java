package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

/// `DisconnectDetector` on real loopback connections: a reset is noticed within a few periods; a
/// live connection, and one whose client only shut its sending side, never are.
class DisconnectDetectorTest {
    @BeforeAll
    static void linuxOnly() {
        Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "the kernel's TCP tables are Linux's");
    }

    /// A connected pair: `client`, and the server's end `accepted`.
    private record Pair(Socket client, Socket accepted) implements AutoCloseable {
        static Pair open(ServerSocket listener) throws Exception {
            var client = new Socket("127.0.0.1", listener.getLocalPort());
            return new Pair(client, listener.accept());
        }

        InetSocketAddress server() {
            return (InetSocketAddress) accepted.getLocalSocketAddress();
        }

        InetSocketAddress remote() {
            return (InetSocketAddress) accepted.getRemoteSocketAddress();
        }

        @Override
        public void close() throws IOException {
            client.close();
            accepted.close();
        }
    }

    @Test
    void keysAreWrittenAsTheKernelsTablesPrintThem() {
        Assumptions.assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the keys below are a little-endian machine's");
        // 127.0.0.1 is the word 0x7F000001, printed in the machine's byte order;
        // ports in four upper-case hex digits; an IPv4 pair also as IPv4-mapped IPv6 (tcp6).
        var keys = DisconnectDetector.procKeys(new InetSocketAddress("127.0.0.1", 8080), new InetSocketAddress("127.0.0.1", 10));
        assertTrue(keys.contains("0100007F:1F90 0100007F:000A"), keys.toString());
        assertTrue(keys.contains("0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:000A"), keys.toString());
    }

    @Test
    void aResetIsNoticedAndALiveConnectionIsNot() throws Exception {
        try (var detector = new DisconnectDetector(); var listener = new ServerSocket(0, 10,
                java.net.InetAddress.getLoopbackAddress()); var live = Pair.open(listener); var reset = Pair.open(listener)) {
            assertTrue(detector.available());
            var liveGone = new CountDownLatch(1);
            var resetGone = new CountDownLatch(1);
            try (var _ = detector.watch(live.server(), live.remote(), liveGone::countDown);
                    var _ = detector.watch(reset.server(), reset.remote(), resetGone::countDown)) {
                // Unread data on the server's side, as under a stalled upload.
                reset.client().getOutputStream().write(new byte[100_000]);
                reset.client().setSoLinger(true, 0);
                long start = System.nanoTime();
                reset.client().close();
                assertTrue(resetGone.await(2, TimeUnit.SECONDS), "the reset was noticed");
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                assertTrue(millis < 1000, "noticed after " + millis + " ms");
                assertFalse(liveGone.await(500, TimeUnit.MILLISECONDS), "a live connection is not taken for gone");
            }
        }
    }

    @Test
    void noticingGoesOnAfterAnActionFails() throws Exception {
        try (var detector = new DisconnectDetector(); var listener = new ServerSocket(0, 10,
                java.net.InetAddress.getLoopbackAddress()); var first = Pair.open(listener); var second = Pair.open(listener)) {
            var firstGone = new CountDownLatch(1);
            var secondGone = new CountDownLatch(1);
            try (var _ = detector.watch(first.server(), first.remote(), () -> {
                firstGone.countDown();
                throw new AssertionError("an action's error (expected by the test)");
            })) {
                first.client().setSoLinger(true, 0);
                first.client().close();
                assertTrue(firstGone.await(2, TimeUnit.SECONDS), "the first reset was noticed");
            }
            try (var _ = detector.watch(second.server(), second.remote(), secondGone::countDown)) {
                second.client().setSoLinger(true, 0);
                second.client().close();
                assertTrue(secondGone.await(2, TimeUnit.SECONDS), "a reset after the failed action is noticed too");
            }
        }
    }

    @Test
    void aHalfClosedClientIsStillThereAndItsResetIsNoticed() throws Exception {
        try (var detector = new DisconnectDetector(); var listener = new ServerSocket(0, 10,
                java.net.InetAddress.getLoopbackAddress()); var pair = Pair.open(listener)) {
            var gone = new CountDownLatch(1);
            try (var _ = detector.watch(pair.server(), pair.remote(), gone::countDown)) {
                pair.client().shutdownOutput();
                assertFalse(gone.await(600, TimeUnit.MILLISECONDS), "a client that shut its sending side still reads");
                pair.client().setSoLinger(true, 0);
                pair.client().close();
                assertTrue(gone.await(2, TimeUnit.SECONDS), "a reset after the half-close is noticed");
            }
        }
    }

    @Test
    void aClosedWatchRunsNothing() throws Exception {
        try (var detector = new DisconnectDetector(); var listener = new ServerSocket(0, 10,
                java.net.InetAddress.getLoopbackAddress()); var pair = Pair.open(listener)) {
            var gone = new CountDownLatch(1);
            detector.watch(pair.server(), pair.remote(), gone::countDown).close();
            pair.client().setSoLinger(true, 0);
            pair.client().close();
            assertFalse(gone.await(600, TimeUnit.MILLISECONDS));
        }
    }
}
