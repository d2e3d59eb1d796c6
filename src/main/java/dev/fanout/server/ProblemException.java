package dev.fanout.server;

import java.util.Objects;

/// A request that fails before its `200`: the HTTP status, the SPEC's stable `code`, a title and a
/// detail for humans. `ProblemResponses` turns it into `application/problem+json` (RFC 9457).
/// Everything that rejects a request throws this, so that statuses and codes are decided here and
/// rendered in one place.
public final class ProblemException extends RuntimeException {
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

    /// `400`: a malformed request, e.g. `bad_parameter`, `bad_multipart`, `missing_file`.
    public static ProblemException badRequest(String code, String detail) {
        return new ProblemException(400, code, "Bad request", detail);
    }

    /// `403`: a request this port does not take, e.g. `reset_refused`.
    public static ProblemException forbidden(String code, String detail) {
        return new ProblemException(403, code, "Forbidden", detail);
    }

    /// `404 unknown_schema` (or another `404` code).
    public static ProblemException notFound(String code, String detail) {
        return new ProblemException(404, code, "Not found", detail);
    }

    /// `413`: an upload or a part over its size limit.
    public static ProblemException tooLarge(String code, String detail) {
        return new ProblemException(413, code, "Payload too large", detail);
    }

    /// `415 unsupported_media_type`.
    public static ProblemException unsupportedMediaType(String detail) {
        return new ProblemException(415, "unsupported_media_type", "Unsupported media type", detail);
    }

    /// `422`: an invalid schema (`invalid_schema`).
    public static ProblemException invalidSchema(String detail) {
        return new ProblemException(422, "invalid_schema", "Invalid schema", detail);
    }

    /// `422`: a CSV header that cannot be validated (`empty_csv`, `unknown_column`, …).
    public static ProblemException invalidHeader(String code, String detail) {
        return new ProblemException(422, code, "Unprocessable CSV header", detail);
    }

    /// A failure Helidon raised before or instead of our handlers (no route, a malformed query…), as
    /// a problem of the same status: `404 not_found` for a path or method that has no route, else
    /// the status's reason phrase as the code (`400 bad_request`).
    public static ProblemException ofHttp(int status, String reason, String method, String path) {
        if (status == 404 || status == 405) {
            return new ProblemException(404, "not_found", "Not found",
                    "no route for " + method + " " + path + "; see the README for the API");
        }
        String title = reason.isBlank() ? "Error" : reason;
        String code = title.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
        return new ProblemException(status, code, title, title.toLowerCase(java.util.Locale.ROOT));
    }

    /// `503 overloaded` from a server that is shutting down: the answer says `Connection: close`, so
    /// that a keep-alive client takes its retry to another replica.
    public static ProblemException shuttingDown() {
        return new ProblemException(503, "overloaded", "Service unavailable", "the server is shutting down", true);
    }

    /// Whether the answer closes the connection after it.
    public boolean closesConnection() {
        return closesConnection;
    }

    /// `503 overloaded`: the caller should retry later (`Retry-After` is added).
    public static ProblemException overloaded(String detail) {
        return new ProblemException(503, "overloaded", "Service unavailable", detail);
    }

    /// `500 internal_error`: a bug; the detail never says more than that.
    public static ProblemException internal() {
        return new ProblemException(500, "internal_error", "Internal server error",
                "the server failed unexpectedly; the failure was logged");
    }

    public int status() {
        return status;
    }

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
