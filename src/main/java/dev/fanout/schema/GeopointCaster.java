package dev.fanout.schema;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

/// Casts `geopoint` cells in the three Table Schema formats, longitude first:
///
/// - `default`: `"lon, lat"`, two numbers around one comma, spaces allowed around each;
/// - `array`: a JSON array of exactly two numbers, `[lon, lat]`;
/// - `object`: a JSON object of exactly the keys `lon` and `lat`, both numbers.
///
/// Longitude must lie in [-180, 180] and latitude in [-90, 90]. The typed value ([JsonText]) is
/// `[lon,lat]` for `default` and `array`, and `{"lon":lon,"lat":lat}` for `object`, each number
/// written as Java's `BigDecimal` writes it (`+5` → `5`, `.5` → `0.5`, `90.0` stays `90.0`).
/// Every failure is a `type` error. Immutable and thread-safe.
final class GeopointCaster implements Caster {
    /// How a field's geopoints are written.
    enum Format {
        DEFAULT("a geopoint \"lon, lat\""),
        ARRAY("a geopoint [lon, lat]"),
        OBJECT("a geopoint {\"lon\": …, \"lat\": …}");

        private final String noun;

        Format(String noun) {
            this.noun = noun;
        }
    }

    // The `default` format's numbers: decimals with an optional sign and exponent, as Python's
    // Decimal reads them (frictionless-py), without its NaN and Infinity.
    private static final Pattern NUMBER = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d{1,4})?");
    private static final BigDecimal LON = BigDecimal.valueOf(180);
    private static final BigDecimal LAT = BigDecimal.valueOf(90);

    private final Format format;

    GeopointCaster(Format format) {
        this.format = format;
    }

    @Override
    public void cast(Cell cell, List<Violation> violations) {
        String raw = cell.text();
        BigDecimal lon;
        BigDecimal lat;
        if (format == Format.DEFAULT) {
            int comma = raw.indexOf(',');
            String lonText = comma < 0 ? "" : raw.substring(0, comma).strip();
            String latText = comma < 0 ? "" : raw.substring(comma + 1).strip();
            if (!NUMBER.matcher(lonText).matches() || !NUMBER.matcher(latText).matches()) {
                violations.add(Violation.of(ErrorCode.TYPE, raw, "is not " + format.noun));
                return;
            }
            lon = new BigDecimal(lonText);
            lat = new BigDecimal(latText);
        } else {
            JsonCell.Compact json = JsonCell.compact(cell);
            JsonValue tree = json == null ? JsonValue.MISSING : JsonCell.tree(json.json());
            boolean array = format == Format.ARRAY;
            JsonValue lonValue = array ? tree.get(0) : tree.get("lon");
            JsonValue latValue = array ? tree.get(1) : tree.get("lat");
            boolean shaped = (array ? tree.isArray() : tree.isObject()) && tree.size() == 2
                    && lonValue != null && lonValue.isNumber() && latValue != null && latValue.isNumber();
            if (!shaped) {
                violations.add(Violation.of(ErrorCode.TYPE, raw, "is not " + format.noun));
                return;
            }
            // Not the tree's numbers, which drop trailing zeros: the cell's own number text.
            lon = new BigDecimal(numberText(json.json(), format, 0));
            lat = new BigDecimal(numberText(json.json(), format, 1));
        }
        if (lon.abs().compareTo(LON) > 0) {
            violations.add(Violation.of(ErrorCode.TYPE, raw, "is not " + format.noun
                    + ": longitude " + lon + " is outside [-180, 180]"));
            return;
        }
        if (lat.abs().compareTo(LAT) > 0) {
            violations.add(Violation.of(ErrorCode.TYPE, raw, "is not " + format.noun
                    + ": latitude " + lat + " is outside [-90, 90]"));
            return;
        }
        cell.typedAs(new JsonText(format == Format.OBJECT
                ? "{\"lon\":" + lon + ",\"lat\":" + lat + "}"
                : "[" + lon + "," + lat + "]", 0));
    }

    /// The text of the longitude (`which` 0) or latitude (1) in the compact JSON of a shaped
    /// cell: `[lon,lat]`, or an object of the two keys in either order.
    private static String numberText(String json, Format format, int which) {
        if (format == Format.ARRAY) {
            int comma = json.indexOf(',');
            return which == 0 ? json.substring(1, comma) : json.substring(comma + 1, json.length() - 1);
        }
        String key = which == 0 ? "\"lon\":" : "\"lat\":";
        int at = json.indexOf(key) + key.length();
        int end = at;
        while (end < json.length() && json.charAt(end) != ',' && json.charAt(end) != '}') {
            end++;
        }
        return json.substring(at, end);
    }

    @Override
    public Object uniqueKey(Object typed) {
        return JsonCell.keyOf(typed);
    }

    @Override
    public int compare(Object left, Object right) {
        throw new UnsupportedOperationException("geopoints have no order");
    }

    @Override
    public String describe() {
        return format.noun;
    }
}
