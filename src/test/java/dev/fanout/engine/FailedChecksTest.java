package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.schema.Lookup;
import dev.fanout.schema.Schema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/// A chunk whose checks throw instead of returning (a bug; here an upstream client that throws
/// where it should answer) ends the stream with an `internal_error` line at that chunk's first
/// row, after the rows before it, whether the input is one chunk checked in place or several
/// checked by the run's workers; and the cause is logged with its stack trace, since the line
/// says nothing of it.
class FailedChecksTest {
    private static final Schema LOOKED_UP = EngineFixture.ORDERS_LOOKED_UP;
    private static final String CSV = "order,customer\n1,7\n2,8\n3,9\n4,10\n";

    /// An upstream client with a bug: it throws for customer 9 (row 3) and finds every other.
    private static final Lookups THROWS_AT_NINE = (Lookup lookup, String value) -> {
        if (value.equals("9")) {
            throw new IllegalArgumentException("a bug in the upstream client");
        }
        return new LookupAnswer(Optional.empty(), List.of());
    };

    private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            // Only the engine's: other tests' gateways in this JVM may log errors of their own.
            if (record.getLevel().intValue() >= Level.SEVERE.intValue()
                    && ValidationRun.class.getName().equals(record.getLoggerName())) {
                logged.add(record);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureErrors() {
        Logger.getLogger("").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
    }

    @ParameterizedTest(name = "{0} rows a chunk")
    @CsvSource({
        "1000, 1", // one chunk, checked in place: no row before the failing chunk
        "1, 3", // a chunk a row: rows 1-2 written, then the line at row 3
        "2, 3", // chunks of two: rows 1-2, then the chunk of rows 3-4 fails
    })
    void checksThatThrowEndTheStreamWithAnInternalErrorLineAtTheFailingChunk(int chunkRows, long errorRow) throws Exception {
        var options = EngineOptions.defaults().withChunkRows(chunkRows).withChunksInFlight(2);
        var out = new ByteArrayOutputStream();
        RunOutcome outcome;
        try (var run = new ValidationEngine().open(new ByteArrayInputStream(CSV.getBytes(StandardCharsets.UTF_8)),
                LOOKED_UP, options, THROWS_AT_NINE)) {
            outcome = run.writeTo(out);
        }
        String[] lines = out.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(errorRow, lines.length, String.join("\n", lines));
        for (int row = 1; row < errorRow; row++) {
            assertTrue(lines[row - 1].startsWith("{\"row\":" + row + ",\"line\":" + (row + 1) + ",\"valid\":true"), lines[row - 1]);
        }
        assertEquals("{\"error\":{\"code\":\"internal_error\",\"message\":\"validation failed unexpectedly; the rows from"
                + " here on were not checked\",\"row\":" + errorRow + "}}", lines[lines.length - 1]);
        assertTrue(outcome.failed());
        assertEquals(errorRow - 1, outcome.summary().rows(), "the rows before the failing chunk");

        assertEquals(1, logged.size(), "the cause, logged once");
        assertTrue(logged.getFirst().getMessage().contains("from row " + errorRow), logged.getFirst().getMessage());
        Throwable cause = logged.getFirst().getThrown();
        while (cause != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertInstanceOf(IllegalArgumentException.class, cause, "the bug's own exception, with its stack trace");
        assertTrue(cause.getStackTrace().length > 0);
    }
}
