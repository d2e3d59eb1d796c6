package dev.fanout.bench;

/// Why a request of the load generator got no usable answer (an answer with a non-2xx status is
/// counted by its status instead).
public enum ErrorKind {
    /// The connection could not be opened (refused, unreachable, connect time-out excluded).
    CONNECT,
    /// No complete answer within the request time-out (connect time-out included).
    TIMEOUT,
    /// The server closed the connection before the first byte of an answer (as when it closed an
    /// idle keep-alive connection), or reset it before the answer was complete.
    CLOSED,
    /// The answer broke HTTP/1.1 or ended before its framing said (a close in the middle of the
    /// head or the body), or a 2xx body was not complete NDJSON.
    MALFORMED;

    /// The lower-case name used in reports and JSON.
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
