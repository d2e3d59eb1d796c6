package dev.fanout.output;

import dev.fanout.schema.ErrorCode;
import java.util.Objects;

/// One entry of a row's `errors`: the field (absent for `field_count`), the code and the message.
/// `order` is the field's position in the schema (-1 for row-level errors), so that errors added
/// later, such as `unique`, still come out in schema field order.
public record FieldError(String field, ErrorCode code, String message, int order) {
    public FieldError {
        Objects.requireNonNull(code, "code must not be null");
        Objects.requireNonNull(message, "message must not be null");
    }
}
