package dev.fanout.http1;

import dev.fanout.http1.ResponseFramingException.Reason;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/// One HTTP/1.1 response as a peer sends it (then closes the connection), and what reading it
/// must give: the table every driver of [ResponseFraming] runs — [ResponseFramingTest] (push,
/// and pull one byte per read), `bench.ResponseCasesTest` (the load generator's parser) and
/// `upstream.ResponseCasesTest` (the upstream client over a socket that hands one byte per read).
///
/// `headRequest` cases answer a `HEAD`; only the framing's own test runs them (neither client
/// sends one).
public record ResponseCase(String name, byte[] raw, boolean headRequest, Expected expected) {

    /// What reading the response gives.
    public sealed interface Expected permits Answer, Failure, Nothing {
    }

    /// A whole response: its final status, its body (as framed: a close-delimited body is what
    /// came before the close), whether the connection can carry another request, and its
    /// `Retry-After` in seconds (-1 for none).
    public record Answer(int status, String body, boolean keepAlive, int retryAfterSeconds) implements Expected {
    }

    /// No response: the bytes break HTTP/1.1, a limit, or end too soon.
    public record Failure(Reason reason) implements Expected {
    }

    /// The peer closed before a byte of a response (an idle keep-alive connection closed).
    public record Nothing() implements Expected {
    }

    @Override
    public String toString() {
        return name;
    }

