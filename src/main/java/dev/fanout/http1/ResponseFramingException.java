package dev.fanout.http1;

/// A response that [ResponseFraming] cannot frame: not HTTP/1.x as RFC 9112 has it, over a
/// limit, or cut off by the end of the input. The [Reason] says which, for callers that map
/// failures to their own kinds; the message says where, for people. It carries no stack trace:
/// it is an answer about the peer's bytes, not a fault in our code.
public final class ResponseFramingException extends Exception {
    /// What was wrong with the response.
    public enum Reason {
        /// Not `HTTP/1.0` or `HTTP/1.1`, a space and a three-digit status from 100, then a space or the end.
        STATUS_LINE,
        /// A field line without a colon, with an empty name, or a name that is not a token.
        FIELD_LINE,
        /// An obsolete line folding at the start of the head or continuing a field that frames the body.
        FOLDED_FIELD,
        /// A `Content-Length` that is not 1 to 18 decimal digits.
        CONTENT_LENGTH,
        /// Two `Content-Length` values that differ.
        CONFLICTING_CONTENT_LENGTH,
        /// A line (status, field, chunk size or trailer) over the line limit.
        LINE_TOO_LONG,
        /// A head over the size limit.
        HEAD_TOO_LARGE,
        /// A trailer section over the size limit.
        TRAILERS_TOO_LARGE,
        /// A head or a trailer section with more field lines than the limit.
        TOO_MANY_FIELDS,
        /// A chunk size that is not 1 to 15 hex digits (optionally followed by spaces and extensions).
        CHUNK_SIZE,
        /// A chunk's data not followed by its line end.
        CHUNK_END,
        /// The input ended inside a head (the final one or an interim one).
        TRUNCATED_HEAD,
        /// The input ended inside body bytes: a `Content-Length` body or a chunk's data.
        TRUNCATED_BODY,
        /// The input ended inside the chunked coding's own lines: a chunk size, the line end
        /// after a chunk's data, or the trailer section.
        TRUNCATED_CHUNKS;

        /// Whether the input ended before the response was whole.
        public boolean truncated() {
            return this == TRUNCATED_HEAD || this == TRUNCATED_BODY || this == TRUNCATED_CHUNKS;
        }
    }

    private final Reason reason;

    ResponseFramingException(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
