package dev.fanout.schema;

import java.util.List;

/// One entry of a schema's `foreignKeys`: the local `fields` whose values must be a key of the
/// `resource` under its `referenceFields` (same count, paired in order). An empty `resource` is a
/// reference to the file being validated itself; any other names a reference table (`NAME.csv`
/// beside the registered schemas). Immutable and thread-safe; no accessor returns `null`.
public record ForeignKey(List<String> fields, String resource, List<String> referenceFields) {
    public ForeignKey {
        fields = List.copyOf(fields);
        referenceFields = List.copyOf(referenceFields);
        if (fields.isEmpty() || fields.size() != referenceFields.size()) {
            throw new IllegalArgumentException("a foreign key pairs one or more fields with as many reference fields");
        }
    }

    /// Whether the key refers to the file being validated (`"resource": ""`, or none in v2).
    public boolean selfReference() {
        return resource.isEmpty();
    }

    /// What an error names as the key's field: the field, or the fields joined by commas.
    public String label() {
        return String.join(",", fields);
    }

    /// How a message names what is referred to: `this table (id)` or `countries (code)`.
    public String describeReference() {
        return (selfReference() ? "this table" : resource) + " (" + String.join(", ", referenceFields) + ")";
    }
}
