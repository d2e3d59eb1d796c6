package dev.fanout.bench;

/// Why a request of the load generator got no usable answer (an answer with a non-2xx status is
/// counted by its status instead).
public enum ErrorKind {
    /// The connection could not be opened (refused, unreachable, connect time-out excluded).
    CONNECT,
    /// No complete answer within the request time-out (connect time-out included).
    TIMEOUT,
    /// The server closed or reset the connection before the answer was complete.
    CLOSED,
    /// The answer broke HTTP/1.1, or a 2xx body was not complete NDJSON.
    MALFORMED;

    /// The lower-case name used in reports and JSON.
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
