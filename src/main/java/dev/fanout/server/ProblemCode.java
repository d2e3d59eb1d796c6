package dev.fanout.server;

/// The SPEC's problem codes that the server raises itself, each with its HTTP status and its name
/// on the wire (the `code` of an `application/problem+json` body; the README's list).
///
/// Two kinds of code answer a request as a problem without being listed here, because they belong
/// to earlier stages that know nothing of HTTP: a refused CSV header (the engine's `HeaderCode`,
/// always `422`), and a stream failure met before the `200` (`StreamErrorCode`, mapped by
/// [ProblemException#ofStream]). Failures that Helidon raises before our handlers get a code made
/// from their reason phrase ([ProblemException#ofHttp]). Immutable and thread-safe.
public enum ProblemCode {
    /// A query parameter that is unknown, repeated or malformed, or a schema given twice.
    BAD_PARAMETER(400, "bad_parameter"),
    /// A request malformed below the parameters, e.g. a `Content-Length` that is not a number.
    BAD_REQUEST(400, "bad_request"),
    /// No schema is named by a `schema` parameter or sent as a `schema` part.
    MISSING_SCHEMA(400, "missing_schema"),
    /// A multipart request without a `file` part.
    MISSING_FILE(400, "missing_file"),
    /// A multipart body that cannot be parsed, or has two `schema` parts.
    BAD_MULTIPART(400, "bad_multipart"),
    /// A `schema` part after the `file` part it should describe.
    SCHEMA_AFTER_FILE(400, "schema_after_file"),
    /// The connection broke off before the `200`.
    TRUNCATED_UPLOAD(400, "truncated_upload"),
    /// A chunked upload whose framing is broken, before the `200`.
    MALFORMED_UPLOAD(400, "malformed_upload"),
    /// A multipart body that breaks off inside its `file` part before the `200`.
    MALFORMED_MULTIPART(400, "malformed_multipart"),
    /// `POST /stats/reset` on a port where resetting is turned off.
    RESET_REFUSED(403, "reset_refused"),
    /// The `schema` parameter names no registered schema.
    UNKNOWN_SCHEMA(404, "unknown_schema"),
    /// `/stats/NAME…` names no histogram.
    UNKNOWN_HISTOGRAM(404, "unknown_histogram"),
    /// `/stats/NAME.EXT` asks for a format other than `.hgrm` or `.hdr`.
    UNKNOWN_FORMAT(404, "unknown_format"),
    /// A path or method with no route.
    NOT_FOUND(404, "not_found"),
    /// An upload sent with neither `Content-Length` nor `Transfer-Encoding: chunked` (an HTTP/1.0
    /// client's body, which would otherwise read as empty).
    LENGTH_REQUIRED(411, "length_required"),
    /// A header longer than a batch (256 KiB) still being sent `upload-read-timeout` after it took
    /// its turn among the wide records the server holds at once.
    UPLOAD_TOO_SLOW(408, "upload_too_slow"),
    /// An upload over `max-upload-bytes`, by its `Content-Length` or as it is read.
    UPLOAD_TOO_LARGE(413, "upload_too_large"),
    /// A `schema` part over `max-schema-bytes`.
    SCHEMA_TOO_LARGE(413, "schema_too_large"),
    /// A body that is neither `text/csv` nor `multipart/form-data`.
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type"),
    /// A schema that cannot be used, or a reference table that turned unusable.
    INVALID_SCHEMA(422, "invalid_schema"),
    /// A bug; the detail never says more than that.
    INTERNAL_ERROR(500, "internal_error"),
    /// Too many validations are running, or the server is shutting down: retry (elsewhere).
    OVERLOADED(503, "overloaded");

    private final int status;
    private final String wireName;

    ProblemCode(int status, String wireName) {
        this.status = status;
        this.wireName = wireName;
    }

    /// The HTTP status of the answer.
    public int status() {
        return status;
    }

    /// The code as written in the problem's `code`, e.g. `bad_parameter`.
    public String wireName() {
        return wireName;
    }

    /// The problem's `title`: one per status, since the code says the rest.
    String title() {
        return switch (status) {
            case 400 -> "Bad request";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 408 -> "Request timeout";
            case 411 -> "Length required";
            case 413 -> "Payload too large";
            case 415 -> "Unsupported media type";
            // The only 422 here; a refused header's title is ProblemException.ofHeader's.
            case 422 -> "Invalid schema";
            case 500 -> "Internal server error";
            case 503 -> "Service unavailable";
            default -> throw new IllegalStateException("no title for status " + status);
        };
    }
}
