package dev.fanout.output;

import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.Violation;
import java.util.Arrays;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/// One entry of a row's `errors`: the field (absent for `field_count`), the code and the message,
/// kept as a [Violation]'s is, in its two parts: what it quotes of the cell (`quoted`, UTF-8, null
/// for none; never changed) and the `problem`, so that the renderer writes them without making the
/// message. `order` is the field's position in the schema (-1 for row-level errors), so that
/// errors added later, such as `unique`, still come out in schema field order.
@SuppressWarnings("ArrayRecordComponent") // equals, hashCode and toString below compare its bytes
public record FieldError(@Nullable String field, ErrorCode code, byte @Nullable [] quoted, String problem, int order) {
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

    @Override
    public boolean equals(Object other) {
        return other instanceof FieldError that && Objects.equals(field, that.field) && code == that.code
                && Arrays.equals(quoted, that.quoted) && problem.equals(that.problem) && order == that.order;
    }

    @Override
    public int hashCode() {
        return Objects.hash(field, code, Arrays.hashCode(quoted), problem, order);
    }

    @Override
    public String toString() {
        return "FieldError[field=" + field + ", code=" + code + ", message=" + message() + ", order=" + order + "]";
    }
}
