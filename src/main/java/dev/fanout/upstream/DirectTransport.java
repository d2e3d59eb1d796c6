package dev.fanout.upstream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.jspecify.annotations.Nullable;

/// An upstream reached without a proxy, over plain HTTP or HTTPS, the usual case: our own client
/// ([UpstreamConnection]) on keep-alive connections pooled by [ConnectionPool]; for `https`, each
/// connection over TLS with the JVM's trust store (`javax.net.ssl.trustStore` and the rest of the
/// JDK's settings), the certificate checked for the base URI's host. Each call's reads wait no
/// later than `timeout` after it began, and a watchdog closes a connection once its call is past
/// that deadline (checked every twentieth of `timeout`, 5 to 50 ms, on one platform thread that
/// also sweeps idle connections). The request head is built straight from bytes: `GET`, the ASCII
/// target, then a tail (version, `Host`, `Accept`) made once.
final class DirectTransport implements UpstreamTransport {
    private final UpstreamSettings settings;
    private final ConnectionPool pool;
    // One platform thread: the pool's sweep and its watchdog.
    private final ScheduledThreadPoolExecutor deadlines;
    // What follows the target in a request head: the version, Host and Accept.
    private final byte[] requestHeadTail;

    DirectTransport(UpstreamSettings settings) {
        this(settings, "https".equals(settings.baseUri().getScheme()) ? defaultTls() : null);
    }

    /// `tls`: the factory of the TLS connections, or null for plain HTTP (tests give their own).
    DirectTransport(UpstreamSettings settings, @Nullable SSLSocketFactory tls) {
        this.settings = settings;
        this.pool = new ConnectionPool(settings.baseUri().getHost(), UpstreamTransport.port(settings.baseUri()),
                (int) UpstreamTransport.connectMillis(settings), System::nanoTime, tls);
        this.requestHeadTail = (" HTTP/1.1\r\nHost: " + settings.baseUri().getRawAuthority()
                + "\r\nAccept: application/json\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        this.deadlines = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("upstream-" + settings.name() + "-deadlines").factory());
        deadlines.setRemoveOnCancelPolicy(true);
        every(ConnectionPool.MAX_IDLE.toMillis(), pool::sweep, "idle connection sweep");
        // Calls end at most a twentieth of their timeout (between 5 and 50 ms) after it.
        every(Math.clamp(settings.timeout().toMillis() / 20, 5, 50), pool::expireOverdue, "call deadline check");
    }

    private static SSLSocketFactory defaultTls() {
        try {
            return SSLContext.getDefault().getSocketFactory();
        } catch (NoSuchAlgorithmException e) {
            // The JDK always has a default context; a broken trust store setting shows here.
            throw new IllegalStateException("no TLS for HTTPS upstreams: " + e.getMessage(), e);
        }
    }

    /// Runs `task` on the deadline thread every `periodMillis`; a failed run is logged, and does
    /// not end the schedule (an uncaught exception would).
    private void every(long periodMillis, Runnable task, String what) {
        var _ = deadlines.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException | Error e) {
                System.getLogger(Upstream.class.getName()).log(System.Logger.Level.WARNING, what + " failed", e);
            }
        }, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    /// One GET with our own client on a pooled connection; its reads wait no later than
    /// `timeout` after `startNanos`.
    @Override
    public Call send(String target, boolean readBody, long startNanos) {
        byte[] request = requestHead(target);
        long deadlineNanos = startNanos + settings.timeout().toNanos();
        UpstreamConnection connection;
        try {
            connection = pool.take(deadlineNanos);
        } catch (IOException e) {
            return UpstreamTransport.classify(e);
        }
        try {
            Call call = call(connection, request, deadlineNanos, readBody);
            if (connection.answeredStale(call)) {
                // `call` gave it back to the pool or closed it: either way closed here.
                pool.closeIdle();
                return new Call.StaleConnection("the upstream had timed the kept connection out (HTTP 408)");
            }
            return call;
        } catch (IOException e) {
            // An interrupt (the caller gone) closes the socket under the read as well.
            if (connection.failedStale(e) && !Thread.currentThread().isInterrupted()) {
                // The connections idle beside it most likely went with it (a reload closes them all).
                pool.closeIdle();
                return new Call.StaleConnection(NetworkFailure.describe(e));
            }
            return UpstreamTransport.classify(e);
        }
    }

    /// One exchange on `connection`, which goes back to the pool if its answer leaves it reusable
    /// and is closed otherwise, a failure included.
    private Call call(UpstreamConnection connection, byte[] request, long deadlineNanos, boolean readBody)
            throws IOException {
        try {
            Call call = connection.get(request, deadlineNanos, readBody);
            if (connection.reusable()) {
                pool.release(connection);
            } else {
                connection.close();
            }
            return call;
        } catch (IOException | RuntimeException | Error e) {
            // Out of the pool and out of the watchdog's sight (the call is over): closed here or never.
            connection.close();
            throw e;
        }
    }

    // String.getBytes(int, int, byte[], int) is deprecated because it drops each char's high
    // byte; the target is ASCII by construction, and this copies it without an encoder.
    @SuppressWarnings("deprecation")
    private byte[] requestHead(String target) {
        byte[] head = new byte[4 + target.length() + requestHeadTail.length];
        head[0] = 'G';
        head[1] = 'E';
        head[2] = 'T';
        head[3] = ' ';
        // The target is ASCII (see RequestTarget).
        target.getBytes(0, target.length(), head, 4);
        System.arraycopy(requestHeadTail, 0, head, 4 + target.length(), requestHeadTail.length);
        return head;
    }

    /// The pool of connections (tests look into it).
    ConnectionPool pool() {
        return pool;
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        pool.close();
    }
}
