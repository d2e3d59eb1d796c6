package dev.fanout.bench;

import java.net.InetSocketAddress;
import java.net.URI;

/// What the load generator needs to know of a target URL: where to connect, what to put in the
/// request line and the `Host` header, and the base URL of the same server (for `/v1/stats`).
/// Only plain `http` URLs are accepted: the generator speaks HTTP/1.1 over its own sockets.
final class Target {
    private Target() {
    }

    /// Throws `IllegalArgumentException` unless `url` is an absolute `http` URL with a host.
    static void check(URI url) {
        if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
            throw new IllegalArgumentException("--url must be an http://host[:port]/path URL, not '" + url + "'");
        }
    }

    static InetSocketAddress address(URI url) {
        return new InetSocketAddress(url.getHost(), port(url));
    }

    static String requestTarget(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    static String hostHeader(URI url) {
        return url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
    }

    /// `http://host:port` of `url`, without path or query.
    static URI base(URI url) {
        return URI.create("http://" + hostHeader(url));
    }

    private static int port(URI url) {
        return url.getPort() < 0 ? 80 : url.getPort();
    }
}
