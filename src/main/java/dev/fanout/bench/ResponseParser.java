package dev.fanout.bench;

import dev.fanout.http1.ResponseFraming;
import dev.fanout.http1.ResponseFramingException;

/// Reads one HTTP/1.1 answer from bytes pushed in as they arrive, framed by the shared
/// [ResponseFraming] (status line, fields, a body by `Content-Length`, chunked or to the close,
/// interim `1xx` answers skipped), and hands a 2xx body to an [NdjsonCheck] when asked to. Push,
/// not pull, so that one event-loop thread can read hundreds of connections; nothing of the body
/// is kept.
///
/// One instance serves one connection, answer after answer ([#reset]); not thread-safe.
final class ResponseParser {
    // Lines up to 16 KiB, as this parser took before it shared its framing with the upstream client.
    private static final ResponseFraming.Limits LIMITS = new ResponseFraming.Limits(16 << 10, ResponseFraming.Limits.DEFAULT.headBytes(), ResponseFraming.Limits.DEFAULT.fields());

    private final boolean verify;
    private final boolean expectSummary;
    private final ResponseFraming framing = new ResponseFraming(LIMITS);
    private boolean done;
    private NdjsonCheck check;

    ResponseParser(boolean verify, boolean expectSummary) {
        this.verify = verify;
        this.expectSummary = expectSummary;
        reset();
    }

    /// Gets ready for the next answer on the connection.
    void reset() {
        framing.reset(false);
        done = false;
        check = null;
    }

    /// Whether any byte of the current answer has arrived.
    boolean started() {
        return framing.started();
    }

    boolean done() {
        return done;
    }

    int status() {
        return framing.status();
    }

    /// The answer's `Retry-After` in seconds, or -1 when it has none in that form (an HTTP date
    /// is not read: a client then waits its own back-off).
    int retryAfterSeconds() {
        return framing.retryAfterSeconds();
    }

    /// Whether the connection cannot carry another request after this answer.
    boolean closeAfter() {
        return !framing.keepAlive();
    }

    /// Takes bytes `[offset, end)` of `bytes`; returns how many it used (fewer than offered only
    /// once the answer is complete: the rest belongs to no request and is a protocol error).
    int feed(byte[] bytes, int offset, int end) throws ExchangeFailure {
        int i = offset;
        try {
            while (!done) {
                switch (framing.feed(bytes, i, end)) {
                    case MORE -> {
                        return end - offset;
                    }
                    case HEAD -> {
                        int status = framing.status();
                        check = verify && status >= 200 && status < 300 ? new NdjsonCheck(expectSummary) : null;
                    }
                    case BODY -> {
                        if (check != null) {
                            check.feed(bytes, framing.bodyStart(), framing.position() - framing.bodyStart());
                        }
                    }
                    case COMPLETE -> finishBody();
                }
                i = framing.position();
            }
        } catch (ResponseFramingException e) {
            throw malformed(e.getMessage());
        }
        return i - offset;
    }

    /// The server closed the connection: ends a body that runs to the close, or throws.
    void endOfStream() throws ExchangeFailure {
        boolean complete;
        try {
            complete = framing.endOfInput();
        } catch (ResponseFramingException e) {
            throw malformed(e.getMessage());
        }
        if (!complete) {
            // Not a byte of an answer: typically a keep-alive connection the server closed idle.
            throw new ExchangeFailure(ErrorKind.CLOSED, "the server closed the connection");
        }
        finishBody();
    }

    private void finishBody() throws ExchangeFailure {
        done = true;
        if (check != null) {
            String problem = check.finish();
            check = null;
            if (problem != null) {
                throw malformed(problem);
            }
        }
    }

    private static ExchangeFailure malformed(String message) {
        return new ExchangeFailure(ErrorKind.MALFORMED, message);
    }
}
