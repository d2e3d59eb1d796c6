package dev.fanout.upstream;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/// What went wrong with an upstream's connection, in words a user reads in a row's error —
/// "connection refused", "connection reset by the upstream" — rather than the Java exception that
/// reported it: an answer never carries a class name. Our own response parser's failures
/// (`MalformedResponseException`, the `EOFException`s of a cut answer) already say what happened,
/// and keep their message.
final class NetworkFailure {
    private NetworkFailure() {
    }

    /// A short description of `failure` (or of the first I/O failure among its causes).
    static String describe(Throwable failure) {
        Throwable io = failure;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.io.IOException) {
                io = t;
                break;
            }
        }
        String message = io.getMessage() == null ? "" : io.getMessage().toLowerCase(Locale.ROOT);
        return switch (io) {
            case UpstreamConnection.MalformedResponseException e -> "its answer was not valid HTTP/1.1: " + e.getMessage();
            case EOFException _ when !message.isEmpty() -> io.getMessage();
            case EOFException _ -> "the upstream closed the connection before answering";
            case ConnectException _ when message.contains("timed out") -> "the connection attempt timed out";
            case ConnectException _ -> "connection refused";
            case NoRouteToHostException _ -> "no route to host";
            case PortUnreachableException _ -> "port unreachable";
            case UnknownHostException _ -> "unknown host" + (message.isEmpty() ? "" : " '" + io.getMessage() + "'");
            case SSLException _ -> "the TLS handshake or session failed";
            case SocketException _ when message.contains("reset") -> "connection reset by the upstream";
            case SocketException _ when message.contains("broken pipe") ->
                    "the upstream closed the connection while the request was being sent";
            case SocketException _ when message.contains("closed") -> "the connection was closed";
            case SocketException _ when message.contains("network is unreachable") -> "network unreachable";
            default -> "a network error" + (failure.getMessage() == null || mentionsJava(failure.getMessage()) ? ""
                    : ": " + failure.getMessage().toLowerCase(Locale.ROOT));
        };
    }

    /// A failure of Helidon's client that is not I/O: how it says the upstream's answer is not
    /// HTTP/1.1, in the words our own parser's failures get (its message, unless it would show
    /// our stack).
    static String notHttp(RuntimeException failure) {
        String message = failure.getMessage();
        return "its answer was not valid HTTP/1.1" + (message == null || mentionsJava(message) ? ""
                : ": " + message.toLowerCase(Locale.ROOT));
    }

    /// Whether a message would show our stack: a class name, a package.
    private static boolean mentionsJava(String message) {
        return message.contains("Exception") || message.contains("java.") || message.contains("io.helidon")
                || message.contains("dev.fanout");
    }
}
