package dev.fanout.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/// Notices that a client has gone — reset or closed its connection — while nothing reads or
/// writes that connection: a validation whose rows wait on slow upstream lookups stops reading the
/// upload (the engine's bounded pipeline is full) and has nothing new to write, so the socket
/// would not report the reset until the rows ahead were done, and their lookups would go on
/// calling upstreams for a client that is gone.
///
/// Java gives no way to ask a socket for its state without reading or writing it; Linux lists every
/// TCP connection in `/proc/net/tcp` and `/proc/net/tcp6`, and a connection the peer has reset
/// leaves those tables. So one shared thread reads them every `PERIOD_MILLIS` while anything is
/// watched, and a watched connection missing from `MISSES_TO_GONE` reads in a row is gone (one
/// read may miss an entry while the table changes under it). A client that closes without a reset
/// (a FIN) cannot be told this way from one that only shut its sending side after its upload and
/// still reads the answer (both leave our end in `CLOSE_WAIT`), so it is not taken for gone: the
/// gateway notices it when it next reads or writes. A client killed with unread bytes from us, or
/// that aborts, resets. Where the tables cannot be read (not Linux), nothing is detected and the
/// socket's own errors remain the signal.
///
/// Watching costs one map entry per watched request; nothing is read while none is. Thread-safe.
final class DisconnectDetector implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DisconnectDetector.class.getName());
    static final int PERIOD_MILLIS = 100;
    static final int MISSES_TO_GONE = 2;
    private static final Path TCP4 = Path.of("/proc/net/tcp");
    private static final Path TCP6 = Path.of("/proc/net/tcp6");
    private static final HexFormat UPPER_HEX = HexFormat.of().withUpperCase();

    private final Set<Watch> watches = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService checker;
    private final boolean available;

    DisconnectDetector() {
        this.available = Files.isReadable(TCP4);
        if (!available) {
            LOG.log(Level.INFO, "/proc/net/tcp cannot be read: a client that goes away is noticed only when its"
                    + " connection is next read or written");
        }
        this.checker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("fanout-disconnects").factory());
        var _ = checker.scheduleWithFixedDelay(this::checkNow, PERIOD_MILLIS, PERIOD_MILLIS, TimeUnit.MILLISECONDS);
    }

    // A scheduled task that throws is never run again: no client that goes away would be noticed
    // for the rest of the process, with nothing logged.
    private void checkNow() {
        try {
            check();
        } catch (RuntimeException | Error e) {
            LOG.log(Level.ERROR, "a disconnect check failed; the next one runs as planned", e);
        }
    }

    /// Watches the connection from `remote` to `local` (as the server sees it); `gone` runs once,
    /// on the detector's thread, when the connection has left the kernel's tables. Close the watch
    /// when the request is over.
    Watch watch(InetSocketAddress local, InetSocketAddress remote, Runnable gone) {
        var watch = new Watch(procKeys(local, remote), gone);
        if (available) {
            watches.add(watch);
        }
        return watch;
    }

    /// One watched connection: its keys as the kernel's tables print them (IPv4 and, for IPv4
    /// reached through an IPv6 socket, the mapped form).
    final class Watch implements AutoCloseable {
        private final Set<String> keys;
        private final Runnable gone;
        private final AtomicBoolean fired = new AtomicBoolean();
        private int misses;

        private Watch(Set<String> keys, Runnable gone) {
            this.keys = keys;
            this.gone = gone;
        }

        @Override
        public void close() {
            watches.remove(this);
        }
    }

    @SuppressWarnings("ModifyCollectionInEnhancedForLoop") // a concurrent collection: removing while iterating is allowed
    private void check() {
        if (watches.isEmpty()) {
            return;
        }
        Set<String> wanted = new HashSet<>();
        for (Watch watch : watches) {
            wanted.addAll(watch.keys);
        }
        Set<String> present;
        try {
            present = present(wanted);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.DEBUG, "could not read the kernel's TCP tables", e);
            return;
        }
        for (Watch watch : watches) {
            boolean listed = false;
            for (String key : watch.keys) {
                listed |= present.contains(key);
            }
            watch.misses = listed ? 0 : watch.misses + 1;
            if (watch.misses >= MISSES_TO_GONE && watch.fired.compareAndSet(false, true)) {
                watches.remove(watch);
                try {
                    watch.gone.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "stopping the work of a client that went away failed", e);
                }
            }
        }
    }

    /// Which of `wanted` the tables list, in a state where the client may still send or read
    /// (established, or half-closed by the client).
    private static Set<String> present(Set<String> wanted) throws IOException {
        Set<String> present = new HashSet<>();
        for (Path table : new Path[] {TCP4, TCP6}) {
            if (!Files.isReadable(table)) {
                continue;
            }
            try (BufferedReader lines = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
                lines.readLine(); // the column titles
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    String[] fields = line.trim().split("\\s+", 5);
                    if (fields.length < 4) {
                        continue;
                    }
                    String key = fields[1] + " " + fields[2];
                    // 01 ESTABLISHED, 08 CLOSE_WAIT (the client shut its sending side down).
                    if (wanted.contains(key) && (fields[3].equals("01") || fields[3].equals("08"))) {
                        present.add(key);
                    }
                }
            }
        }
        return present;
    }

    /// The keys of a connection as `/proc/net/tcp{,6}` print it: `LOCAL:PORT REMOTE:PORT`, each
    /// address as 32-bit words in the machine's byte order, in hex.
    static Set<String> procKeys(InetSocketAddress local, InetSocketAddress remote) {
        Set<String> keys = new HashSet<>();
        byte[] l = local.getAddress().getAddress();
        byte[] r = remote.getAddress().getAddress();
        keys.add(proc(l, local.getPort()) + " " + proc(r, remote.getPort()));
        if (l.length == 4 && r.length == 4) {
            keys.add(proc(mapped(l), local.getPort()) + " " + proc(mapped(r), remote.getPort()));
        }
        return keys;
    }

    private static byte[] mapped(byte[] ipv4) {
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(ipv4, 0, v6, 12, 4);
        return v6;
    }

    private static String proc(byte[] address, int port) {
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        var hex = new StringBuilder(address.length * 2 + 5);
        for (int word = 0; word < address.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                UPPER_HEX.toHexDigits(hex, address[word + (little ? 3 - i : i)]);
            }
        }
        // A port in four digits, as the tables print it.
        return hex.append(':').append(UPPER_HEX.toHexDigits((short) port)).toString();
    }

    /// Whether the kernel's tables can be read here (Linux).
    boolean available() {
        return available;
    }

    @Override
    public void close() {
        checker.shutdownNow();
        watches.clear();
    }
}
