package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.testserver.Request;
import dev.fanout.testserver.Script;
import dev.fanout.testserver.ScriptedServer;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/// Our own HTTP/1.1 GET client, driven directly against a [ScriptedServer] on 127.0.0.1 that
/// answers each request with exact bytes: the three ways a body is framed, the 1 MiB and 16 KiB
/// limits, keep-alive and when a connection cannot be reused, interim answers, malformed and cut
/// off answers, answers that arrive a byte at a time, and the call's deadline.
class UpstreamConnectionTest {
    private static final int MIB = Call.MAX_BODY_BYTES;
    private static final int DISCARD = Call.DISCARD_BYTES;
    private static final long DEADLINE_NANOS = 2_000_000_000L;
    private static final byte[] REQUEST = ascii(
            "GET /customers/17 HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: application/json\r\n\r\n");
    /// The answer to the second request of a keep-alive test.
    private static final String SECOND = "HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecond";

    // ---- Content-Length ----

    @Test
    void aWantedContentLengthBodyIsReturnedExactlyAndTheConnectionIsKept() throws Exception {
        try (var upstream = scripted(
                send("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{\"name\":\"Ada\"}"),
                send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "{\"name\":\"Ada\"}", get(connection, true));
            assertTrue(connection.reusable(), "a whole Content-Length answer leaves the connection reusable");
            assertTrue(connection.isOpen());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void anEmptyContentLengthBodyIsAnEmptyAnswer() throws Exception {
        try (var upstream = scripted(send("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "", get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {1, 1000, DISCARD})
    void anUnwantedBodyUpTo16KiBIsDroppedAndTheNextRequestGetsItsOwnAnswer(int length) throws Exception {
        try (var upstream = scripted(
                send(concat(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + length + "\r\n\r\n"), pattern(length))),
                send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "", get(connection, false));
            assertTrue(connection.reusable(), "a body of " + length + " bytes is read and dropped to keep the connection");

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void anUnwantedBodyOver16KiBIsNotReadAndTheConnectionIsNotReusable() throws Exception {
        try (var upstream = scripted(
                send(concat(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + (DISCARD + 1) + "\r\n\r\n"), pattern(DISCARD + 1))));
                var connection = open(upstream)) {
            assertAnswered(200, "", get(connection, false));
            assertFalse(connection.reusable(), "a body over 16 KiB costs more than a new connection");
        }
    }

    @Test
    void theBodyOfANon2xxAnswerIsDroppedEvenWhenWanted() throws Exception {
        try (var upstream = scripted(
                send("HTTP/1.1 404 Not Found\r\nContent-Length: 19\r\n\r\n{\"error\":\"unknown\"}"), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(404, "", get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void aNon2xxBodyOver16KiBIsNotReadAndTheConnectionIsNotReusable() throws Exception {
        try (var upstream = scripted(
                send(concat(ascii("HTTP/1.1 500 Oops\r\nContent-Length: " + 20_000 + "\r\n\r\n"), pattern(20_000))));
                var connection = open(upstream)) {
            assertAnswered(500, "", get(connection, true));
            assertFalse(connection.reusable());
        }
    }

    // ---- the 1 MiB limit ----

    @Test
    void aWantedBodyOfExactlyOneMebibyteIsAnsweredAndNotOverRead() throws Exception {
        byte[] body = pattern(MIB);
        try (var upstream = scripted(
                send(concat(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + MIB + "\r\n\r\n"), body)), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, body, get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @ParameterizedTest(name = "wantBody={0}")
    @ValueSource(booleans = {true, false})
    void aContentLengthOverOneMebibyteIsTooLargeWhenWantedAndNeverReusable(boolean wantBody) throws Exception {
        try (var upstream = scripted(
                send(concat(ascii("HTTP/1.1 200 OK\r\nContent-Length: " + (MIB + 1) + "\r\n\r\n"), pattern(MIB + 1))));
                var connection = open(upstream)) {
            Call call = get(connection, wantBody);

            if (wantBody) {
                assertInstanceOf(Call.BodyTooLarge.class, call, "1 MiB + 1 wanted");
            } else {
                assertAnswered(200, "", call);
            }
            assertFalse(connection.reusable(), "the body was not read");
        }
    }

    @Test
    void aChunkedBodyOfExactlyOneMebibyteInSixteenChunksIsAnswered() throws Exception {
        byte[] body = pattern(MIB);
        try (var upstream = scripted(
                send(concat(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked(body, 64 * 1024),
                        ascii("0\r\n\r\n"))),
                send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, body, get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void aChunkedBodyThatGrowsOverOneMebibyteIsTooLargeAndNotReusable() throws Exception {
        // Sixteen chunks of 64 KiB are exactly 1 MiB: the seventeenth, of one byte, is too many.
        try (var upstream = scripted(
                send(concat(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked(pattern(MIB), 64 * 1024),
                        ascii("1\r\nx\r\n0\r\n\r\n"))));
                var connection = open(upstream)) {
            assertInstanceOf(Call.BodyTooLarge.class, get(connection, true));
            assertFalse(connection.reusable());
        }
    }

    @Test
    void aSingleChunkOverOneMebibyteIsTooLarge() throws Exception {
        try (var upstream = scripted(
                send(concat(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked(pattern(MIB + 1), MIB + 1),
                        ascii("0\r\n\r\n"))));
                var connection = open(upstream)) {
            assertInstanceOf(Call.BodyTooLarge.class, get(connection, true));
            assertFalse(connection.reusable());
        }
    }

    @Test
    void aCloseDelimitedBodyOfExactlyOneMebibyteIsAnswered() throws Exception {
        byte[] body = pattern(MIB);
        try (var upstream = scripted(sendThenClose(concat(ascii("HTTP/1.1 200 OK\r\n\r\n"), body)));
                var connection = open(upstream)) {
            assertAnswered(200, body, get(connection, true));
            assertFalse(connection.reusable());
        }
    }

    @Test
    void aCloseDelimitedBodyOverOneMebibyteIsTooLarge() throws Exception {
        try (var upstream = scripted(sendThenClose(concat(ascii("HTTP/1.1 200 OK\r\n\r\n"), pattern(MIB + 1))));
                var connection = open(upstream)) {
            assertInstanceOf(Call.BodyTooLarge.class, get(connection, true));
            assertFalse(connection.reusable());
        }
    }

    // ---- chunked ----

    @Test
    void chunksWithExtensionsHexOfEitherCaseAndTrailersAreReassembledExactly() throws Exception {
        String alphabet = "abcdefghijklmnopqrstuvwxyz";
        try (var upstream = scripted(
                send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5;ext=1\r\nhello\r\n"
                        + "1A\r\n" + alphabet + "\r\n"
                        + "1a;name=\"quoted\";flag\r\n" + alphabet.toUpperCase(Locale.ROOT) + "\r\n"
                        + "3 ;spaced\r\n!?.\r\n"
                        + "0;last=yes\r\nX-Trailer: 1\r\nX-Checksum: abc\r\n\r\n"),
                send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "hello" + alphabet + alphabet.toUpperCase(Locale.ROOT) + "!?.", get(connection, true));
            assertTrue(connection.reusable(), "the trailers were read up to their empty line");

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void manySmallChunksOfEverySizeGrowTheBodyExactly() throws Exception {
        byte[] body = pattern(100 * 101 / 2);
        var response = new ByteArrayOutputStream();
        response.writeBytes(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
        for (int size = 1, offset = 0; size <= 100; offset += size, size++) {
            response.writeBytes(ascii(Integer.toHexString(size) + "\r\n"));
            response.write(body, offset, size);
            response.writeBytes(ascii("\r\n"));
        }
        response.writeBytes(ascii("0\r\n\r\n"));
        try (var upstream = scripted(send(response.toByteArray()), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, body, get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void anEmptyChunkedBodyIsAnEmptyAnswer() throws Exception {
        try (var upstream = scripted(
                send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "", get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @ParameterizedTest(name = "{0} bytes")
    @ValueSource(ints = {10, DISCARD})
    void anUnwantedChunkedBodyUpTo16KiBIsDroppedAndTheConnectionKept(int length) throws Exception {
        try (var upstream = scripted(
                send(concat(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked(pattern(length), 4096),
                        ascii("0\r\nX-Trailer: t\r\n\r\n"))),
                send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "", get(connection, false));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void anUnwantedChunkedBodyOver16KiBIsNotReusable() throws Exception {
        try (var upstream = scripted(
                send(concat(ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked(pattern(DISCARD + 1), 4096),
                        ascii("0\r\n\r\n"))));
                var connection = open(upstream)) {
            assertAnswered(200, "", get(connection, false));
            assertFalse(connection.reusable());
        }
    }

    @Test
    void chunkedAfterOtherCodingsIsStillChunked() throws Exception {
        try (var upstream = scripted(
                send("HTTP/1.1 200 OK\r\nTransfer-Encoding: identity, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "hello", get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void aTransferCodingThatDoesNotEndInChunkedIsDelimitedByTheClose() throws Exception {
        try (var upstream = scripted(
                sendThenClose("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 2\r\n\r\n5\r\nhello\r\n0\r\n\r\n"));
                var connection = open(upstream)) {
            assertAnswered(200, "5\r\nhello\r\n0\r\n\r\n", get(connection, true));
            assertFalse(connection.reusable());
        }
    }

    // ---- close-delimited ----

    @Test
    void aBodyWithoutLengthOrChunkingIsReadToTheEndOfTheConnection() throws Exception {
        try (var upstream = scripted(sendThenClose("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhello\r\nworld"));
                var connection = open(upstream)) {
            assertAnswered(200, "hello\r\nworld", get(connection, true));
            assertFalse(connection.reusable(), "the body ended with the connection");
        }
    }

    @Test
    void anUnwantedCloseDelimitedBodyIsNotWaitedFor() throws Exception {
        // The upstream never closes: reading to the end would wait out the deadline.
        try (var upstream = scripted(send("HTTP/1.1 200 OK\r\n\r\nhello"));
                var connection = open(upstream)) {
            long start = System.nanoTime();
            assertAnswered(200, "", get(connection, false));
            assertTrue(millisSince(start) < 1_000, "answered without waiting, took " + millisSince(start) + " ms");
            assertFalse(connection.reusable());
        }
    }

    // ---- statuses without a body, interim answers ----

    static Stream<Arguments> bodiless() {
        return Stream.of(
                Arguments.of("204", "HTTP/1.1 204 No Content\r\nDate: Mon, 01 Jan 2024 00:00:00 GMT\r\n\r\n", 204),
                Arguments.of("304", "HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n", 304),
                // The length of the representation it would have sent, not of a body that follows.
                Arguments.of("304 with Content-Length", "HTTP/1.1 304 Not Modified\r\nContent-Length: 1234\r\n\r\n", 304),
                Arguments.of("204 with chunked", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n", 204));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bodiless")
    void aStatusWithoutBodyIsAnsweredAtOnceAndTheConnectionKept(String name, String response, int status) throws Exception {
        try (var upstream = scripted(send(response), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(status, "", get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void interimAnswersBeforeTheRealOneAreSkipped() throws Exception {
        try (var upstream = scripted(
                send("HTTP/1.1 100 Continue\r\n\r\n"
                        + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"
                        + "HTTP/1.1 100 Continue\r\n\r\n"
                        + "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"),
                send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "hello", get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void aContinueArrivingAloneBeforeTheAnswerIsSkipped() throws Exception {
        try (var upstream = scripted(peer -> {
            peer.write(ascii("HTTP/1.1 100 Continue\r\n\r\n"));
            Thread.sleep(50);
            peer.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"));
        }); var connection = open(upstream)) {
            assertAnswered(200, "hello", get(connection, true));
            assertTrue(connection.reusable());
        }
    }

    @Test
    void switchingProtocolsEndsTheConnectionsUseForHttp() throws Exception {
        try (var upstream = scripted(send("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"));
                var connection = open(upstream)) {
            assertAnswered(101, "", get(connection, true));
            assertFalse(connection.reusable());
        }
    }

    // ---- keep-alive and close ----

    static Stream<Arguments> persistence() {
        return Stream.of(
                Arguments.of("HTTP/1.1", "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", true),
                Arguments.of("HTTP/1.1 keep-alive", "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", true),
                Arguments.of("HTTP/1.1 close", "HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", false),
                Arguments.of("HTTP/1.1 CLOSE in a list", "HTTP/1.1 200 OK\r\nConnection: keep-alive, X-Foo ,CLOSE\r\nContent-Length: 2\r\n\r\nok", false),
                Arguments.of("HTTP/1.1 close on a second header", "HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok", false),
                Arguments.of("HTTP/1.1 close chunked", "HTTP/1.1 200 OK\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n", false),
                Arguments.of("HTTP/1.0", "HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok", false),
                Arguments.of("HTTP/1.0 keep-alive", "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", true),
                Arguments.of("HTTP/1.0 Keep-Alive", "HTTP/1.0 200 OK\r\nconnection: Keep-Alive\r\nContent-Length: 2\r\n\r\nok", true),
                Arguments.of("HTTP/1.0 keep-alive and close", "HTTP/1.0 200 OK\r\nConnection: keep-alive, close\r\nContent-Length: 2\r\n\r\nok", false));
    }

    @ParameterizedTest(name = "{0} → reusable {2}")
    @MethodSource("persistence")
    @SuppressWarnings("try") // closes the connection inside its try on purpose, to see the upstream notice
    void theConnectionHeaderAndVersionDecideReuse(String name, String response, boolean reusable) throws Exception {
        try (var upstream = scripted(send(response), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "ok", get(connection, true));
            assertEquals(reusable, connection.reusable(), name);

            if (reusable) {
                assertSecondRequestAnswered(connection, upstream);
            } else {
                connection.close();
                assertEquals(1, upstream.awaitClosedByClient(1, Duration.ofSeconds(1)), "the upstream saw the connection closed");
                assertEquals(1, upstream.requests(), "one request on it");
            }
        }
    }

    // ---- leniency: header case, LF-only lines ----

    static Stream<Arguments> lenient() {
        return Stream.of(
                Arguments.of("content-LENGTH", "HTTP/1.1 200 OK\r\ncontent-LENGTH: 5\r\n\r\nhello"),
                Arguments.of("CONTENT-LENGTH with tabs and spaces", "HTTP/1.1 200 OK\r\nCONTENT-LENGTH:\t 5 \t\r\n\r\nhello"),
                Arguments.of("TRANSFER-ENCODING: CHUNKED", "HTTP/1.1 200 OK\r\nTRANSFER-ENCODING: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("equal Content-Length twice", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("no reason phrase", "HTTP/1.1 200\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("empty reason phrase", "HTTP/1.1 200 \r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("empty header value", "HTTP/1.1 200 OK\r\nX-Empty:\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("LF only", "HTTP/1.1 200 OK\nContent-Length: 5\nX-A: b\n\nhello"),
                Arguments.of("LF only chunked", "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n2\nhe\n3;x\nllo\n0\nX-T: 1\n\n"),
                Arguments.of("mixed CRLF and LF", "HTTP/1.1 200 OK\nContent-Length: 5\r\nX-A: b\n\r\nhello"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lenient")
    void whatHttpAllowsAClientToAcceptIsUnderstood(String name, String response) throws Exception {
        try (var upstream = scripted(send(response), send(SECOND.replace("\r\n", "\n")));
                var connection = open(upstream)) {
            assertAnswered(200, "hello", get(connection, true));
            assertTrue(connection.reusable(), name);

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void aHeaderLineOfExactly8KiBIsAccepted() throws Exception {
        String line = "X-Big: " + "a".repeat(8 * 1024 - "X-Big: ".length() - 2);
        try (var upstream = scripted(send("HTTP/1.1 200 OK\r\n" + line + "\r\nContent-Length: 5\r\n\r\nhello"), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "hello", get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    @Test
    void aHeadJustUnder64KiBInSmallLinesIsAccepted() throws Exception {
        String head = "HTTP/1.1 200 OK\r\n" + fillerLines(1_760) + "Content-Length: 5\r\n\r\n";
        assertTrue(head.length() > 65_000 && head.length() < 64 * 1024, "head of " + head.length() + " bytes");
        try (var upstream = scripted(send(head + "hello"), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "hello", get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    // ---- Transfer-Encoding with Content-Length ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            "HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"})
    void chunkedWinsOverContentLengthButTheConnectionIsNotReused(String response) throws Exception {
        try (var upstream = scripted(send(response));
                var connection = open(upstream)) {
            assertAnswered(200, "hello", get(connection, true));
            assertFalse(connection.reusable(), "an answer with both may be a smuggling attempt: not trusted further");
        }
    }

    // ---- malformed ----

    static Stream<Arguments> malformed() {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        return Stream.of(
                Arguments.of("garbage status line", "HELLO THERE, NOT HTTP AT ALL\r\n\r\n"),
                Arguments.of("short garbage status line", "garbage\r\n\r\n"),
                Arguments.of("empty status line", "\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("two-digit status", "HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("four-digit status", "HTTP/1.1 2000 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("letter in status", "HTTP/1.1 2x0 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("status under 100", "HTTP/1.1 099 Low\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("no space after status", "HTTP/1.1 200OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("HTTP/2", "HTTP/2 200\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("HTTP/2.0", "HTTP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("HTTP/1.2", "HTTP/1.2 200 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("lower-case http", "http/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("header line without colon", "HTTP/1.1 200 OK\r\nContent-Length 5\r\n\r\nhello"),
                Arguments.of("space before colon", "HTTP/1.1 200 OK\r\nContent-Length : 5\r\n\r\nhello"),
                Arguments.of("tab before colon", "HTTP/1.1 200 OK\r\nContent-Length\t: 5\r\n\r\nhello"),
                Arguments.of("empty header name", "HTTP/1.1 200 OK\r\n: 5\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("whitespace before the first header line", "HTTP/1.1 200 OK\r\n X-B: 2\r\nContent-Length: 5\r\n\r\nhello"),
                Arguments.of("folded Content-Length", "HTTP/1.1 200 OK\r\nContent-Length:\r\n 5\r\n\r\nhello"),
                Arguments.of("folded Transfer-Encoding", "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip,\r\n\tchunked\r\n\r\nhello"),
                Arguments.of("non-digit Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 5a\r\n\r\nhello"),
                Arguments.of("negative Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: -5\r\n\r\nhello"),
                Arguments.of("hex Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello"),
                Arguments.of("empty Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\nhello"),
                Arguments.of("19-digit Content-Length", "HTTP/1.1 200 OK\r\nContent-Length: 1000000000000000000\r\n\r\nhello"),
                Arguments.of("conflicting Content-Length headers", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                Arguments.of("conflicting Content-Length list", "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\nhello!"),
                Arguments.of("bad chunk size hex", chunked + "zz\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("0x chunk size", chunked + "0x5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("negative chunk size", chunked + "-5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("empty chunk size", chunked + "\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("space before chunk size", chunked + " 5\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("16-digit chunk size", chunked + "1000000000000000\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("bad chunk size after a good chunk", chunked + "5\r\nhello\r\ng\r\nworld\r\n0\r\n\r\n"),
                Arguments.of("missing CRLF after a chunk", chunked + "5\r\nhello0\r\n\r\n"),
                Arguments.of("chunk longer than its size", chunked + "5\r\nhelloX\r\n0\r\n\r\n"),
                Arguments.of("header line over 8 KiB", "HTTP/1.1 200 OK\r\nX-Big: " + "a".repeat(9_000) + "\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("status line over 8 KiB", "HTTP/1.1 200 " + "O".repeat(9_000) + "\r\nContent-Length: 0\r\n\r\n"),
                Arguments.of("chunk size line over 8 KiB", chunked + "5;ext=" + "e".repeat(9_000) + "\r\nhello\r\n0\r\n\r\n"),
                Arguments.of("head over 64 KiB in small lines", "HTTP/1.1 200 OK\r\n" + fillerLines(1_780) + "Content-Length: 0\r\n\r\n"),
                Arguments.of("trailer over 64 KiB in small lines", chunked + "5\r\nhello\r\n0\r\n" + fillerLines(1_780) + "\r\n"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void aMalformedAnswerIsAMalformedResponseException(String name, String response) throws Exception {
        // The upstream keeps the connection open: an answer that only looked incomplete would
        // time out rather than pass as malformed.
        try (var upstream = scripted(send(response));
                var connection = open(upstream)) {
            assertThrows(UpstreamConnection.MalformedResponseException.class, () -> get(connection, true), name);
        }
    }

    // A bare CR in a name is not the '-' of a known one ('\r' | 0x20 == '-'): "Content\rLength"
    // is no Content-Length (RFC 9112 section 2.2: invalid, or read as a space).
    @Test
    void aBareCrInAHeaderNameDoesNotMakeItContentLength() throws Exception {
        try (var upstream = scripted(sendThenClose("HTTP/1.1 200 OK\r\nContent\rLength: 5\r\n\r\nhello world"));
                var connection = open(upstream)) {
            Call call;
            try {
                call = get(connection, true);
            } catch (UpstreamConnection.MalformedResponseException e) {
                return; // rejecting the line is right
            }
            assertAnswered(200, "hello world", call);
            assertFalse(connection.reusable(), "a body delimited by the close");
        }
    }

    @Test
    void aFoldedLineOfAnotherFieldIsSkipped() throws Exception {
        try (var upstream = scripted(send("HTTP/1.1 200 OK\r\nX-Note: a\r\n b\r\n\tc\r\nContent-Length: 5\r\n\r\nhello"));
                var connection = open(upstream)) {
            assertAnswered(200, "hello", get(connection, true));
            assertTrue(connection.reusable(), "framed by its length");
        }
    }

    // ---- cut off ----

    static Stream<Arguments> cutOff() {
        String chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        return Stream.of(
                Arguments.of("nothing at all", "", true),
                Arguments.of("mid status line", "HTTP/1.", true),
                Arguments.of("mid head", "HTTP/1.1 200 OK\r\nContent-Le", true),
                Arguments.of("before the empty line", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n", true),
                Arguments.of("mid interim answer", "HTTP/1.1 100 Continue\r\n", true),
                Arguments.of("mid Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", true),
                Arguments.of("mid unwanted Content-Length body", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello", false),
                Arguments.of("mid chunk", chunked + "a\r\nhello", true),
                Arguments.of("mid unwanted chunk", chunked + "a\r\nhello", false),
                Arguments.of("between chunks", chunked + "5\r\nhello\r\n", true),
                Arguments.of("before the last chunk's CRLF", chunked + "5\r\nhello", true),
                Arguments.of("mid trailers", chunked + "5\r\nhello\r\n0\r\nX-Trailer: 1\r\n", true));
    }

    @ParameterizedTest(name = "{0}, wantBody={2}")
    @MethodSource("cutOff")
    void anAnswerCutOffByTheUpstreamIsAnEofException(String name, String response, boolean wantBody) throws Exception {
        try (var upstream = scripted(sendThenClose(response));
                var connection = open(upstream)) {
            assertThrows(EOFException.class, () -> get(connection, wantBody), name);
        }
    }

    // ---- answers that arrive in pieces ----

    @Test
    void anAnswerWrittenOneByteAtATimeIsParsedTheSame() throws Exception {
        String alphabet = "abcdefghijklmnopqrstuvwxyz";
        try (var upstream = scripted(
                trickle("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5;ext=1\r\nhello\r\n1A\r\n" + alphabet + "\r\n0\r\nX-Trailer: 1\r\n\r\n"),
                trickle("HTTP/1.1 200 OK\nContent-Length: 6\n\nsecond"),
                trickle("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc")); // dropped, not wanted
                var connection = open(upstream)) {
            assertAnswered(200, "hello" + alphabet, get(connection, true));
            assertTrue(connection.reusable());
            assertAnswered(200, "second", get(connection, true));
            assertTrue(connection.reusable());
            assertAnswered(200, "", get(connection, false));
            assertTrue(connection.reusable());
            assertEquals(3, upstream.requests());
        }
    }

    @Test
    void anAnswerInPiecesSplitAtAwkwardPointsIsParsedTheSame() throws Exception {
        // Splits between CR and LF, inside the status, a header name, a chunk size and a body.
        try (var upstream = scripted(pieces(
                "HTTP/1.1 2", "00 OK\r", "\nTransfer-Enc", "oding: chunked\r\n\r", "\n0", "0a\r", "\n0123456", "789\r", "\n0\r\n",
                "\r", "\n"), send(SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "0123456789", get(connection, true));
            assertTrue(connection.reusable());

            assertSecondRequestAnswered(connection, upstream);
        }
    }

    // ---- extra bytes ----

    @ParameterizedTest(name = "wantBody={0}")
    @ValueSource(booleans = {true, false})
    void bytesAfterAWholeContentLengthAnswerMakeTheConnectionNotReusable(boolean wantBody) throws Exception {
        try (var upstream = scripted(send("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello" + SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, wantBody ? "hello" : "", get(connection, wantBody));
            assertFalse(connection.reusable(), "bytes nobody asked for: the connection is in no known state");
        }
    }

    @Test
    void bytesAfterAWholeChunkedAnswerMakeTheConnectionNotReusable() throws Exception {
        try (var upstream = scripted(
                send("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" + SECOND));
                var connection = open(upstream)) {
            assertAnswered(200, "hello", get(connection, true));
            assertFalse(connection.reusable());
        }
    }

    @Test
    void bytesAfterABodilessAnswerMakeTheConnectionNotReusable() throws Exception {
        try (var upstream = scripted(send("HTTP/1.1 204 No Content\r\n\r\n" + SECOND));
                var connection = open(upstream)) {
            assertAnswered(204, "", get(connection, true));
            assertFalse(connection.reusable());
        }
    }

    // ---- the request on the wire ----

    @Test
    void theRequestBytesOnTheWireAreExactlyThoseGiven() throws Exception {
        byte[] first = ascii("GET /customers/a%20b?x=%C3%A9 HTTP/1.1\r\nHost: upstream.example:8080\r\n"
                + "Accept: application/json\r\nX-Odd:  spaced \t\r\n\r\n");
        byte[] second = ascii("GET /2 HTTP/1.1\r\nHost: h\r\n\r\n");
        var afterScript = new CompletableFuture<byte[]>();
        try (var upstream = ScriptedServer.start(peer -> {
            for (String answer : List.of("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", SECOND)) {
                peer.read();
                peer.write(answer);
            }
            afterScript.complete(peer.readUntilClose());
        })) {
            try (var connection = open(upstream)) {
                assertAnswered(200, "ok", connection.get(first, System.nanoTime() + DEADLINE_NANOS, true));
                assertAnswered(200, "second", connection.get(second, System.nanoTime() + DEADLINE_NANOS, true));
            }
            assertEquals("", text(afterScript.get(1, TimeUnit.SECONDS)), "the upstream saw the connection closed,"
                    + " and nothing else was sent");
            List<Request> requests = upstream.received();
            assertEquals(2, requests.size());
            assertArrayEquals(first, requests.get(0).head(), () -> "first request: " + requests.get(0).headText());
            assertArrayEquals(second, requests.get(1).head(), () -> "second request: " + requests.get(1).headText());
        }
    }

    // ---- the deadline ----

    @Test
    void aBodyThatTricklesPastTheDeadlineIsASocketTimeout() throws Exception {
        try (var upstream = scripted(peer -> {
            peer.write(ascii("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n"));
            for (int i = 0; i < 100; i++) {
                Thread.sleep(100);
                peer.write("x");
            }
        }); var connection = open(upstream)) {
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class,
                    () -> connection.get(REQUEST, System.nanoTime() + 300_000_000L, true));
            long elapsed = millisSince(start);
            // Each read waits under 100 ms: only the call's deadline stops the trickle.
            assertTrue(elapsed >= 250 && elapsed < 1_500, "timed out after " + elapsed + " ms");
        }
    }

    @Test
    void aHeadThatTricklesPastTheDeadlineIsASocketTimeout() throws Exception {
        try (var upstream = scripted(peer -> {
            for (byte b : ascii("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")) {
                peer.write(new byte[] {b});
                Thread.sleep(100);
            }
        }); var connection = open(upstream)) {
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class,
                    () -> connection.get(REQUEST, System.nanoTime() + 300_000_000L, true));
            long elapsed = millisSince(start);
            assertTrue(elapsed >= 250 && elapsed < 1_500, "timed out after " + elapsed + " ms");
        }
    }

    @Test
    void anUpstreamThatNeverAnswersIsASocketTimeout() throws Exception {
        try (var upstream = scripted(silence()); var connection = open(upstream)) {
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class,
                    () -> connection.get(REQUEST, System.nanoTime() + 300_000_000L, true));
            long elapsed = millisSince(start);
            assertTrue(elapsed >= 250 && elapsed < 1_500, "timed out after " + elapsed + " ms");
            assertEquals(1, upstream.requests(), "the request was sent");
        }
    }

    @Test
    void aDeadlineAlreadyPastIsASocketTimeoutAtOnce() throws Exception {
        try (var upstream = scripted(silence()); var connection = open(upstream)) {
            long start = System.nanoTime();
            assertThrows(SocketTimeoutException.class, () -> connection.get(REQUEST, System.nanoTime() - 1, true));
            assertTrue(millisSince(start) < 500, "took " + millisSince(start) + " ms");
        }
    }

    @Test
    void eachCallHasItsOwnDeadline() throws Exception {
        // A first call with a short deadline must not leave its time-out to the second.
        try (var upstream = scripted(send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), peer -> {
            Thread.sleep(400);
            peer.write(ascii(SECOND));
        }); var connection = open(upstream)) {
            assertAnswered(200, "ok", connection.get(REQUEST, System.nanoTime() + 200_000_000L, true));
            assertTrue(connection.reusable());
            assertAnswered(200, "second", connection.get(REQUEST, System.nanoTime() + DEADLINE_NANOS, true));
        }
    }

    // ---- no read time-out: the watchdog closes a connection past its call's deadline ----

    /// A connection no watchdog looks at: the test plays the watchdog.
    private static UpstreamConnection openWatched(ScriptedServer upstream, AtomicInteger closes) throws IOException {
        return UpstreamConnection.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.port()), 1000,
                connection -> closes.incrementAndGet());
    }

    @Test
    @SuppressWarnings("try") // closes the connection inside its try on purpose: a second close is not told
    void aWatchedCallPastItsDeadlineEndsWhenTheWatchdogLooks() throws Exception {
        var closes = new AtomicInteger();
        try (var upstream = scripted(silence()); var connection = openWatched(upstream, closes)) {
            var thrown = new AtomicReference<Throwable>();
            long deadline = System.nanoTime() + 200_000_000L;
            Thread call = Thread.ofVirtual().start(() -> {
                try {
                    connection.get(REQUEST, deadline, true);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            Thread.sleep(400);
            assertTrue(call.isAlive(), "a watched read has no time-out of its own");
            connection.expireIfOverdue(deadline - 1);
            assertTrue(connection.isOpen(), "not yet overdue");

            connection.expireIfOverdue(System.nanoTime());

            assertTrue(call.join(Duration.ofSeconds(1)), "the call ended once the watchdog looked");
            assertInstanceOf(SocketTimeoutException.class, thrown.get());
            assertFalse(connection.isOpen());
            assertEquals(1, closes.get(), "told of the close once");
            connection.close();
            assertEquals(1, closes.get(), "and only once");
        }
    }

    @Test
    void theWatchdogLeavesAConnectionBetweenCallsAlone() throws Exception {
        var closes = new AtomicInteger();
        try (var upstream = scripted(send("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"),
                send(SECOND)); var connection = openWatched(upstream, closes)) {
            long deadline = System.nanoTime() + 100_000_000L;
            assertAnswered(200, "ok", connection.get(REQUEST, deadline, true));
            Thread.sleep(150);

            connection.expireIfOverdue(System.nanoTime());

            assertTrue(connection.isOpen(), "idle, past the last call's deadline: not a call to end");
            assertEquals(0, closes.get());
            assertSecondRequestAnswered(connection, upstream);
        }
    }

    // ---- helpers ----

    // The connections of open(), looked at every 5 ms, as ConnectionPool's watchdog does.
    private static final Set<UpstreamConnection> WATCHED = ConcurrentHashMap.newKeySet();

    static {
        Thread.ofPlatform().daemon().name("test-watchdog").start(() -> {
            while (true) {
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    return;
                }
                long now = System.nanoTime();
                WATCHED.forEach(connection -> connection.expireIfOverdue(now));
            }
        });
    }

    private static UpstreamConnection open(ScriptedServer upstream) throws IOException {
        UpstreamConnection connection = UpstreamConnection.open(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), upstream.port()), 1000, WATCHED::remove);
        WATCHED.add(connection);
        return connection;
    }

    private static Call get(UpstreamConnection connection, boolean wantBody) throws IOException {
        return connection.get(REQUEST, System.nanoTime() + DEADLINE_NANOS, wantBody);
    }

    /// A second request on the same connection gets its own answer, [#SECOND].
    private static void assertSecondRequestAnswered(UpstreamConnection connection, ScriptedServer upstream)
            throws IOException {
        assertAnswered(200, "second", get(connection, true));
        assertTrue(connection.reusable(), "reusable after the second answer");
        assertEquals(2, upstream.requests(), "both requests went over one connection");
    }

    private static void assertAnswered(int status, String body, Call call) {
        assertAnswered(status, ascii(body), call);
    }

    private static void assertAnswered(int status, byte[] body, Call call) {
        Call.Answered answered = assertInstanceOf(Call.Answered.class, call, "an answer");
        assertEquals(status, answered.status(), "status");
        assertArrayEquals(body, answered.body(), () -> answered.body().length <= 100
                ? "body was \"" + text(answered.body()) + "\""
                : "body of " + answered.body().length + " bytes, expected " + body.length);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[]... parts) {
        var all = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            all.writeBytes(part);
        }
        return all.toByteArray();
    }

    /// `length` bytes of a pattern that does not repeat at any power of two.
    private static byte[] pattern(int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (i * 31 + i / 251);
        }
        return bytes;
    }

    /// `body` in chunks of `size` bytes (the last one shorter), without the last-chunk.
    private static byte[] chunked(byte[] body, int size) {
        var out = new ByteArrayOutputStream();
        for (int offset = 0; offset < body.length; offset += size) {
            int length = Math.min(size, body.length - offset);
            out.writeBytes(ascii(Integer.toHexString(length) + "\r\n"));
            out.write(body, offset, length);
            out.writeBytes(ascii("\r\n"));
        }
        return out.toByteArray();
    }

    /// `count` header lines of 37 bytes each.
    private static String fillerLines(int count) {
        var lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append(String.format("X-Filler-%04d: %s\r\n", i, "a".repeat(20)));
        }
        return lines.toString();
    }

    /// A server answering the n-th request with the n-th of `steps` (see [Script#inTurn]).
    private static ScriptedServer scripted(Script... steps) throws IOException {
        return ScriptedServer.start(Script.inTurn(steps));
    }

    private static Script send(String response) {
        return send(ascii(response));
    }

    private static Script send(byte[] response) {
        return peer -> peer.write(response);
    }

    /// Writes `response`, then ends the upstream's side of the connection (a FIN).
    private static Script sendThenClose(String response) {
        return sendThenClose(ascii(response));
    }

    private static Script sendThenClose(byte[] response) {
        return peer -> {
            peer.write(response);
            peer.halfClose();
        };
    }

    /// Writes `response` a byte at a time, a millisecond apart.
    private static Script trickle(String response) {
        return peer -> peer.trickle(ascii(response), 1, Duration.ofMillis(1));
    }

    /// Writes each piece on its own, 5 ms apart.
    private static Script pieces(String... pieces) {
        return peer -> peer.writePieces(Duration.ofMillis(5),
                Arrays.stream(pieces).map(UpstreamConnectionTest::ascii).toArray(byte[][]::new));
    }

    /// Answers nothing.
    private static Script silence() {
        return peer -> {
        };
    }
}
