package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/// Uploads whose HTTP framing is broken or refused: a chunked body with a chunk size that is not
/// hexadecimal (or a chunk extension, which Helidon cannot read), at its start, in the middle, or
/// in the part a validation leaves unread (read through after the answer); a `Content-Length`
/// over the limit, with and without `Expect: 100-continue`; a body with no length at all (an
/// HTTP/1.0 client's); and uploads that stall. Each gets its answer (a problem, or an error line),
/// then the connection ends: Helidon's reader, once its framing is lost, takes the next line for a
/// chunk size and waits for that many bytes, which held the request, and its admission place,
/// until the client gave up. The gateway serves the next request, no admission place stays taken,
/// and none is held while a rest nobody needs is still coming.
class BrokenUploadTest {
    private static final String HEADER = "id,name,email,age\n";
    private static final String ROW = "1,Ann,ann@example.org,30\n";
    /// After a bad size line, a line that reads as a size: Helidon would wait for 0xabc bytes.
    private static final String BROKEN = "zz\r\nabc\r\n0\r\n\r\n";

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.limits.max-concurrent-large-validations", "1")
            .setting("fanout.limits.max-upload-bytes", "100000");

    @RegisterExtension
    static final GatewayExtension impatient = GatewayExtension.withSchemas()
            .setting("fanout.limits.max-concurrent-large-validations", "1")
            .setting("fanout.limits.upload-read-timeout", "1s");

    private int baseline;

    @BeforeEach
    void countThreads() {
        baseline = gateway.server().liveWorkThreads();
    }