    /// Every case, the disagreements of issue 15 among them.
    public static List<ResponseCase> all() {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        var cases = new ArrayList<ResponseCase>();
        // ---- framed by Content-Length ----
        cases.add(ok("Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", 200, "hello", true));
        cases.add(ok("Content-Length 0", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", 200, "", true));
        cases.add(ok("status without a reason", "HTTP/1.1 404\r\nContent-Length: 2\r\n\r\nno", 404, "no", true));
        cases.add(ok("LF-only lines", "HTTP/1.1 200 OK\nContent-Length: 5\n\nhello", 200, "hello", true));
        cases.add(ok("names ignore case, values drop spaces and tabs",
                "HTTP/1.1 200 OK\r\ncontent-LENGTH: \t 5 \t\r\n\r\nhello", 200, "hello", true));
        cases.add(ok("equal Content-Length twice", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello", 200, "hello", true));
        cases.add(fail("differing Content-Length twice",
                "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!", Reason.CONFLICTING_CONTENT_LENGTH));
        cases.add(fail("a Content-Length list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello", Reason.CONTENT_LENGTH));
        cases.add(fail("non-digit Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5a\r\n\r\nhello", Reason.CONTENT_LENGTH));
        cases.add(fail("negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello", Reason.CONTENT_LENGTH));
        cases.add(fail("signed Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: +5\r\n\r\nhello", Reason.CONTENT_LENGTH));
        cases.add(fail("empty Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\nhello", Reason.CONTENT_LENGTH));
        cases.add(fail("19-digit Content-Length",
                "HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000000\r\n\r\nhello", Reason.CONTENT_LENGTH));
        cases.add(fail("truncated Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", Reason.TRUNCATED_BODY));
        // ---- chunked ----
        cases.add(ok("chunked with extensions and trailers",
                chunked + "5;name=value\r\nhello\r\n6 ; x\r\n world\r\n0\r\nX-Trailer: 1\r\nX-Other: 2\r\n\r\n", 200, "hello world", true));
        cases.add(ok("chunked, upper-case hex", chunked + "A\r\n0123456789\r\n0\r\n\r\n", 200, "0123456789", true));
        cases.add(ok("chunked, LF only", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nhe\n3;x\nllo\n0\nX-T: 1\n\n", 200, "hello", true));
        cases.add(ok("Transfer-Encoding: gzip, chunked is chunked",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, "hello", true));
        cases.add(ok("Transfer-Encoding on two lines ending in chunked",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\ntransfer-encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, "hello", true));
        cases.add(ok("Transfer-Encoding: chunked, gzip runs to the close",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, "5\r\nhello\r\n0\r\n\r\n", false));
        cases.add(ok("Content-Length and Transfer-Encoding: chunked wins, not reused",
                "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n", 200, "hello", false));
        cases.add(fail("bad chunk size", chunked + "zz\r\nhello\r\n0\r\n\r\n", Reason.CHUNK_SIZE));
        cases.add(fail("0x chunk size", chunked + "0x5\r\nhello\r\n0\r\n\r\n", Reason.CHUNK_SIZE));
        cases.add(fail("signed chunk size", chunked + "+5\r\nhello\r\n0\r\n\r\n", Reason.CHUNK_SIZE));
        cases.add(fail("empty chunk size", chunked + "\r\nhello\r\n0\r\n\r\n", Reason.CHUNK_SIZE));
        cases.add(fail("space before the chunk size", chunked + " 5\r\nhello\r\n0\r\n\r\n", Reason.CHUNK_SIZE));
        cases.add(fail("space inside the chunk size", chunked + "1 0\r\nhello\r\n0\r\n\r\n", Reason.CHUNK_SIZE));
        cases.add(fail("16-digit chunk size", chunked + "1000000000000000\r\nhello\r\n0\r\n\r\n", Reason.CHUNK_SIZE));
        cases.add(fail("chunk longer than its size", chunked + "5\r\nhelloX\r\n0\r\n\r\n", Reason.CHUNK_END));
        cases.add(fail("chunk size line over the limit", chunked + "5;ext=" + "e".repeat(17_000) + "\r\nhello\r\n0\r\n\r\n",
                Reason.LINE_TOO_LONG));
        cases.add(fail("truncated chunk", chunked + "a\r\nhello", Reason.TRUNCATED_BODY));
        cases.add(fail("truncated before the last chunk", chunked + "5\r\nhello\r\n", Reason.TRUNCATED_CHUNKS));
        cases.add(fail("truncated trailers", chunked + "5\r\nhello\r\n0\r\nX-Trailer: 1\r\n", Reason.TRUNCATED_CHUNKS));
        cases.add(fail("trailer section over 64 KiB", chunked + "5\r\nhello\r\n0\r\n" + filler(1_780) + "\r\n", Reason.TRAILERS_TOO_LARGE));
        cases.add(fail("truncated after a chunk's data", chunked + "5\r\nhello", Reason.TRUNCATED_CHUNKS));
        // ---- delimited by the close ----
        cases.add(ok("close-delimited body", "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\r\nworld", 200, "hello\r\nworld", false));
        cases.add(ok("close-delimited empty body", "HTTP/1.1 200 OK\r\n\r\n", 200, "", false));
        // ---- no body ----
        cases.add(ok("204 with Transfer-Encoding: chunked", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", 204, "", true));
        cases.add(ok("304 with Content-Length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", 304, "", true));
        cases.add(ok("204 without fields", "HTTP/1.1 204 No Content\r\n\r\n", 204, "", true));
        cases.add(new ResponseCase("answer to a HEAD with Content-Length",
                ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"), true, new Answer(200, "", true, -1)));
        cases.add(ok("101 switches protocols: no body, not reused",
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n", 101, "", false));
        // ---- interim answers ----
        cases.add(ok("100 Continue skipped", "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok", true));
        cases.add(ok("103 Early Hints with fields skipped",
                "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\nConnection: close\r\n\r\n"
                        + "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok", true));
        cases.add(fail("truncated inside an interim answer", "HTTP/1.1 100 Continue\r\n", Reason.TRUNCATED_HEAD));
        // ---- Connection ----
        cases.add(ok("Connection: close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", 200, "ok", false));
        cases.add(ok("Connection: keep-alive, close closes",
                "HTTP/1.1 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nok", 200, "ok", false));
        cases.add(ok("Connection: CLOSE on a second line closes",
                "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: Upgrade , CLOSE\r\nContent-Length: 2\r\n\r\nok", 200, "ok", false));
        cases.add(ok("Connection: closed is not close",
                "HTTP/1.1 200 OK\r\nConnection: closed\r\nContent-Length: 2\r\n\r\nok", 200, "ok", true));
        cases.add(ok("HTTP/1.0 closes", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", 200, "ok", false));
        cases.add(ok("HTTP/1.0 with keep-alive", "HTTP/1.0 200 OK\r\nConnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", 200, "ok", true));
        cases.add(ok("close with chunked", "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
                200, "ok", false));
        // ---- Retry-After ----
        cases.add(new ResponseCase("503 with Retry-After in seconds",
                ascii("HTTP/1.1 503 Service Unavailable\r\nRetry-After:  7 \r\nContent-Length: 0\r\n\r\n"), false, new Answer(503, "", true, 7)));
        cases.add(ok("Retry-After as a date is not read",
                "HTTP/1.1 503 Service Unavailable\r\nRetry-After: Fri, 04 Dec 2026 10:00:00 GMT\r\nContent-Length: 0\r\n\r\n", 503, "", true));
        // ---- field lines ----
        cases.add(ok("a folded line of another field is skipped",
                "HTTP/1.1 200 OK\r\nX-Note: a\r\n b\r\n\tc\r\nContent-Length: 5\r\n\r\nhello", 200, "hello", true));
        cases.add(fail("a folded Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n 0\r\n\r\nhello", Reason.FOLDED_FIELD));
        cases.add(fail("a folded Transfer-Encoding",
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,\r\n\tchunked\r\n\r\nhello", Reason.FOLDED_FIELD));
        cases.add(fail("a folded first field line", "HTTP/1.1 200 OK\r\n X-B: 2\r\nContent-Length: 5\r\n\r\nhello", Reason.FOLDED_FIELD));
        cases.add(fail("a field line without a colon", "HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\nhello", Reason.FIELD_LINE));
        cases.add(fail("space before the colon", "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello", Reason.FIELD_LINE));
        cases.add(fail("empty field name", "HTTP/1.1 200 OK\r\n: 5\r\nContent-Length: 5\r\n\r\nhello", Reason.FIELD_LINE));
        cases.add(fail("a bare CR in a field name", "HTTP/1.1 200 OK\r\nContent\rLength: 5\r\n\r\nhello", Reason.FIELD_LINE));
        cases.add(fail("a field line over 16 KiB", "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(17_000) + "\r\nContent-Length: 0\r\n\r\n",
                Reason.LINE_TOO_LONG));
        cases.add(ok("a head just under 64 KiB", "HTTP/1.1 200 OK\r\n" + filler(1_760) + "Content-Length: 5\r\n\r\nhello", 200, "hello", true));
        cases.add(fail("a head over 64 KiB", "HTTP/1.1 200 OK\r\n" + filler(1_780) + "Content-Length: 0\r\n\r\n", Reason.HEAD_TOO_LARGE));
        cases.add(fail("more than 2,048 field lines", "HTTP/1.1 200 OK\r\n" + "a:b\r\n".repeat(2_049) + "Content-Length: 0\r\n\r\n",
                Reason.TOO_MANY_FIELDS));
        // ---- status line ----
        cases.add(fail("not HTTP", "HELLO THERE, NOT HTTP AT ALL\r\n\r\n", Reason.STATUS_LINE));
        cases.add(fail("empty status line", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", Reason.STATUS_LINE));
        cases.add(fail("HTTP/1.2", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n", Reason.STATUS_LINE));
        cases.add(fail("HTTP/2", "HTTP/2 200\r\nContent-Length: 0\r\n\r\n", Reason.STATUS_LINE));
        cases.add(fail("lower-case http", "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", Reason.STATUS_LINE));
        cases.add(fail("two spaces before the status", "HTTP/1.1  200 OK\r\nContent-Length: 0\r\n\r\n", Reason.STATUS_LINE));
        cases.add(fail("signed status", "HTTP/1.1 -12 OK\r\nContent-Length: 0\r\n\r\n", Reason.STATUS_LINE));
        cases.add(fail("status under 100", "HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n", Reason.STATUS_LINE));
        cases.add(fail("four-digit status", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n", Reason.STATUS_LINE));
        cases.add(fail("no space after the status", "HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n", Reason.STATUS_LINE));
        cases.add(fail("status line over 16 KiB", "HTTP/1.1 200 " + "O".repeat(17_000) + "\r\nContent-Length: 0\r\n\r\n",
                Reason.LINE_TOO_LONG));
        // ---- cut off in the head ----
        cases.add(new ResponseCase("nothing at all", new byte[0], false, new Nothing()));
        cases.add(fail("truncated status line", "HTTP/1.", Reason.TRUNCATED_HEAD));
        cases.add(fail("truncated before the empty line", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", Reason.TRUNCATED_HEAD));
        return List.copyOf(cases);
    }

    private static ResponseCase ok(String name, String raw, int status, String body, boolean keepAlive) {
        return new ResponseCase(name, ascii(raw), false, new Answer(status, body, keepAlive, -1));
    }

    private static ResponseCase fail(String name, String raw, Reason reason) {
        return new ResponseCase(name, ascii(raw), false, new Failure(reason));
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /// `count` field lines of 37 bytes each.
    private static String filler(int count) {
        var lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append(String.format("X-Filler-%04d: %s\r\n", i, "a".repeat(20)));
        }
        return lines.toString();
    }
}
