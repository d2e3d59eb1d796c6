package dev.fanout.schema;

import java.util.Optional;

/// A schema document that cannot be used: bad JSON, an unknown type or format, a constraint that
/// does not fit its type, a pattern that cannot run in linear time. The message names the field
/// (when the problem is in one) and the problem; it never carries parser internals.
public final class InvalidSchemaException extends RuntimeException {
    private final String field;

    public InvalidSchemaException(String field, String message) {
        super(message);
        this.field = field;
    }

    /// The name of the offending field, when the problem is inside one.
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
