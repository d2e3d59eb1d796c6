package dev.fanout.engine;

import dev.fanout.schema.Violation;
import java.util.List;
import java.util.Optional;

/// What an upstream said about one value: nothing wrong (`failure` empty) and the values of the
/// lookup's `enrich` pointers, in the lookup's `enrich` order (String, `JsonNumber`, Boolean or
/// null); or a failure (`lookup_not_found`, `lookup_timeout`, `lookup_failed`,
/// `lookup_unavailable`), in which case every enrich value is null.
public record LookupAnswer(Optional<Violation> failure, List<Object> enrichValues) {
    public LookupAnswer {
        enrichValues = java.util.Collections.unmodifiableList(new java.util.ArrayList<>(enrichValues));
    }
}
