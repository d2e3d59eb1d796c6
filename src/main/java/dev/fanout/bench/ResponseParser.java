package dev.fanout.bench;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/// Reads one HTTP/1.1 answer from bytes pushed in as they arrive — status line, headers, then a
/// body framed by `Content-Length`, chunked, or running to the close — skipping interim `1xx`
/// answers, and hands a 2xx body to an [NdjsonCheck] when asked to. Push, not pull, so that one
/// event-loop thread can read hundreds of connections; nothing of the body is kept.
///
/// One instance serves one connection, answer after answer ([#reset]); not thread-safe.
final class ResponseParser {
    private static final int MAX_LINE = 16 << 10;

    private enum Part { STATUS, HEADERS, LENGTH_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, CLOSE_BODY, DONE }

    private final boolean verify;
    private final boolean expectSummary;
    private final byte[] line = new byte[MAX_LINE];
    private int lineLength;
    private Part part;
    private long bytesSeen;
    private int status;
    private long contentLength;
    private boolean chunked;
    private boolean closeAfter;
    private int retryAfterSeconds;
    private long left;
    private NdjsonCheck check;

    ResponseParser(boolean verify, boolean expectSummary) {
        this.verify = verify;
        this.expectSummary = expectSummary;
        reset();
    }

    /// Gets ready for the next answer on the connection.
    void reset() {
        part = Part.STATUS;
        lineLength = 0;
        bytesSeen = 0;
        check = null;
        closeAfter = false;
        retryAfterSeconds = -1;
    }

    /// Whether any byte of the current answer has arrived.
    boolean started() {
        return bytesSeen > 0;
    }

    boolean done() {
        return part == Part.DONE;
    }

    int status() {
        return status;
    }

    /// The answer's `Retry-After` in seconds, or -1 when it has none in that form (an HTTP date
    /// is not read: a client then waits its own back-off).
    int retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /// Whether the connection cannot carry another request after this answer.
    boolean closeAfter() {
        return closeAfter;
    }

    /// Takes bytes `[offset, end)` of `bytes`; returns how many it used (fewer than offered only
    /// once the answer is complete: the rest belongs to no request and is a protocol error).
    int feed(byte[] bytes, int offset, int end) throws ExchangeFailure {
        int i = offset;
        bytesSeen += end - offset;
        while (i < end && part != Part.DONE) {
            switch (part) {
                case STATUS, HEADERS, CHUNK_SIZE, CHUNK_END, TRAILERS -> {
                    int newline = -1;
                    for (int j = i; j < end; j++) {
                        if (bytes[j] == '\n') {
                            newline = j;
                            break;
                        }
                    }
                    int stop = newline < 0 ? end : newline;
                    if (lineLength + (stop - i) > MAX_LINE) {
                        throw malformed("a line of the answer is over " + MAX_LINE + " bytes");
                    }
                    System.arraycopy(bytes, i, line, lineLength, stop - i);
                    lineLength += stop - i;
                    if (newline < 0) {
                        return end - offset;
                    }
                    i = newline + 1;
                    if (lineLength > 0 && line[lineLength - 1] == '\r') {
                        lineLength--;
                    }
                    String text = new String(line, 0, lineLength, StandardCharsets.ISO_8859_1);
                    lineLength = 0;
                    onLine(text);
                }
                case LENGTH_BODY, CHUNK_DATA -> {
                    int n = (int) Math.min(left, end - i);
                    if (check != null) {
                        check.feed(bytes, i, n);
                    }
                    i += n;
                    left -= n;
                    if (left == 0) {
                        if (part == Part.LENGTH_BODY) {
                            finishBody();
                        } else {
                            part = Part.CHUNK_END;
                        }
                    }
                }
                case CLOSE_BODY -> {
                    if (check != null) {
                        check.feed(bytes, i, end - i);
                    }
                    i = end;
                }
                default -> throw new IllegalStateException("part " + part);
            }
        }
        return i - offset;
    }

    /// The server closed the connection: ends a body that runs to the close, or throws.
    void endOfStream() throws ExchangeFailure {
        if (part == Part.CLOSE_BODY) {
            finishBody();
            return;
        }
        if (!started()) {
            // Not a byte of an answer: typically a keep-alive connection the server closed idle.
            throw new ExchangeFailure(ErrorKind.CLOSED, "the server closed the connection");
        }
        throw malformed(switch (part) {
            case LENGTH_BODY -> "the body ended " + left + " bytes early";
            case CHUNK_DATA, CHUNK_SIZE, CHUNK_END, TRAILERS -> "the chunked body ended early";
            default -> "the answer ended inside its head";
        });
    }

