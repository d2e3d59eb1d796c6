package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http1.ResponseCase;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/// The shared [ResponseCase] table through the load generator's [ResponseParser], the push
/// driver of the framing, fed as [Link] feeds it (whole, then one byte at a time; the end of the
/// stream after the last byte unless the answer is complete). An answer gives its status, whether
/// the connection closes after it and its `Retry-After`; an answer that breaks HTTP/1.1 or is cut
/// off is [ErrorKind#MALFORMED]; no byte at all is [ErrorKind#CLOSED].
class ResponseCasesTest {

    static List<ResponseCase> cases() {
        // The generator sends no HEAD.
        return ResponseCase.all().stream().filter(response -> !response.headRequest()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCaseWholeAndOneByteAtATime(ResponseCase response) {
        String expected = switch (response.expected()) {
            case ResponseCase.Answer(int status, String body, boolean keepAlive, int retryAfterSeconds) ->
                "status " + status + (keepAlive ? ", keep" : ", close") + ", retry after " + retryAfterSeconds;
            case ResponseCase.Failure failure -> "MALFORMED";
            case ResponseCase.Nothing() -> "CLOSED";
        };
        assertEquals(expected, verdict(response.raw(), 0), "whole");
        assertEquals(expected, verdict(response.raw(), 1), "one byte at a time");
    }

    /// Feeds `raw` in pieces of `piece` bytes (0: whole) until the answer is done.
    private static String verdict(byte[] raw, int piece) {
        var parser = new ResponseParser(false, false);
        try {
            int start = 0;
            while (start < raw.length && !parser.done()) {
                int end = piece == 0 ? raw.length : Math.min(raw.length, start + piece);
                int used = parser.feed(raw, start, end);
                assertTrue(used == end - start, "bytes left over");
                start = end;
            }
            if (!parser.done()) {
                parser.endOfStream();
            }
            return "status " + parser.status() + (parser.closeAfter() ? ", close" : ", keep")
                    + ", retry after " + parser.retryAfterSeconds();
        } catch (ExchangeFailure e) {
            return e.kind().name();
        }
    }
}
