package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fanout.http1.OneByteAtATime;
import dev.fanout.http1.ResponseCase;
import dev.fanout.http1.ResponseFramingException.Reason;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/// The shared [ResponseCase] table through the upstream client, the pull driver of the framing:
/// an [UpstreamConnection] over a socket that hands the answer one byte per read. An answer gives
/// its status, its body when wanted and 2xx, and a reusable connection when it may be kept; an
/// answer cut off is an [EOFException], any other failure a
/// [UpstreamConnection.MalformedResponseException].
class ResponseCasesTest {
    private static final byte[] REQUEST = "GET /customers/17 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    static List<ResponseCase> cases() {
        // The client sends only GETs.
        return ResponseCase.all().stream().filter(response -> !response.headRequest()).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void eachCaseOneByteAtATime(ResponseCase response) throws IOException {
        for (boolean wantBody : new boolean[] {true, false}) {
            var socket = new UpstreamConnectionFuzzTest.InMemorySocket(new OneByteAtATime(response.raw()));
            try (var connection = new UpstreamConnection(socket, closed -> { })) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                switch (response.expected()) {
                    case ResponseCase.Answer(int status, String body, boolean keepAlive, int retryAfterSeconds) -> {
                        var answered = assertInstanceOf(Call.Answered.class, connection.get(REQUEST, deadline, wantBody));
                        boolean kept = wantBody && status >= 200 && status < 300;
                        assertEquals(status, answered.status());
                        assertEquals(kept ? body : "", new String(answered.body(), StandardCharsets.ISO_8859_1), "wantBody=" + wantBody);
                        assertEquals(keepAlive, connection.reusable(), "reusable, wantBody=" + wantBody);
                    }
                    case ResponseCase.Failure(Reason reason) -> {
                        Class<? extends IOException> expected =
                                reason.truncated() ? EOFException.class : UpstreamConnection.MalformedResponseException.class;
                        assertThrows(expected, () -> connection.get(REQUEST, deadline, wantBody), "wantBody=" + wantBody);
                    }
                    case ResponseCase.Nothing() -> assertThrows(EOFException.class, () -> connection.get(REQUEST, deadline, wantBody));
                }
            }
        }
    }
}