    private void onLine(String text) throws ExchangeFailure {
        switch (part) {
            case STATUS -> {
                status = parseStatus(text);
                contentLength = -1;
                chunked = false;
                closeAfter = text.startsWith("HTTP/1.0");
                part = Part.HEADERS;
            }
            case HEADERS -> {
                if (text.isEmpty()) {
                    endOfHead();
                } else {
                    header(text);
                }
            }
            case CHUNK_SIZE -> {
                long size = parseChunkSize(text);
                if (size == 0) {
                    part = Part.TRAILERS;
                } else {
                    left = size;
                    part = Part.CHUNK_DATA;
                }
            }
            case CHUNK_END -> {
                if (!text.isEmpty()) {
                    throw malformed("a chunk is longer than its size");
                }
                part = Part.CHUNK_SIZE;
            }
            case TRAILERS -> {
                if (text.isEmpty()) {
                    finishBody();
                }
                // trailers carry nothing a benchmark needs
            }
            default -> throw new IllegalStateException("part " + part);
        }
    }

    private void header(String text) throws ExchangeFailure {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw malformed("bad header line '" + text + "'");
        }
        String name = text.substring(0, colon).trim();
        String value = text.substring(colon + 1).trim();
        if (name.equalsIgnoreCase("content-length")) {
            contentLength = parseLength(value);
        } else if (name.equalsIgnoreCase("transfer-encoding")) {
            chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
        } else if (name.equalsIgnoreCase("connection")) {
            closeAfter = value.equalsIgnoreCase("close") || (closeAfter && !value.equalsIgnoreCase("keep-alive"));
        } else if (name.equalsIgnoreCase("retry-after") && value.matches("[0-9]{1,6}")) {
            retryAfterSeconds = Integer.parseInt(value);
        }
    }

    private void endOfHead() throws ExchangeFailure {
        if (status >= 100 && status < 200) {
            part = Part.STATUS; // an interim answer (100 Continue); the real one follows
            return;
        }
        check = verify && status >= 200 && status < 300 ? new NdjsonCheck(expectSummary) : null;
        if (chunked) {
            part = Part.CHUNK_SIZE;
        } else if (contentLength > 0) {
            left = contentLength;
            part = Part.LENGTH_BODY;
        } else if (contentLength == 0 || status == 204 || status == 304) {
            finishBody();
        } else {
            closeAfter = true;
            part = Part.CLOSE_BODY;
        }
    }

    private void finishBody() throws ExchangeFailure {
        part = Part.DONE;
        if (check != null) {
            String problem = check.finish();
            check = null;
            if (problem != null) {
                throw malformed(problem);
            }
        }
    }

    private static int parseStatus(String statusLine) throws ExchangeFailure {
        // "HTTP/1.1 200 OK": the code is the three digits after the first space.
        if (statusLine.startsWith("HTTP/1.") && statusLine.length() >= 12 && statusLine.charAt(8) == ' '
                && (statusLine.length() == 12 || statusLine.charAt(12) == ' ')) {
            try {
                return Integer.parseInt(statusLine, 9, 12, 10);
            } catch (NumberFormatException e) {
                // falls through to the failure below
            }
        }
        throw malformed("bad status line '" + statusLine + "'");
    }

    private static long parseLength(String value) throws ExchangeFailure {
        try {
            long length = Long.parseLong(value);
            if (length >= 0 && value.charAt(0) != '+') {
                return length;
            }
        } catch (NumberFormatException e) {
            // falls through to the failure below
        }
        throw malformed("bad Content-Length '" + value + "'");
    }

    private static long parseChunkSize(String sizeLine) throws ExchangeFailure {
        int semicolon = sizeLine.indexOf(';');
        String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
        try {
            // parseLong takes a sign; a chunk size is bare hex digits.
            if (!hex.isEmpty() && hex.charAt(0) != '+' && hex.charAt(0) != '-') {
                return Long.parseLong(hex, 16);
            }
        } catch (NumberFormatException e) {
            // falls through to the failure below
        }
        throw malformed("bad chunk size '" + sizeLine + "'");
    }

    private static ExchangeFailure malformed(String message) {
        return new ExchangeFailure(ErrorKind.MALFORMED, message);
    }
}
