package dev.fanout.upstream;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.uri.UriInfo;
import io.helidon.common.uri.UriPath;
import io.helidon.common.uri.UriQuery;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.ClientUri;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/// Proxied upstreams: Helidon's HTTP/1.1 client, with its own connection cache (a connection per
/// permit, closed with the upstream). Helidon's read time-out bounds one read, not a call, so each
/// call also has a [Deadline] on a timer thread that interrupts the calling thread when `timeout`
/// passes; the interrupt closes the connection and the blocked read fails. A small unneeded body
/// is read to its end so that the connection can be reused.
///
/// Helidon reads some answers otherwise than our own client (`HelidonTransportTest` runs the
/// shared table of answers through both): it refuses LF-only lines, folded fields and
/// close-delimited bodies, prefers `Content-Length` to a chunked coding, and takes an interim
/// `1xx` answer for the answer itself, leaving the final one on the connection for the next call.
/// That is why only proxied upstreams, which our client does not speak to, come here.
final class HelidonTransport implements UpstreamTransport {
    private static final String CUT_SHORT = "the upstream closed the connection before the answer was complete";
    private final UpstreamSettings settings;
    private final Http1Client client;
    // One platform thread: the deadlines of calls.
    private final ScheduledThreadPoolExecutor deadlines;

    /// `direct`: calls go to the base URI without asking the JVM's proxy settings (tests; the
    /// gateway makes this transport for proxied upstreams only).
    HelidonTransport(UpstreamSettings settings, boolean direct) {
        this.settings = settings;
        var config = WebClient.builder()
                .connectTimeout(Duration.ofMillis(UpstreamTransport.connectMillis(settings)))
                .readTimeout(settings.timeout())
                .followRedirects(false)
                .keepAlive(true)
                // Our own cache, closed with this upstream, holding a connection per permit.
                .shareConnectionCache(false)
                .connectionCacheSize(settings.maxConcurrency())
                // A GET is one small write: unbuffered, it goes to the socket as it is. Buffered,
                // Helidon copies it through a scratch array as large as the buffer (4 KiB) per call.
                .writeBufferSize(0)
                .servicesDiscoverServices(false);
        if (direct) {
            // Helidon's default proxy setting asks the JVM's ProxySelector on every request (a
            // URI parse and host matching, ~5 % of the gateway's CPU under load); its answer
            // depends on the base URI only, so it is asked once, here.
            config.proxy(Proxy.noProxy());
        }
        WebClient webClient = config.build();
        this.client = webClient.client(Http1Client.PROTOCOL);
        this.deadlines = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("upstream-" + settings.name() + "-deadlines").factory());
        deadlines.setRemoveOnCancelPolicy(true);
    }

    /// One GET with Helidon's client (HTTPS or a proxy), under an overall deadline that
    /// interrupts the calling thread.
    @Override
    public Call send(String target, boolean readBody, long startNanos) {
        URI uri = URI.create(settings.baseUri().getScheme() + "://" + settings.baseUri().getRawAuthority() + target);
        Http1ClientRequest request = client.get().uri(clientUri(uri)).header(HeaderNames.ACCEPT, "application/json");
        Deadline deadline = new Deadline(Thread.currentThread());
        ScheduledFuture<?> timer = deadlines.schedule(deadline, settings.timeout().toNanos(), TimeUnit.NANOSECONDS);
        Call call;
        try {
            call = exchange(request, readBody);
        } catch (UncheckedIOException | IOException e) {
            call = UpstreamTransport.classify(e);
        } catch (IllegalStateException | IllegalArgumentException | DataReader.InsufficientDataAvailableException
                | DataReader.IncorrectNewLineException e) {
            // How Helidon says that the upstream's bytes are not HTTP/1.1 or end too soon (its
            // status-line, header and chunk parsers, its reader at the end of the stream), and how
            // it wraps some socket failures: the upstream's failure either way, retried and
            // reported in the row as our own client's are, not a bug to end the whole answer with.
            call = causedByIo(e) ? UpstreamTransport.classify(e)
                    : new Call.ConnectionFailed(e instanceof DataReader.InsufficientDataAvailableException
                            ? CUT_SHORT : NetworkFailure.notHttp(e));
        } catch (RuntimeException e) {
            if (causedByIo(e)) {
                // Helidon wraps socket failures of its read loop in its own unchecked exceptions.
                call = UpstreamTransport.classify(e);
            } else if (!deadline.finish() && !Thread.currentThread().isInterrupted()) {
                throw new IllegalStateException("GET " + uri + " failed unexpectedly", e);
            } else {
                call = new Call.ConnectionFailed(NetworkFailure.describe(e));
            }
        } finally {
            // Also when an `Error` passes: a deadline left running would interrupt the thread later.
            timer.cancel(false);
        }
        if (deadline.finish()) {
            // The deadline interrupted us (and so closed the connection): clear its interrupt. An
            // answer read in full before the interrupt landed still counts.
            Thread.interrupted();
            if (!(call instanceof Call.Answered)) {
                call = new Call.TimedOut(false);
            }
        }
        return call;
    }

    /// Sends `request`. The body is kept only when `readBody` and the status is 2xx.
    private Call exchange(Http1ClientRequest request, boolean readBody) throws IOException {
        try (HttpClientResponse response = request.request()) {
            int status = response.status().code();
            if (!readBody || status < 200 || status >= 300) {
                discard(response);
                return new Call.Answered(status, Call.NO_BODY);
            }
            OptionalLong contentLength = response.headers().contentLength();
            if (contentLength.orElse(0) > Call.MAX_BODY_BYTES) {
                // Closing an unread response closes its connection.
                return new Call.BodyTooLarge();
            }
            // Read to its length, not with readNBytes(Call.MAX_BODY_BYTES + 1): that takes a 16 KiB
            // scratch array, and Helidon another per read, for a body of a few dozen bytes (at
            // thousands of calls a second, 4 times the gateway's garbage).
            try (InputStream in = response.inputStream()) {
                if (contentLength.isPresent()) {
                    int length = (int) contentLength.getAsLong();
                    byte[] body = in.readNBytes(length);
                    // readNBytes stops at the end of the stream: a body cut short is not an answer.
                    return body.length == length ? new Call.Answered(status, body)
                            : new Call.ConnectionFailed(CUT_SHORT);
                }
                byte[] body = readUpToLimit(in);
                return body == null ? new Call.BodyTooLarge() : new Call.Answered(status, body);
            }
        }
    }

    /// Reads a small body nobody needs to its end, so that the connection can be reused. Helidon
    /// would skip it only if it had all arrived with the head, and otherwise close the connection;
    /// a larger or chunked one is left to it (not worth reading for a connection).
    private static void discard(HttpClientResponse response) throws IOException {
        long length = response.headers().contentLength().orElse(Long.MAX_VALUE);
        if (length > 0 && length <= Call.DISCARD_BYTES) {
            try (InputStream in = response.inputStream()) {
                in.readNBytes((int) length);
            }
        }
    }

    /// A body without a `Content-Length` (chunked), or null once it exceeds [Call#MAX_BODY_BYTES].
    private static byte[] readUpToLimit(InputStream in) throws IOException {
        var body = new ByteArrayOutputStream(256);
        byte[] buffer = new byte[1024];
        int n;
        while ((n = in.read(buffer)) != -1) {
            body.write(buffer, 0, n);
            if (body.size() > Call.MAX_BODY_BYTES) {
                return null;
            }
        }
        return body.toByteArray();
    }

    /// `uri` as Helidon's URI, its path and query kept exactly as encoded: `ClientUri.create(URI)`
    /// would take the decoded path, turning an encoded `/` in a value back into a separator.
    private static ClientUri clientUri(URI uri) {
        return ClientUri.create(UriInfo.builder()
                .scheme(uri.getScheme())
                .host(uri.getHost())
                .port(UpstreamTransport.port(uri))
                .path(UriPath.create(uri.getRawPath()))
                .query(uri.getRawQuery() == null ? UriQuery.empty() : UriQuery.create(uri.getRawQuery()))
                .build());
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        deadlines.shutdownNow();
        client.closeResource();
    }

    /// The overall deadline of one call: when it fires first, it interrupts the calling thread,
    /// whose blocked socket operation then fails (and its connection is closed).
    private static final class Deadline implements Runnable {
        private final Thread caller;
        private boolean finished;
        private boolean fired;

        Deadline(Thread caller) {
            this.caller = caller;
        }

        @Override
        public synchronized void run() {
            if (!finished) {
                fired = true;
                finished = true;
                caller.interrupt();
            }
        }

        /// Ends the race with the timer; true when the deadline fired (its interrupt is delivered).
        synchronized boolean finish() {
            finished = true;
            return fired;
        }
    }
}
