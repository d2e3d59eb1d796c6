package dev.fanout.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;

/// Tells whether a response body, fed in pieces as it arrives, is a complete NDJSON answer of the
/// gateway: every line one JSON object, each ended by a newline, no `{"error":…}` line (the
/// gateway's sign that the stream broke off), and — when the request asked for `summary=true` —
/// a summary line last. A truncated body, a broken line or an error line all make it malformed.
///
/// Jackson's non-blocking parser checks the JSON itself without holding the body. Lines are found
/// on the raw bytes: the parser is fed up to each newline, which must then close exactly one root
/// object. (JSON allows a newline between the tokens of an object, and counting lines and objects
/// over the whole body lets a blank line make up for two objects on one line.) One instance
/// checks one body; not thread-safe.
///
/// Jackson's non-blocking parser (2.21) takes a `}` where a name or value is due when the input
/// was cut just after the `,` or `:` (or the blanks after it): `{"a":1,}` and `{"a":}` pass when
/// fed as `{"a":1,` + `}`. So the same scan that finds the newlines also rejects a closing
/// bracket right after a `,` or `:` outside strings, and the answer does not depend on the cuts.
final class NdjsonCheck {
    private static final JsonFactory JSON = new JsonFactory();

    private final JsonParser parser;
    private final ByteArrayFeeder feeder;
    private final boolean expectSummary;
    private int depth;
    private long lines;
    private int objectsInLine;
    private byte last = '\n';
    private boolean lastWasSummary;
    private boolean inString;
    private boolean escaped;
    private boolean afterSeparator;
    private String problem;

    NdjsonCheck(boolean expectSummary) {
        this.expectSummary = expectSummary;
        try {
            this.parser = JSON.createNonBlockingByteArrayParser();
        } catch (IOException e) {
            throw new IllegalStateException("Jackson cannot make a non-blocking parser", e);
        }
        this.feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
    }

    /// Checks the next `length` bytes of the body at `offset` of `bytes`.
    void feed(byte[] bytes, int offset, int length) {
        if (problem != null || length == 0) {
            return;
        }
        int end = offset + length;
        int start = offset;
        for (int i = offset; i < end && problem == null; i++) {
            byte b = bytes[i];
            if (inString) {
                if (escaped) {
                    escaped = false;
                } else if (b == '\\') {
                    escaped = true;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
                afterSeparator = false;
            } else if ((b == '}' || b == ']') && afterSeparator) {
                if (i > start) {
                    parse(bytes, start, i); // an earlier error, if any, is the one to report
                }
                if (problem == null) {
                    problem = "not JSON: '" + (char) b + "' right after ',' or ':'";
                }
            } else if (b == '\n') {
                parse(bytes, start, i + 1);
                start = i + 1;
                endLine();
            } else if ((b & 0xff) > ' ') {
                afterSeparator = b == ',' || b == ':';
            }
        }
        if (problem == null && start < end) {
            parse(bytes, start, end);
        }
        last = bytes[end - 1];
    }

    private void parse(byte[] bytes, int start, int end) {
        try {
            feeder.feedInput(bytes, start, end);
            drain();
        } catch (IOException e) {
            problem = "not JSON: " + reason(e);
        }
    }

    /// Judges the line whose newline the parser has just taken.
    private void endLine() {
        lines++;
        if (problem != null) {
            return;
        }
        if (depth != 0) {
            problem = "line " + lines + " ends inside a JSON object";
        } else if (objectsInLine == 0) {
            problem = "line " + lines + " is blank";
        } else if (objectsInLine > 1) {
            problem = "line " + lines + " holds " + objectsInLine + " JSON objects";
        }
        objectsInLine = 0;
    }

    /// Ends the body; returns why it is not a complete answer, or `null` when it is.
    String finish() {
        if (problem == null) {
            try {
                feeder.endOfInput();
                drain();
            } catch (IOException e) {
                problem = "not JSON: " + reason(e);
            }
        }
        if (problem == null && depth != 0) {
            problem = "the body ends inside a JSON object";
        } else if (problem == null && last != '\n') {
            problem = "the last line has no newline";
        } else if (problem == null && expectSummary && !lastWasSummary) {
            problem = "no summary line at the end";
        }
        try {
            parser.close();
        } catch (IOException ignored) {
            // Closing a parser over fed bytes frees buffers only.
        }
        return problem;
    }

    private static String reason(IOException e) {
        return e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    }

    private void drain() throws IOException {
        JsonToken token;
        while ((token = parser.nextToken()) != null && token != JsonToken.NOT_AVAILABLE) {
            switch (token) {
                case START_OBJECT, START_ARRAY -> {
                    if (depth == 0) {
                        if (token == JsonToken.START_ARRAY) {
                            problem = "a line is an array, not an object";
                            return;
                        }
                        objectsInLine++;
                        lastWasSummary = false;
                    }
                    depth++;
                }
                case END_OBJECT, END_ARRAY -> depth--;
                case FIELD_NAME -> {
                    if (depth == 1) {
                        String name = parser.currentName();
                        if ("error".equals(name)) {
                            problem = "the stream ended with an error line";
                            return;
                        }
                        if ("summary".equals(name)) {
                            lastWasSummary = true;
                        }
                    }
                }
                default -> {
                    if (depth == 0) {
                        problem = "a line is not a JSON object";
                        return;
                    }
                }
            }
        }
    }
}
