package dev.fanout.csv;

import dev.fanout.memory.WideRecordGate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/// Why a CSV stream could not be read on: malformed CSV, a limit exceeded, bytes that are not
/// UTF-8, or the input itself failing. Carries a stable code for the NDJSON error line and a
/// message fit for users (no library internals, no stack trace). The factories below make
/// `CsvSource`'s failures, each naming the record's first line, so that its reading code holds
/// only where they are thrown.
public final class CsvFailure extends RuntimeException {
    private final StreamErrorCode code;

    public CsvFailure(StreamErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code must not be null");
    }

    /// The SPEC error code for the error line.
    public StreamErrorCode code() {
        return code;
    }

    /// The input failed: an [InputException] with its own code (a body cut short, a deadline),
    /// or `read_failed` after the last whole record's line.
    static CsvFailure readFailed(IOException e, long recordLine) {
        if (e instanceof InputException input) {
            return new CsvFailure(input.code(), input.getMessage(), e);
        }
        return new CsvFailure(StreamErrorCode.READ_FAILED, "the input could not be read after line %d: %s"
                .formatted(recordLine - 1, e.getMessage()), e);
    }

    static CsvFailure notUtf8(long recordLine) {
        return new CsvFailure(StreamErrorCode.INVALID_UTF8,
                "the record starting on line %d contains bytes that are not valid UTF-8".formatted(recordLine), null);
    }

    static CsvFailure fieldTooLarge(int field, long recordLine, int maxFieldBytes) {
        return new CsvFailure(StreamErrorCode.FIELD_TOO_LARGE, "field %d of the record starting on line %d is longer than the limit of %d bytes"
                .formatted(field, recordLine, maxFieldBytes), null);
    }

    static CsvFailure recordTooLarge(long recordLine, int maxBytes) {
        return new CsvFailure(StreamErrorCode.RECORD_TOO_LARGE, "the record starting on line %d is longer than the limit of %d bytes"
                .formatted(recordLine, maxBytes), null);
    }

    static CsvFailure noTurnForWideRecord(long recordLine, int batchBytes, WideRecordGate gate) {
        return new CsvFailure(StreamErrorCode.OVERLOADED, ("the record starting on line %d is longer than %s, and the"
                + " server holds at most %s, and waited %s for a turn; retry when it is less busy")
                .formatted(recordLine, size(batchBytes), gate.describe(), gate.turnTime()), null);
    }

    /// The record on `turnLine` took a turn, and the input was still being read, at the record on
    /// `recordLine` (the same one, or one read after a wide header under its turn), when the turn's
    /// time was up.
    static CsvFailure wideRecordTooSlow(long turnLine, long recordLine, int batchBytes, WideRecordGate gate) {
        String what = recordLine == turnLine ? "was" : "what follows it, up to line %d, was".formatted(recordLine);
        return new CsvFailure(StreamErrorCode.UPLOAD_TOO_SLOW, ("the record starting on line %d is longer than %s, and %s"
                + " still being sent %s after it took its turn: the server holds at most %s, each for up to"
                + " fanout.limits.upload-read-timeout; send it faster").formatted(turnLine, size(batchBytes), what,
                gate.turnTime(), gate.describe()), null);
    }

    private static String size(int bytes) {
        return bytes >= 1024 ? (bytes >> 10) + " KiB" : bytes + " bytes";
    }

    static CsvFailure tooManyColumns(long recordLine, int maxColumns) {
        return new CsvFailure(StreamErrorCode.TOO_MANY_COLUMNS, "the record starting on line %d has more than %d fields"
                .formatted(recordLine, maxColumns), null);
    }

    static CsvFailure quoteNotClosed(long recordLine) {
        return new CsvFailure(StreamErrorCode.MALFORMED_CSV,
                "a quoted field of the record starting on line %d is not closed before the end of the input"
                        .formatted(recordLine), null);
    }

    /// The failure for the character of `length` bytes at `p` after a closing quote (a multi-byte
    /// one already checked as UTF-8): only its own bytes are shown, so that the message does not
    /// depend on what else happens to have been read.
    static CsvFailure afterClosingQuote(byte[] b, int p, int length, long recordLine) {
        int c = b[p] & 0xFF;
        String shown = c >= 0x80 ? "'" + new String(b, p, length, StandardCharsets.UTF_8) + "'"
                : c >= 0x20 && c < 0x7F ? "'" + (char) c + "'" : "byte 0x%02X".formatted(c);
        return new CsvFailure(StreamErrorCode.MALFORMED_CSV, ("%s after a closing quote in the record starting on line %d:"
                + " a quoted field must end at a delimiter or a line break").formatted(shown, recordLine), null);
    }
}
