package dev.fanout.output;

import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.Violation;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/// One entry of a row's `errors`: the field (absent for `field_count`), the code and the message,
/// kept as a [Violation]'s is, in its two parts: the cell's text it quotes (`quoted`, null for
/// none) and the `problem`, so that the renderer writes them without making the message.
/// `order` is the field's position in the schema (-1 for row-level errors), so that errors added
/// later, such as `unique`, still come out in schema field order.
public record FieldError(@Nullable String field, ErrorCode code, @Nullable String quoted, String problem, int order) {
    public FieldError {
        Objects.requireNonNull(code, "code must not be null");
        Objects.requireNonNull(problem, "problem must not be null");
    }

    /// An error whose message is `message` as it is, quoting nothing.
    public FieldError(@Nullable String field, ErrorCode code, String message, int order) {
        this(field, code, null, message, order);
    }

    /// An error of `field` (at `order`) for `violation`.
    public static FieldError of(String field, Violation violation, int order) {
        return new FieldError(field, violation.code(), violation.quoted(), violation.problem(), order);
    }

    /// The message, as [Violation#message()] makes it.
    public String message() {
        return Violation.message(quoted, problem);
    }
}
