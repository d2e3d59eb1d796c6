package dev.fanout.engine;

import dev.fanout.csv.StreamErrorCode;
import java.util.Objects;
import java.util.Optional;

/// The CSV's header cannot be validated against the schema, so no row is written: either the
/// header was read and refused (a [HeaderCode]: `empty_csv`, `duplicate_column`, `missing_column`,
/// `unknown_column`, `column_order`), or the header itself could not be read, and then it carries
/// the stream's code (`malformed_csv`, `invalid_utf8`, `upload_too_large`, …). Exactly one of the
/// two is present; [#code()] is the wire name of whichever it is.
public final class HeaderException extends RuntimeException {
    private final String code;
    // Exactly one is non-null; the accessors hand them out as Optionals.
    private final HeaderCode refused;
    private final StreamErrorCode unreadable;

    /// A header that was read and refused.
    public HeaderException(HeaderCode code, String message) {
        super(message);
        this.refused = Objects.requireNonNull(code, "code must not be null");
        this.unreadable = null;
        this.code = code.wireName();
    }

    /// A header that could not be read, for the stream's reason `code`.
    public HeaderException(StreamErrorCode code, String message) {
        super(message);
        this.refused = null;
        this.unreadable = Objects.requireNonNull(code, "code must not be null");
        this.code = code.wireName();
    }

    /// The SPEC code as written on the wire, e.g. `unknown_column` or `malformed_csv`.
    public String code() {
        return code;
    }

    /// Why a header that was read is refused; empty when the header could not be read.
    public Optional<HeaderCode> refused() {
        return Optional.ofNullable(refused);
    }

    /// Why the header could not be read; empty when it was read and refused.
    public Optional<StreamErrorCode> unreadable() {
        return Optional.ofNullable(unreadable);
    }
}
