package dev.fanout.server;

import dev.fanout.csv.StreamErrorCode;
import dev.fanout.engine.HeaderException;
import java.util.Objects;

/// A request that fails before its `200`: the HTTP status, the SPEC's stable `code`, a title and a
/// detail for humans. `ProblemResponses` turns it into `application/problem+json` (RFC 9457).
/// Everything that rejects a request throws this, so that statuses and codes are decided here and
/// rendered in one place: our own codes are [ProblemCode]s, which carry their status; a refused
/// header and a stream failure are mapped by [#ofHeader] and [#ofStream].
public final class ProblemException extends RuntimeException {
    /// The title of every refused or unreadable header (`422`).
    private static final String UNPROCESSABLE_HEADER = "Unprocessable CSV header";

    private final int status;
    private final String code;
    private final String title;
    private final boolean closesConnection;

    private ProblemException(int status, String code, String title, String detail) {
        this(status, code, title, detail, false);
    }

    private ProblemException(int status, String code, String title, String detail, boolean closesConnection) {
        super(detail);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code must not be null");
        this.title = Objects.requireNonNull(title, "title must not be null");
        this.closesConnection = closesConnection;
    }

    /// This problem, ending the connection after its answer (its upload broke).
    ProblemException closingConnection() {
        var copy = new ProblemException(status, code, title, getMessage(), true);
        copy.initCause(this);
        return copy;
    }

    /// The problem `code` with its status, e.g. `400 bad_parameter` or `404 unknown_schema`.
    public static ProblemException of(ProblemCode code, String detail) {
        return of(code, detail, false);
    }

    /// The problem `code` with its status, ending the connection after the answer when
    /// `closesConnection` (an upload refused or broken before its end: what is left of it is not
    /// read).
    static ProblemException of(ProblemCode code, String detail, boolean closesConnection) {
        return new ProblemException(code.status(), code.wireName(), code.title(), detail, closesConnection);
    }

    /// `415 unsupported_media_type`.
    public static ProblemException unsupportedMediaType(String detail) {
        return of(ProblemCode.UNSUPPORTED_MEDIA_TYPE, detail);
    }

    /// `422`: an invalid schema (`invalid_schema`).
    public static ProblemException invalidSchema(String detail) {
        return of(ProblemCode.INVALID_SCHEMA, detail);
    }

    /// A CSV header that cannot be validated: `422` with its code (`empty_csv`, `unknown_column`, …),
    /// or, when the header itself could not be read, the stream's code as [#ofStream] answers it.
    public static ProblemException ofHeader(HeaderException e) {
        return e.refused()
                .map(code -> new ProblemException(422, code.wireName(), UNPROCESSABLE_HEADER, e.getMessage()))
                .orElseGet(() -> ofStream(e.unreadable().orElseThrow(), e.getMessage()));
    }

    /// A stream failure met before the `200`: the upload's own failures are answered as
    /// themselves (`413 upload_too_large`, `400 truncated_upload`, `400 malformed_upload`,
    /// `400 malformed_multipart`), a wide header that found no turn at the gate as `503 overloaded`,
    /// one that held its turn too long as `408 upload_too_slow`, a CSV that cannot be read as far
    /// as its header as `422` with the stream's code. The first three and `408` end the
    /// connection: the rest of the body cannot be found on it, is too large to read through, or
    /// comes too slowly.
    public static ProblemException ofStream(StreamErrorCode code, String detail) {
        return switch (code) {
            case UPLOAD_TOO_LARGE -> of(ProblemCode.UPLOAD_TOO_LARGE, detail, true);
            case TRUNCATED_UPLOAD -> of(ProblemCode.TRUNCATED_UPLOAD, detail, true);
            case MALFORMED_UPLOAD -> of(ProblemCode.MALFORMED_UPLOAD, detail, true);
            case MALFORMED_MULTIPART -> of(ProblemCode.MALFORMED_MULTIPART, detail);
            case OVERLOADED -> overloaded(detail);
            case UPLOAD_TOO_SLOW -> of(ProblemCode.UPLOAD_TOO_SLOW, detail, true);
            case MALFORMED_CSV, INVALID_UTF8, FIELD_TOO_LARGE, TOO_MANY_COLUMNS, RECORD_TOO_LARGE, READ_FAILED, INTERNAL_ERROR,
                    MAX_ERRORS, TOO_MANY_KEYS ->
                    new ProblemException(422, code.wireName(), UNPROCESSABLE_HEADER, detail);
        };
    }

    /// A failure Helidon raised before or instead of our handlers (no route, a malformed query…), as
    /// a problem of the same status: `404 not_found` for a path or method that has no route, else
    /// the status's reason phrase as the code (`400 bad_request`).
    public static ProblemException ofHttp(int status, String reason, String method, String path) {
        if (status == 404 || status == 405) {
            return of(ProblemCode.NOT_FOUND, "no route for " + method + " " + path + "; see the README for the API");
        }
        String title = reason.isBlank() ? "Error" : reason;
        String code = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        return new ProblemException(status, code, title, title.toLowerCase(java.util.Locale.ROOT));
    }

    /// `503 overloaded` from a server that is shutting down: the answer says `Connection: close`, so
    /// that a keep-alive client takes its retry to another replica.
    public static ProblemException shuttingDown() {
        return of(ProblemCode.OVERLOADED, "the server is shutting down", true);
    }

    /// Whether the answer closes the connection after it.
    public boolean closesConnection() {
        return closesConnection;
    }

    /// `503 overloaded`: the caller should retry later (`Retry-After` is added).
    public static ProblemException overloaded(String detail) {
        return of(ProblemCode.OVERLOADED, detail);
    }

    /// `500 internal_error`: a bug; the detail never says more than that.
    public static ProblemException internal() {
        return of(ProblemCode.INTERNAL_ERROR, "the server failed unexpectedly; the failure was logged");
    }

    public int status() {
        return status;
    }

    /// The problem's `code` as written on the wire: a [ProblemCode]'s, a header's or a stream's,
    /// or one made from a Helidon failure's reason phrase.
    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }
}
