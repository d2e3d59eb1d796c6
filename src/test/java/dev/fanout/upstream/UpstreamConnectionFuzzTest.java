package dev.fanout.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/// Coverage-guided fuzzing of [UpstreamConnection]'s answer parsing: arbitrary bytes arrive as
/// the upstream's answer to a GET, over a socket whose streams are in memory. Its contract: each
/// call ends with a [Call] (an answer, or a body over the limit) or throws what `get` documents
/// for an answer it cannot read, a [UpstreamConnection.MalformedResponseException] or an
/// [EOFException] when the answer is cut off; never another exception, never a read after the end
/// of the input (no hang on a real socket); a kept body only for a wanted 2xx and never over
/// [Call#MAX_BODY_BYTES]; and the first answer is the same whether the bytes arrive whole or in
/// random pieces (a keep-alive connection then asks again, up to four calls, while it is reusable).
///
/// Regression inputs: `src/test/resources/dev/fanout/upstream/UpstreamConnectionFuzzTestInputs/response/`;
/// `scripts/fuzz upstream` searches for new ones.
class UpstreamConnectionFuzzTest {
    private static final byte[] REQUEST = "GET /customers/17 HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);
    private static final int CALLS = 4;

    @FuzzTest
    void response(byte[] answer) throws IOException {
        for (boolean wantBody : new boolean[] {true, false}) {
            List<String> whole = calls(answer, null, wantBody);
            List<String> pieces = calls(answer, new Random(Arrays.hashCode(answer)), wantBody);
            // Later calls may differ: bytes already read past an answer make the connection unusable.
            assertEquals(whole.getFirst(), pieces.getFirst(), "the first answer, whole vs. in pieces");
        }
    }

    /// What each call on one connection over `answer` returned, until one leaves it unusable.
    private static List<String> calls(byte[] answer, Random pieces, boolean wantBody) throws IOException {
        var socket = new InMemorySocket(new Answer(answer, pieces));
        List<String> outcomes = new ArrayList<>();
        try (var connection = new UpstreamConnection(socket, closed -> { })) {
            for (int i = 0; i < CALLS; i++) {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
                try {
                    outcomes.add(describe(connection.get(REQUEST, deadline, wantBody), wantBody));
                } catch (UpstreamConnection.MalformedResponseException e) {
                    outcomes.add("malformed: " + e.getMessage());
                    break;
                } catch (EOFException e) {
                    outcomes.add("cut off: " + e.getMessage());
                    break;
                }
                if (!connection.reusable()) {
                    break;
                }
            }
        }
        return outcomes;
    }

    private static String describe(Call call, boolean wantBody) {
        return switch (call) {
            case Call.Answered(int status, byte[] body) -> {
                assertTrue(status >= 100 && status <= 999 && (status >= 200 || status == 101), "status " + status);
                assertTrue(body.length == 0 || wantBody && status >= 200 && status < 300,
                        "a body kept for status " + status + (wantBody ? "" : " when none was wanted"));
                assertTrue(body.length <= Call.MAX_BODY_BYTES, "a body of " + body.length + " bytes");
                yield status + " with " + body.length + " bytes " + Arrays.hashCode(body);
            }
            case Call.BodyTooLarge() -> {
                assertTrue(wantBody, "a body too large when none was wanted");
                yield "body too large";
            }
            default -> throw new AssertionError("a connection-level outcome from an answer: " + call);
        };
    }

    /// The answer's bytes, whole or in random pieces of 1 to 16 bytes; fails the test when read on
    /// after its end more often than a parser that stops there would.
    private static final class Answer extends InputStream {
        private final byte[] bytes;
        private final Random pieces;
        private int position;
        private int readsAtEnd;

        Answer(byte[] bytes, Random pieces) {
            this.bytes = bytes;
            this.pieces = pieces;
        }

        @Override
        public int read() {
            throw new AssertionError("single-byte reads are not expected");
        }

        @Override
        public int read(byte[] into, int offset, int length) {
            if (length == 0) {
                throw new AssertionError("a read of nothing");
            }
            if (position == bytes.length) {
                // One read sees the end per call at most; a loop would go on here forever.
                if (++readsAtEnd > CALLS) {
                    throw new AssertionError("read on after the end of the input " + readsAtEnd + " times");
                }
                return -1;
            }
            int n = Math.min(length, bytes.length - position);
            if (pieces != null) {
                n = Math.min(n, 1 + pieces.nextInt(16));
            }
            System.arraycopy(bytes, position, into, offset, n);
            position += n;
            return n;
        }
    }

    /// A connected socket as far as the connection can tell: its streams are in memory.
    static final class InMemorySocket extends Socket {
        private final InputStream in;
        private boolean closed;

        InMemorySocket(InputStream in) {
            this.in = in;
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public synchronized void close() {
            closed = true;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }
    }
}
