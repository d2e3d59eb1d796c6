package dev.fanout.http1;

import dev.fanout.http1.ResponseFramingException.Reason;
import java.nio.charset.StandardCharsets;

/// The framing of HTTP/1.1 responses on one connection, as a push state machine: the caller
/// feeds it the bytes it has ([#feed]) and is told, one [Event] per call, where the head ends,
/// which bytes are body and where the response ends; [#endOfInput()] when the peer closes. It
/// copies head lines into its own line buffer and keeps nothing of a body, so a non-blocking
/// reader drives it straight from its read buffer and a blocking one in a loop of read, feed.
///
/// What it reads (RFC 9112, RFC 9110): a status line `HTTP/1.0` or `HTTP/1.1`, a space, three
/// digits from 100, then a space and a reason or nothing; lines ending in CR LF or a bare LF;
/// field lines `name: value` with a token name and the value's surrounding spaces and tabs
/// dropped, names compared ignoring ASCII case. It interprets `Content-Length` (equal
/// duplicates allowed, differing ones an error), `Transfer-Encoding` (chunked only when its last
/// coding is `chunked`; another last coding means the body runs to the close), `Connection`
/// (`close` and `keep-alive` as tokens of a list; HTTP/1.0 closes unless `keep-alive`) and a
/// `Retry-After` in seconds. Interim `1xx` responses (not `101`) are skipped; `101`, `204`,
/// `304` and the answer to a `HEAD` ([#reset(boolean)]) have no body. With both
/// `Transfer-Encoding` and `Content-Length` the coding wins and the connection is not reused
/// (RFC 9112 section 6.3: a possible smuggling attempt). An obsolete line folding of a field it
/// does not interpret is skipped (its value changes nothing here); one at the start of the head
/// or continuing a field it interprets is an error. Chunk extensions and trailer fields are
/// skipped, within the limits. Everything else malformed, over a [Limits] bound, or cut off is a
/// [ResponseFramingException] with its [Reason].
///
/// One class though over 400 lines: every part of a response (head, length body, chunks,
/// trailers) is a state of one machine sharing one line buffer, one position and one set of
/// limits' counters; the line grammar itself is [HeadSyntax]'s.
///
/// One instance serves one connection, response after response; not thread-safe.
public final class ResponseFraming {
    /// What one [#feed] call found.
    public enum Event {
        /// Every byte offered was taken and the response is not complete: feed more.
        MORE,
        /// The final head is complete ([#status()] and the framing are known); body bytes follow.
        HEAD,
        /// The bytes from [#bodyStart()] up to [#position()] of the array fed are body (at least one).
        BODY,
        /// The response is complete; bytes from [#position()] on belong to no response.
        COMPLETE
    }

    /// The bounds on what a peer can make this keep or count. `lineBytes` bounds one line (status,
    /// field, chunk size, trailer) without its LF; `headBytes` a whole head or trailer section;
    /// `fields` the field lines in one.
    public record Limits(int lineBytes, int headBytes, int fields) {
        /// 8 KiB lines, 64 KiB heads, 2,048 field lines (a 64 KiB head of ordinary 37-byte lines has 1,770).
        public static final Limits DEFAULT = new Limits(8 * 1024, 64 * 1024, 2048);

        public Limits {
            if (lineBytes < 64 || headBytes < lineBytes || fields < 1) {
                throw new IllegalArgumentException("limits too small: " + lineBytes + ", " + headBytes + ", " + fields);
            }
        }
    }

    private enum Part { STATUS, FIELDS, LENGTH_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, CLOSE_BODY, END, DONE }

    private final Limits limits;
    private final byte[] line;
    private int lineLength;
    private Part part;
    private boolean headRequest;
    private boolean started;
    private int position;
    private int bodyStart;
    // The head (or trailer section) being read.
    private int sectionBytes;
    private int fieldLines;
    // Whether the last field line was one read here (a folded line would extend it).
    private boolean interpreted;
    private int status;
    private boolean http10;
    private long contentLength;
    private boolean transferEncoding;
    private boolean chunked;
    private boolean closeToken;
    private boolean keepAliveToken;
    private int retryAfterSeconds;
    private boolean keepAlive;
    private boolean closeDelimited;
    private long left;