    @ParameterizedTest
    @ValueSource(strings = {"zz", "5;name=value"})
    void aChunkSizeThatCannotBeReadIs400MalformedUpload(String sizeLine) throws Exception {
        try (var connection = open()) {
            connection.postChunked("/v1/validate?schema=people", "text/csv")
                    .send((sizeLine + "\r\nid,na\r\nabc\r\n0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            var head = connection.readHead();
            String body = RawConnection.readAll(connection.body(head));
            TestGateway.assertProblem(head.status(), head.header("content-type"), body, 400, "malformed_upload");
            assertEquals("close", head.header("connection"));
            assertTrue(connection.closedByServer(), "the connection ends");
        }
        assertLetGo();
    }

    @Test
    void aChunkSizeThatCannotBeReadAfterSomeRowsEndsTheStreamWithMalformedUpload() throws Exception {
        try (var connection = open()) {
            connection.postChunked("/v1/validate?schema=people", "text/csv")
                    .sendChunk(HEADER + ROW)
                    .send(BROKEN.getBytes(StandardCharsets.US_ASCII));
            var head = connection.readHead();
            assertEquals(200, head.status());
            String body = RawConnection.readAll(connection.body(head));
            String[] lines = body.split("\n");
            assertEquals(2, lines.length, body);
            JsonNode error = TestGateway.json(lines[1]).path("error");
            assertEquals("malformed_upload", error.path("code").asText(), body);
            assertEquals(2, error.path("row").asLong(), body);
            assertTrue(connection.closedByServer(), "the connection ends");
        }
        assertLetGo();
    }

    @Test
    void aBrokenRestAfterACsvErrorEndsTheConnectionAfterTheAnswer() throws Exception {
        try (var connection = open()) {
            connection.postChunked("/v1/validate?schema=people", "text/csv")
                    .sendChunk(HEADER + ROW + "2,\"Bo\"x,bo@example.org,3\n");
            var head = connection.readHead();
            assertEquals(200, head.status());
            String body = RawConnection.readAll(connection.body(head));
            assertTrue(body.contains("\"code\":\"malformed_csv\""), body);
            // The answer is whole; the gateway now reads the rest through, and finds it broken.
            connection.sendChunk("3,Cy,cy@example.org,4\n").send(BROKEN.getBytes(StandardCharsets.US_ASCII));
            assertTrue(connection.closedByServer(), "the connection ends instead of waiting for 0xabc bytes");
        }
        assertLetGo();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void readingTheRestThroughHoldsNoAdmissionPlace(boolean multipart) throws Exception {
        // One large place: a client whose validation ended at a CSV error but who still has its
        // upload's rest to send (slowly, or not yet) must not keep the place from the next one.
        // (A multipart file part's close read on to the part's end inside the place's scope.)
        String csv = HEADER + ROW + "2,\"Bo\"x,bo@example.org,3\n";
        byte[] whole = multipart ? new Multipart().file(csv + ROW.repeat(100)).bytes()
                : (csv + ROW.repeat(100)).getBytes(StandardCharsets.UTF_8);
        int sent = new String(whole, StandardCharsets.UTF_8).indexOf("Bo\"x") + 40;
        try (var sending = open()) {
            sending.postChunked("/v1/validate?schema=people", multipart ? Multipart.CONTENT_TYPE : "text/csv")
                    .sendChunk(Arrays.copyOf(whole, sent));
            var head = sending.readHead();
            assertTrue(RawConnection.readAll(sending.body(head)).contains("\"code\":\"malformed_csv\""));
            // Given back as the handler ends, just after its answer: not once the rest is in.
            assertTrue(Await.until(Duration.ofSeconds(10), () -> gateway.server().runningValidations() == 0),
                    "the admission place is given back while the rest is still awaited");
            try (var next = open()) {
                next.postChunked("/v1/validate?schema=people", "text/csv").sendChunk(HEADER + ROW).endChunks();
                var nextHead = next.readHead();
                assertEquals(200, nextHead.status(), "the admission place was given back");
                RawConnection.readAll(next.body(nextHead));
            }
            sending.sendChunk(Arrays.copyOfRange(whole, sent, whole.length)).endChunks();
        }
        assertLetGo();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/validate?schema=people&bogus=1", "/v1/nothing-here"})
    void aBrokenBodyRefusedBeforeItsUploadOpensEndsTheConnection(String target) throws Exception {
        try (var connection = open()) {
            connection.postChunked(target, "text/csv").sendChunk(HEADER).send(BROKEN.getBytes(StandardCharsets.US_ASCII));
            var head = connection.readHead();
            RawConnection.readAll(connection.body(head));
            assertEquals(target.contains("bogus") ? 400 : 404, head.status());
            // Not kept: the next request would have been read as the broken body's chunk data.
            assertTrue(connection.closedByServer(), "the connection ends instead of waiting for 0xabc bytes");
        }
        assertLetGo();
    }

    @ParameterizedTest
    @ValueSource(strings = {"people", "nope"})
    void aBrokenRestAfterAProblemEndsTheConnectionAfterTheProblem(String schema) throws Exception {
        int status = schema.equals("people") ? 422 : 404;
        try (var connection = open()) {
            connection.postChunked("/v1/validate?schema=" + schema, "text/csv")
                    .sendChunk("id,name,email,age,shoe\n")
                    .send(BROKEN.getBytes(StandardCharsets.US_ASCII));
            var head = connection.readHead();
            RawConnection.readAll(connection.body(head));
            assertEquals(status, head.status());
            assertTrue(connection.closedByServer(), "the connection ends instead of waiting for 0xabc bytes");
        }
        assertLetGo();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/v1/validate?schema=people&bogus=1", "/v1/nothing-here"})
    void aRefusedBodyOverTheUploadLimitIsNotReadThrough(String target) throws Exception {
        try (var connection = open()) {
            connection.postChunked(target, "text/csv").sendChunk(HEADER);
            var head = connection.readHead();
            RawConnection.readAll(connection.body(head));
            assertEquals(target.contains("bogus") ? 400 : 404, head.status());
            // 300 KB more against a limit of 100 KB: the gateway stops reading and closes, so
            // the client's sending may fail on the way (a reset).
            var rows = ROW.repeat(400).getBytes(StandardCharsets.US_ASCII);
            try {
                for (int i = 0; i < 30; i++) {
                    connection.sendChunk(rows);
                }
            } catch (IOException reset) {
                // Closed by the gateway while we were still sending: what the test asks.
            }
            assertTrue(connection.closedByServer(), "the connection ends rather than reading the rest through");
        }
        assertLetGo();
    }

    @Test
    void aRefusedBodyWithinTheUploadLimitIsReadThroughAndTheConnectionKept() throws Exception {
        try (var connection = open()) {
            for (int i = 0; i < 2; i++) {
                connection.postChunked("/v1/nothing-here", "text/csv").sendChunk(HEADER);
                connection.sendChunk(ROW.repeat(3000)).endChunks();
                var head = connection.readHead();
                RawConnection.readAll(connection.body(head));
                assertEquals(404, head.status());
                assertEquals(null, head.header("connection"));
            }
        }
    }

    @Test
    void aWholeBodyAfterAProblemStillKeepsTheConnection() throws Exception {
        try (var connection = open()) {
            for (int i = 0; i < 2; i++) {
                connection.postChunked("/v1/validate?schema=people", "text/csv")
                        .sendChunk("id,name,email,age,shoe\n")
                        .sendChunk(ROW)
                        .endChunks();
                var head = connection.readHead();
                RawConnection.readAll(connection.body(head));
                assertEquals(422, head.status());
                // HTTP/1.1 keeps a connection unless an answer says `Connection: close`.
                assertEquals(null, head.header("connection"));
            }
        }
    }

    @Test
    void aChunkedUploadOverTheLimitEndsTheConnection() throws Exception {
        try (var connection = open()) {
            connection.postChunked("/v1/validate?schema=people", "text/csv").sendChunk(HEADER);
            var rows = ROW.repeat(1000);
            for (int i = 0; i < 5; i++) {
                connection.sendChunk(rows);
            }
            var head = connection.readHead();
            String body = RawConnection.readAll(connection.body(head));
            if (head.status() == 200) {
                String last = body.substring(body.lastIndexOf('\n', body.length() - 2) + 1);
                assertEquals("upload_too_large", TestGateway.json(last).path("error").path("code").asText(), last);
            } else {
                TestGateway.assertProblem(head.status(), head.header("content-type"), body, 413, "upload_too_large");
            }
            assertTrue(connection.closedByServer(), "the connection ends rather than reading the rest through");
        }
        assertLetGo();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aContentLengthOverTheLimitIs413AndEndsTheConnection(boolean expectContinue) throws Exception {
        try (var connection = open()) {
            connection.postHead("/v1/validate?schema=people", "Content-Type: text/csv", "Content-Length: 100001",
                    expectContinue ? "Expect: 100-continue" : "X-Nothing: 1");
            if (!expectContinue) {
                // Some of the body: read and dropped before the close, not read through.
                connection.send((HEADER + ROW.repeat(1000)).getBytes(StandardCharsets.US_ASCII));
            }
            var head = connection.readHead();
            String body = RawConnection.readAll(connection.body(head));
            TestGateway.assertProblem(head.status(), head.header("content-type"), body, 413, "upload_too_large");
            assertEquals("close", head.header("connection"));
            // Nothing after the answer (no `100 Continue`), and a FIN, not a reset.
            assertEquals(-1, connection.rawBody().read(), "nothing follows the answer");
        }
        assertLetGo();
    }

    @Test
    void anHttp10BodyWithoutContentLengthIs411() throws Exception {
        try (var connection = open()) {
            connection.send(("POST /v1/validate?schema=people HTTP/1.0\r\nContent-Type: text/csv\r\n\r\n" + HEADER + ROW)
                    .getBytes(StandardCharsets.US_ASCII));
            var head = connection.readHead();
            String body = RawConnection.readAll(connection.body(head));
            TestGateway.assertProblem(head.status(), head.header("content-type"), body, 411, "length_required");
            assertTrue(connection.endedCleanly(), "the connection ends with a FIN");
        }
        assertLetGo();
    }

    @Test
    void anHttp11PostWithNeitherLengthNorChunksIs411() throws Exception {
        try (var connection = open()) {
            connection.postHead("/v1/validate?schema=people", "Content-Type: text/csv");
            var head = connection.readHead();
            String body = RawConnection.readAll(connection.body(head));
            TestGateway.assertProblem(head.status(), head.header("content-type"), body, 411, "length_required");
            assertEquals("close", head.header("connection"));
            assertTrue(connection.endedCleanly(), "the connection ends with a FIN");
        }
        assertLetGo();
    }

    @Test
    void aClientWaitingAfterABrokenBodyHoldsNoAdmissionPlace() throws Exception {
        // One large (chunked) validation at a time: a broken upload whose client waits without
        // sending more must not keep the place from the next one (it did, until the client gave
        // up: the header's read found the bad size, and closing the body read on).
        try (var waiting = open()) {
            waiting.postChunked("/v1/validate?schema=people", "text/csv")
                    .send(BROKEN.getBytes(StandardCharsets.US_ASCII));
            var head = waiting.readHead();
            String body = RawConnection.readAll(waiting.body(head));
            TestGateway.assertProblem(head.status(), head.header("content-type"), body, 400, "malformed_upload");
            assertTrue(Await.until(Duration.ofSeconds(10), () -> gateway.server().runningValidations() == 0),
                    "the broken upload's place is given back while its client still holds the connection");
            try (var next = open()) {
                next.postChunked("/v1/validate?schema=people", "text/csv").sendChunk(HEADER + ROW).endChunks();
                var nextHead = next.readHead();
                assertEquals(200, nextHead.status(), "the admission place was given back");
                assertFalse(RawConnection.readAll(next.body(nextHead)).contains("\"error\""));
            }
        }
        assertLetGo();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void anUploadThatStallsIsCutAndGivesItsPlaceBack(boolean inTheHeader) throws Exception {
        int threads = impatient.server().liveWorkThreads();
        try (var stalled = RawConnection.open(impatient.port()).readTimeout(Duration.ofSeconds(10))) {
            stalled.postChunked("/v1/validate?schema=people", "text/csv").sendChunk(inTheHeader ? "id,na" : HEADER + ROW);
            // The client keeps its connection open and sends nothing more.
            long start = System.nanoTime();
            assertFalse(readsWhole(stalled), "a stalled upload's answer does not end whole");
            assertTrue(stalled.closedByServer(), "the connection is closed");
            long waitedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(waitedMillis >= 900 && waitedMillis < 8_000, "cut after about the time-out: " + waitedMillis + " ms");
            // The place is given back as the handler ends, just after the close the client saw.
            impatient.assertRequestsLetGo(threads, Duration.ofSeconds(10));
            try (var next = RawConnection.open(impatient.port()).readTimeout(Duration.ofSeconds(10))) {
                next.postChunked("/v1/validate?schema=people", "text/csv").sendChunk(HEADER + ROW).endChunks();
                var head = next.readHead();
                assertEquals(200, head.status(), "the admission place was given back");
                assertFalse(RawConnection.readAll(next.body(head)).contains("\"error\""));
            }
        }
        impatient.assertRequestsLetGo(threads, Duration.ofSeconds(10));
    }

    @Test
    void aRefusedBodyThatStallsIsCutToo() throws Exception {
        try (var stalled = RawConnection.open(impatient.port()).readTimeout(Duration.ofSeconds(10))) {
            // Answered at once (no route), then its body read through after the answer: it stalls.
            stalled.postChunked("/v1/nothing-here", "text/csv").sendChunk(HEADER);
            var head = stalled.readHead();
            RawConnection.readAll(stalled.body(head));
            assertEquals(404, head.status());
            long start = System.nanoTime();
            assertTrue(stalled.closedByServer(), "the connection is closed");
            long waitedMillis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            assertTrue(waitedMillis >= 500 && waitedMillis < 8_000, "cut after about the time-out: " + waitedMillis + " ms");
        }
    }

    @Test
    void anUploadThatComesSlowlyButSteadilyIsNotCut() throws Exception {
        try (var slow = RawConnection.open(impatient.port()).readTimeout(Duration.ofSeconds(10))) {
            slow.postChunked("/v1/validate?schema=people&summary=true", "text/csv").sendChunk(HEADER);
            // 2.4 s in all against a time-out of 1 s: no pause reaches it.
            for (int id = 1; id <= 6; id++) {
                Thread.sleep(400);
                slow.sendChunk(id + ",Ann,ann@example.org,30\n");
            }
            slow.endChunks();
            var head = slow.readHead();
            assertEquals(200, head.status());
            String body = RawConnection.readAll(slow.body(head));
            assertTrue(body.contains("{\"summary\":{\"rows\":6,\"valid\":6,\"invalid\":0,"), body);
            assertFalse(body.contains("\"error\""), body);
        }
    }

    /// Reads the answer, if any, as far as it goes: whether it ends whole (a problem, or a
    /// stream whose last line is not an error line). A connection closed before any answer is not
    /// whole.
    private static boolean readsWhole(RawConnection connection) {
        try {
            var head = connection.readHead();
            String body = RawConnection.readAll(connection.body(head));
            return head.status() != 200 || !body.contains("\"error\"");
        } catch (IOException e) {
            return false;
        }
    }

    private static RawConnection open() throws IOException {
        return RawConnection.open(gateway.port()).readTimeout(Duration.ofSeconds(10));
    }

    private void assertLetGo() throws Exception {
        gateway.assertRequestsLetGo(baseline, Duration.ofSeconds(10));
        gateway.assertStillServes();
    }
}
