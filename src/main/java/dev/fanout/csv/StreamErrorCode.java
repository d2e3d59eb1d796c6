package dev.fanout.csv;

/// The SPEC's in-stream error codes: the `code` of the `{"error":…}` line that ends an NDJSON
/// stream which could not go on, each with its name on the wire (the README's list, in its order).
///
/// It lives in `csv` because this is the first stage that carries one: the parser raises the CSV
/// codes (and `overloaded` and `upload_too_slow`, for a wide record that found no turn at the
/// gate or held it too long) in a `CsvFailure`,
/// and an upload's own failures (`upload_too_large`, `truncated_upload`, `malformed_upload`,
/// `malformed_multipart`), raised by the server's input streams as an `InputException`, pass
/// through the parser unchanged. The engine adds `internal_error`, `max_errors` and
/// `too_many_keys`. When the header itself cannot be read, the same codes answer the request as a
/// problem instead (the server maps each to its HTTP status). Immutable and thread-safe.
public enum StreamErrorCode {
    /// CSV syntax the parser cannot continue past, e.g. a character after a closing quote.
    MALFORMED_CSV("malformed_csv"),
    /// Bytes that are not valid UTF-8.
    INVALID_UTF8("invalid_utf8"),
    /// A field longer than `fanout.limits.max-field-bytes`.
    FIELD_TOO_LARGE("field_too_large"),
    /// A record with more fields than `fanout.limits.max-columns`.
    TOO_MANY_COLUMNS("too_many_columns"),
    /// A record longer than `fanout.limits.max-record-bytes` (it must be held whole to be validated).
    RECORD_TOO_LARGE("record_too_large"),
    /// An upload (a chunked one, whose length was not known up front) that passed its size limit.
    UPLOAD_TOO_LARGE("upload_too_large"),
    /// The connection under the upload broke off.
    TRUNCATED_UPLOAD("truncated_upload"),
    /// A chunked upload whose framing is broken (a chunk size that is not hexadecimal, say).
    MALFORMED_UPLOAD("malformed_upload"),
    /// A multipart body that breaks off or goes wrong inside its `file` part.
    MALFORMED_MULTIPART("malformed_multipart"),
    /// Another failure to read the input (a reset connection, a file that fails to read).
    READ_FAILED("read_failed"),
    /// A bug (validation failed unexpectedly), or the server ran out of memory checking or reading
    /// the rows: the rows from there on were not checked.
    INTERNAL_ERROR("internal_error"),
    /// The run reached its error limit (`max-errors`); also the summary line's `stopped`.
    MAX_ERRORS("max_errors"),
    /// The keys a run remembers for `unique`, `primaryKey`, `uniqueKeys` and self-referencing
    /// foreign keys outgrew the memory it may give them.
    TOO_MANY_KEYS("too_many_keys"),
    /// A record longer than a batch (256 KiB) that found no turn among the wide records the server
    /// may hold at once (`fanout.limits.max-concurrent-wide-records`) within its wait: the
    /// client should retry later, as after a `503 overloaded`.
    OVERLOADED("overloaded"),
    /// A record longer than a batch that was still being sent `fanout.limits.upload-read-timeout`
    /// after it took its turn: a client that sends such a record slowly, however steadily, would
    /// keep the others waiting for it.
    UPLOAD_TOO_SLOW("upload_too_slow");

    private final String wireName;

    StreamErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /// The code as written in NDJSON, e.g. `malformed_csv`.
    public String wireName() {
        return wireName;
    }
}
