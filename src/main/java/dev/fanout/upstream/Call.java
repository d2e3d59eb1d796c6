package dev.fanout.upstream;

/// The outcome of one HTTP call to an upstream, before it becomes a lookup's answer: `Upstream`
/// decides from it whether to retry, what the circuit breaker hears and which `lookup_*` code a
/// row gets.
sealed interface Call {
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
}
