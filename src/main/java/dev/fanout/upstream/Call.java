package dev.fanout.upstream;

/// The outcome of one HTTP call to an upstream, before it becomes a lookup's answer: `Upstream`
/// decides from it whether to retry, what the circuit breaker hears and which `lookup_*` code a
/// row gets.
sealed interface Call {
    /// The largest 2xx body kept for `enrich`; a bigger one is [BodyTooLarge] (lookups answer a
    /// few fields; a bigger body is refused rather than buffered).
    int MAX_BODY_BYTES = 1 << 20;
    /// An unneeded body up to this size is read and dropped to keep the connection; a bigger one
    /// costs more than a new connection, which it is closed for.
    int DISCARD_BYTES = 16 * 1024;
    /// The body of an answer whose body is not kept.
    byte[] NO_BODY = new byte[0];

    /// An answer with `status`; `body` is empty unless the status is 2xx and the lookup enriches.
    record Answered(int status, byte[] body) implements Call {
    }

    /// A 2xx whose body, needed for `enrich`, is over the 1 MiB limit: an answer, not retried.
    record BodyTooLarge() implements Call {
    }

    /// `connecting`: no connection within connect-timeout (retried, like other connection errors).
    record TimedOut(boolean connecting) implements Call {
    }

    /// `reason` is the exception's class, never its message: that may carry addresses.
    record ConnectionFailed(String reason) implements Call {
    }

    /// A kept connection that the upstream had closed while it sat idle (a reload, a keep-alive
    /// time-out under the pool's second): not a byte of an answer came, or only the `408` some
    /// servers send before such a close. A call like any other for the retries and
    /// `upstream.NAME`, but it says nothing of the upstream's health: the circuit is not told,
    /// and the retry goes at once, on a new connection.
    record StaleConnection(String reason) implements Call {
    }
}
