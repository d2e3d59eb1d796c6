package dev.fanout.schema;

import java.util.Objects;

/// A cast value that is itself JSON — an `array`, `object`, `geojson`, `geopoint` or `list`
/// cell — kept as its compact JSON text, which the NDJSON writer copies into `data` as it is.
///
/// `size` is what `minLength` and `maxLength` count: an array's or a list's items, an object's
/// keys (0 for geopoints and GeoJSON, which take no length constraints). `toString` is the JSON
/// text, which is what a lookup or a duplicate message quotes.
public record JsonText(String json, int size) {
    public JsonText {
        Objects.requireNonNull(json, "json must not be null");
    }

    @Override
    public String toString() {
        return json;
    }
}
