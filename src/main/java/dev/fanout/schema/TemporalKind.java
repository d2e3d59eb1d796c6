package dev.fanout.schema;

/// The three temporal field types, each with its noun and its ISO-8601 default layout as shown
/// in messages.
enum TemporalKind {
    DATE("date", "YYYY-MM-DD"),
    TIME("time", "hh:mm:ss[.fraction]"),
    DATETIME("datetime", "YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]");

    private final String noun;
    private final String isoLayout;

    TemporalKind(String noun, String isoLayout) {
        this.noun = noun;
        this.isoLayout = isoLayout;
    }

    String noun() {
        return noun;
    }

    String isoLayout() {
        return isoLayout;
    }
}
