package dev.fanout.schema;

import java.util.List;

/// How a temporal field's cells are written: ISO-8601 (`default` or `any`) or a strptime-style
/// pattern. Either way a cell becomes canonical ISO-8601 text, so that everything after parsing
/// (output, ordering, uniqueness) has one shape to deal with. Immutable and thread-safe.
sealed interface TemporalFormat permits IsoTemporalFormat, StrptimeFormat {

    /// The canonical ISO-8601 text of `raw`; or, appending one `type` violation, `raw` itself.
    String parse(String raw, List<Violation> violations);

    /// The format as shown in messages: `YYYY-MM-DD` or the strptime pattern.
    String display();
}