    /// A framing with `limits`, ready for the first response ([#reset(boolean)] not needed).
    public ResponseFraming(Limits limits) {
        this.limits = limits;
        this.line = new byte[limits.lineBytes()];
        reset(false);
    }

    /// Gets ready for the next response on the connection; `headRequest` when it answers a `HEAD`
    /// (so has no body whatever its fields say).
    public void reset(boolean headRequest) {
        this.headRequest = headRequest;
        part = Part.STATUS;
        lineLength = 0;
        started = false;
        position = 0;
        bodyStart = 0;
        retryAfterSeconds = -1;
        startHead();
    }

    private void startHead() {
        sectionBytes = 0;
        fieldLines = 0;
        interpreted = false;
        status = 0;
        http10 = false;
        contentLength = -1;
        transferEncoding = false;
        chunked = false;
        closeToken = false;
        keepAliveToken = false;
        keepAlive = false;
        closeDelimited = false;
    }

    /// Takes bytes from `bytes[from, end)` up to the next event; [#position()] is then where it
    /// stopped (`end` for [Event#MORE]). Feeding an empty range is allowed: it reports a
    /// complete response that needs no more bytes (as after a bodiless head).
    ///
    /// @throws ResponseFramingException when the bytes are not a response this reads
    public Event feed(byte[] bytes, int from, int end) throws ResponseFramingException {
        int i = from;
        if (end > from) {
            started = true;
        }
        while (true) {
            switch (part) {
                case STATUS, FIELDS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    int newline = -1;
                    for (int j = i; j < end; j++) {
                        if (bytes[j] == '\n') {
                            newline = j;
                            break;
                        }
                    }
                    int stop = newline < 0 ? end : newline;
                    if (lineLength + (stop - i) > line.length) {
                        throw new ResponseFramingException(Reason.LINE_TOO_LONG, "a line of the answer is over " + line.length + " bytes");
                    }
                    System.arraycopy(bytes, i, line, lineLength, stop - i);
                    lineLength += stop - i;
                    if (newline < 0) {
                        position = end;
                        return Event.MORE;
                    }
                    i = newline + 1;
                    int withEnd = lineLength + 1;
                    int length = lineLength > 0 && line[lineLength - 1] == '\r' ? lineLength - 1 : lineLength;
                    lineLength = 0;
                    Event event = onLine(length, withEnd);
                    if (event != null) {
                        position = i;
                        return event;
                    }
                }
                case LENGTH_BODY, CHUNK_DATA -> {
                    if (i == end) {
                        position = end;
                        return Event.MORE;
                    }
                    int n = (int) Math.min(left, end - i);
                    bodyStart = i;
                    left -= n;
                    if (left == 0) {
                        part = part == Part.LENGTH_BODY ? Part.END : Part.CHUNK_END;
                    }
                    position = i + n;
                    return Event.BODY;
                }
                case CLOSE_BODY -> {
                    bodyStart = i;
                    position = end;
                    return i == end ? Event.MORE : Event.BODY;
                }
                case END, DONE -> {
                    part = Part.DONE;
                    position = i;
                    return Event.COMPLETE;
                }
                default -> throw new IllegalStateException("part " + part);
            }
        }
    }

    /// The peer closed the connection after the bytes fed so far: completes a body that runs to
    /// the close; returns whether the response is complete (false only when nothing of it came).
    ///
    /// @throws ResponseFramingException (a [truncated][Reason#truncated()] reason) when the response was cut off
    public boolean endOfInput() throws ResponseFramingException {
        return switch (part) {
            case CLOSE_BODY, END, DONE -> {
                part = Part.DONE;
                yield true;
            }
            case LENGTH_BODY -> throw new ResponseFramingException(Reason.TRUNCATED_BODY, "the body ended " + left + " bytes early");
            case CHUNK_DATA -> throw new ResponseFramingException(Reason.TRUNCATED_BODY, "the chunked body ended early");
            case CHUNK_SIZE, CHUNK_END, TRAILERS ->
                throw new ResponseFramingException(Reason.TRUNCATED_CHUNKS, "the chunked body ended early");
            default -> {
                if (!started) {
                    yield false;
                }
                throw new ResponseFramingException(Reason.TRUNCATED_HEAD, "the answer ended inside its head");
            }
        };
    }

    /// Acts on a whole line, `line[0, length)` without its end; `bytes` is the line with its end.
    /// Returns the event it completes, or null.
    private Event onLine(int length, int bytes) throws ResponseFramingException {
        return switch (part) {
            case STATUS -> {
                count(bytes, false);
                status = HeadSyntax.status(line, length);
                if (status < 0) {
                    throw new ResponseFramingException(Reason.STATUS_LINE, "bad status line '" + text(0, Math.min(length, 80)) + "'");
                }
                http10 = line[7] == '0';
                part = Part.FIELDS;
                yield null;
            }
            case FIELDS -> {
                if (length == 0) {
                    count(bytes, false);
                    yield endOfHead();
                }
                count(bytes, true);
                fieldLine(length);
                yield null;
            }
            case CHUNK_SIZE -> {
                long size = HeadSyntax.chunkSize(line, length);
                if (size < 0) {
                    throw new ResponseFramingException(Reason.CHUNK_SIZE, "bad chunk size '" + text(0, Math.min(length, 40)) + "'");
                }
                if (size == 0) {
                    sectionBytes = 0;
                    fieldLines = 0;
                    part = Part.TRAILERS;
                } else {
                    left = size;
                    part = Part.CHUNK_DATA;
                }
                yield null;
            }
            case CHUNK_END -> {
                if (length != 0) {
                    throw new ResponseFramingException(Reason.CHUNK_END, "a chunk is longer than its size");
                }
                part = Part.CHUNK_SIZE;
                yield null;
            }
            case TRAILERS -> {
                // Trailer fields carry nothing either caller needs: counted, not read.
                sectionBytes += bytes;
                if (sectionBytes > limits.headBytes()) {
                    throw new ResponseFramingException(Reason.TRAILERS_TOO_LARGE, "a trailer section over " + limits.headBytes() + " bytes");
                }
                if (length != 0 && ++fieldLines > limits.fields()) {
                    throw new ResponseFramingException(Reason.TOO_MANY_FIELDS, "more than " + limits.fields() + " trailer field lines");
                }
                if (length == 0) {
                    part = Part.DONE;
                    yield Event.COMPLETE;
                }
                yield null;
            }
            default -> throw new IllegalStateException("part " + part);
        };
    }

    private void count(int bytes, boolean field) throws ResponseFramingException {
        sectionBytes += bytes;
        if (sectionBytes > limits.headBytes()) {
            throw new ResponseFramingException(Reason.HEAD_TOO_LARGE, "a head over " + limits.headBytes() + " bytes");
        }
        if (field && ++fieldLines > limits.fields()) {
            throw new ResponseFramingException(Reason.TOO_MANY_FIELDS, "more than " + limits.fields() + " field lines");
        }
    }

    private Event endOfHead() {
        if (status < 200 && status != 101) {
            // An interim response (100 Continue, 103 Early Hints): the final one follows.
            startHead();
            part = Part.STATUS;
            return null;
        }
        if (transferEncoding) {
            // The coding overrides a length; one not ending in chunked runs to the close.
            keepAlive = chunked && !closeToken && !http10 && contentLength < 0;
        } else {
            keepAlive = !closeToken && (!http10 || keepAliveToken);
        }
        if (status == 101 || status == 204 || status == 304 || headRequest) {
            // 101 switches protocols: whatever follows is not HTTP/1.1 any more.
            keepAlive &= status != 101;
            contentLength = -1;
            part = Part.END;
        } else if (transferEncoding) {
            contentLength = -1;
            closeDelimited = !chunked;
            part = chunked ? Part.CHUNK_SIZE : Part.CLOSE_BODY;
        } else if (contentLength > 0) {
            left = contentLength;
            part = Part.LENGTH_BODY;
        } else if (contentLength == 0) {
            part = Part.END;
        } else {
            keepAlive = false;
            closeDelimited = true;
            part = Part.CLOSE_BODY;
        }
        return Event.HEAD;
    }

    private void fieldLine(int length) throws ResponseFramingException {
        if (HeadSyntax.isSpace(line[0])) {
            if (fieldLines == 1 || interpreted) {
                throw new ResponseFramingException(Reason.FOLDED_FIELD, "a folded header line at the start of the head or continuing a field read here");
            }
            return; // an obsolete folding of a field not read here: its value changes nothing
        }
        int colon = HeadSyntax.nameEnd(line, length);
        if (colon < 0) {
            throw new ResponseFramingException(Reason.FIELD_LINE, "bad header line '" + text(0, Math.min(length, 80)) + "'");
        }
        int from = colon + 1;
        int to = length;
        while (from < to && HeadSyntax.isSpace(line[from])) {
            from++;
        }
        while (to > from && HeadSyntax.isSpace(line[to - 1])) {
            to--;
        }
        interpreted = true;
        if (HeadSyntax.nameIs(line, 0, colon, "content-length")) {
            long value = HeadSyntax.decimal(line, from, to, 18);
            if (value < 0) {
                throw new ResponseFramingException(Reason.CONTENT_LENGTH, "bad Content-Length '" + text(from, Math.min(to, from + 40)) + "'");
            }
            if (contentLength >= 0 && contentLength != value) {
                throw new ResponseFramingException(Reason.CONFLICTING_CONTENT_LENGTH, "conflicting Content-Length fields");
            }
            contentLength = value;
        } else if (HeadSyntax.nameIs(line, 0, colon, "transfer-encoding")) {
            transferEncoding = true;
            // A later field line continues the list: its last coding is the list's last.
            chunked = HeadSyntax.lastTokenIs(line, from, to, "chunked");
        } else if (HeadSyntax.nameIs(line, 0, colon, "connection")) {
            closeToken |= HeadSyntax.hasToken(line, from, to, "close");
            keepAliveToken |= HeadSyntax.hasToken(line, from, to, "keep-alive");
        } else if (HeadSyntax.nameIs(line, 0, colon, "retry-after")) {
            // Seconds only; an HTTP date is not read (a client then waits its own back-off).
            long seconds = HeadSyntax.decimal(line, from, to, 6);
            if (seconds >= 0) {
                retryAfterSeconds = (int) seconds;
            }
        } else {
            interpreted = false;
        }
    }

    private String text(int from, int to) {
        return new String(line, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /// Where the last [#feed] stopped in the array it was given.
    public int position() {
        return position;
    }

    /// Where the body bytes of the last [Event#BODY] start; they end at [#position()].
    public int bodyStart() {
        return bodyStart;
    }

    /// Whether any byte of the current response has been fed.
    public boolean started() {
        return started;
    }

    /// Whether the current response is complete.
    public boolean complete() {
        return part == Part.DONE;
    }

    /// The final status, once [Event#HEAD] has been reported.
    public int status() {
        return status;
    }

    /// The body's length when it is framed by `Content-Length` (0 for none), else -1.
    public long contentLength() {
        return contentLength;
    }

    /// Whether the body runs to the end of the connection (known from [Event#HEAD] on).
    public boolean closeDelimited() {
        return closeDelimited;
    }

    /// Whether the connection may carry another request after this response (as far as its
    /// framing and `Connection` field go; bytes beyond it are the caller's to judge).
    public boolean keepAlive() {
        return keepAlive;
    }

    /// The response's `Retry-After` in seconds, or -1 when it has none in that form.
    public int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
