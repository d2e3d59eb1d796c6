package dev.fanout.bench.report;

import java.util.Objects;

/// One entry of a chart's legend: a short stretch of line (when `lineColour` is set), a marker
/// on it (when `marker` is set), then the label. `tooltip` may be `null`.
///
/// @param label the text, shown as given (escaped)
/// @param lineColour the line's colour, or `null` for a marker alone
/// @param dash the line's `stroke-dasharray`, or `null` for solid
/// @param marker the marker, or `null` for a line alone
/// @param markerColour the marker's colour (its outline when hollow)
/// @param hollow whether the marker is drawn hollow
/// @param tooltip shown on hover, or `null`
record LegendEntry(String label, String lineColour, String dash, Marker marker, String markerColour, boolean hollow,
        String tooltip) {
    LegendEntry {
        Objects.requireNonNull(label, "label must not be null");
    }

    static LegendEntry line(String label, String colour, String dash, String tooltip) {
        return new LegendEntry(label, colour, dash, null, null, false, tooltip);
    }

    static LegendEntry lineWithMarker(String label, String colour, Marker marker) {
        return new LegendEntry(label, colour, null, marker, colour, false, null);
    }

    static LegendEntry marker(String label, Marker marker, String colour, boolean hollow) {
        return new LegendEntry(label, null, null, marker, colour, hollow, null);
    }
}
