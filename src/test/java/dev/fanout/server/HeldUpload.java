package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;

/// A validation the test keeps running: a chunked `people` upload whose first rows are sent and
/// answered (so the server has admitted it and is streaming), and whose end is held back until
/// `finish`. The server cannot know the upload is over, so the validation stays in flight.
final class HeldUpload implements AutoCloseable {
    static final int FIRST_ROWS = 200;
    static final int ALL_ROWS = 300;
    static final People.File FILE = People.file(1, ALL_ROWS, People::mixed);

    final RawConnection connection;
    private final InputStream body;

    private HeldUpload(RawConnection connection, InputStream body) {
        this.connection = connection;
        this.body = body;
    }

    /// Starts the upload and waits (up to 10 s) until its first row line has come back. Needs a
    /// server whose `fanout.engine.chunk-rows` is well below `FIRST_ROWS`, so that rows are
    /// answered before the input ends.
    static HeldUpload start(TestGateway gateway) throws IOException {
        return start(gateway.port());
    }

    /// As `start(TestGateway)`, for a server on `port` (e.g. one in another process).
    static HeldUpload start(int port) throws IOException {
        var connection = RawConnection.open(port).readTimeout(Duration.ofSeconds(10));
        connection.postChunked("/v1/validate?schema=people&summary=true", "text/csv")
                .sendChunk(People.HEADER + rows(1, FIRST_ROWS));
        var head = connection.readHead();
        assertEquals(200, head.status(), "the held upload was admitted");
        InputStream body = connection.body(head);
        assertEquals(FILE.ndjsonAll().lines().findFirst().orElseThrow(), RawConnection.readLine(body));
        return new HeldUpload(connection, body);
    }

    /// Sends the rest of the file, ends the upload, and asserts the rest of the answer.
    void finish() throws IOException {
        connection.sendChunk(rows(FIRST_ROWS + 1, ALL_ROWS)).endChunks();
        String expected = FILE.ndjsonAll() + People.summary(ALL_ROWS, FILE.valid(), FILE.invalid());
        String rest = TestGateway.masked(RawConnection.readAll(body));
        assertEquals(expected.substring(expected.indexOf('\n') + 1), rest);
    }

    private static String rows(long fromId, long toId) {
        var rows = new StringBuilder();
        for (long id = fromId; id <= toId; id++) {
            rows.append(People.csvRow(id, People.mixed(id)));
        }
        return rows.toString();
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
