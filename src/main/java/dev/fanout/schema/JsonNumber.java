package dev.fanout.schema;

import java.util.Objects;

/// A cast integer or number kept as its canonical JSON text, so that any size and every digit
/// survive (`007` becomes `7`, `1.50` stays `1.50`, `1,000.5` with `groupChar` `,` becomes `1000.5`).
///
/// The text is always a valid JSON number. `NaN`, `INF` and `-INF` are not JSON numbers and are
/// represented as plain strings instead, never as a `JsonNumber`.
public record JsonNumber(String text) {
    public JsonNumber {
        Objects.requireNonNull(text, "text must not be null");
    }
}
