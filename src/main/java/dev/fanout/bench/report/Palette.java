package dev.fanout.bench.report;

import java.util.List;

/// Series colours: the Okabe–Ito palette, which stays distinguishable with the common forms of
/// colour blindness. Ordered so the first series get the colours that read best on white
/// (yellow last); past eight series the colours repeat, and [#dash(int)] tells the rounds apart.
final class Palette {
    static final String BLUE = "#0072B2";
    static final String VERMILLION = "#D55E00";
    static final String BLUISH_GREEN = "#009E73";
    static final String REDDISH_PURPLE = "#CC79A7";
    static final String ORANGE = "#E69F00";
    static final String SKY_BLUE = "#56B4E9";
    static final String BLACK = "#000000";
    static final String YELLOW = "#F0E442";
    /// Frames, gridlines and annotations: neutral greys that stay behind the data.
    static final String INK = "#333333";
    static final String GRID = "#e4e4e4";
    static final String MUTED = "#666666";

    private static final List<String> SERIES =
            List.of(BLUE, VERMILLION, BLUISH_GREEN, REDDISH_PURPLE, ORANGE, SKY_BLUE, BLACK, YELLOW);
    private static final List<String> DASHES = List.of("", "8 3", "2 3", "8 3 2 3");

    private Palette() {
    }

    /// The colour of series number `index` (from 0).
    static String colour(int index) {
        return SERIES.get(index % SERIES.size());
    }

    /// The `stroke-dasharray` of series number `index`, or `null` for a solid line (the first
    /// eight series).
    static String dash(int index) {
        String dash = DASHES.get(index / SERIES.size() % DASHES.size());
        return dash.isEmpty() ? null : dash;
    }
}
