package dev.fanout.schema;

import java.util.List;
import java.util.Set;

/// Casts the types whose cells hold JSON: `array` (a JSON array), `object` (a JSON object) and
/// `geojson` in its two formats, `default` (a GeoJSON object, RFC 7946) and `topojson` (a
/// TopoJSON topology). The typed value is the cell's JSON written compactly ([JsonText]), which
/// `data` shows as JSON. Immutable and thread-safe.
///
/// A cell that is not one JSON value of the right kind (an array, an object) is a `type` error.
/// For `geojson`, an object whose shape is not GeoJSON or TopoJSON is a `format` error; the check
/// is structural and light, see [#geoJsonProblem] and [#topoJsonProblem].
final class JsonCaster implements Caster {
    /// What a field of this caster holds.
    enum Kind {
        ARRAY("a JSON array"),
        OBJECT("a JSON object"),
        GEOJSON("a GeoJSON object"),
        TOPOJSON("a TopoJSON object");

        private final String noun;

        Kind(String noun) {
            this.noun = noun;
        }
    }

    private static final Set<String> GEOMETRIES = Set.of("Point", "MultiPoint", "LineString", "MultiLineString",
            "Polygon", "MultiPolygon");

    private final Kind kind;

    JsonCaster(Kind kind) {
        this.kind = kind;
    }

    @Override
    public void cast(Cell cell, List<Violation> violations) {
        JsonCell.Compact json = JsonCell.compact(cell);
        boolean wantsArray = kind == Kind.ARRAY;
        if (json == null || (wantsArray ? !json.isArray() : !json.isObject())) {
            violations.add(Violation.of(ErrorCode.TYPE, cell, "is not " + kind.noun
                    + (json == null ? ": it is not valid JSON" : "")));
            return;
        }
        if (kind == Kind.GEOJSON || kind == Kind.TOPOJSON) {
            JsonValue value = JsonCell.tree(json.json());
            String problem = kind == Kind.GEOJSON ? geoJsonProblem(value) : topoJsonProblem(value);
            if (problem != null) {
                violations.add(Violation.of(ErrorCode.FORMAT, cell, "is not " + kind.noun + ": " + problem));
                return;
            }
            cell.typedAs(new JsonText(json.json(), 0));
            return;
        }
        cell.typedAs(new JsonText(json.json(), json.size()));
    }

    /// What is not GeoJSON about `value` (an object), or null when nothing is. Checked: `type`
    /// names one of the nine GeoJSON types; a geometry has `coordinates` nested as deep as its
    /// type asks, down to positions of two or more numbers; a `GeometryCollection` has
    /// `geometries`, an array of geometries; a `Feature` has `geometry` (a geometry or null) and,
    /// if it has `properties`, an object or null; a `FeatureCollection` has `features`, an array
    /// of features. Not checked: the number of positions of a line or ring, closed rings,
    /// winding order, `bbox`, and members beyond these.
    static String geoJsonProblem(JsonValue value) {
        if (!value.isObject()) {
            return "expected an object, got " + value.kind();
        }
        JsonValue type = value.path("type");
        String name = type.textValue();
        if (name == null) {
            return "it has no \"type\" string";
        }
        if (GEOMETRIES.contains(name) || name.equals("GeometryCollection")) {
            return geometryProblem(value, name);
        }
        return switch (name) {
            case "Feature" -> featureProblem(value);
            case "FeatureCollection" -> {
                JsonValue features = value.path("features");
                if (!features.isArray()) {
                    yield "a FeatureCollection needs a \"features\" array";
                }
                for (JsonValue feature : features) {
                    String problem = feature.isObject() && "Feature".equals(feature.path("type").textValue())
                            ? featureProblem(feature) : "a FeatureCollection's features must be Feature objects";
                    if (problem != null) {
                        yield problem;
                    }
                }
                yield null;
            }
            default -> "\"" + name + "\" is not a GeoJSON type";
        };
    }

    private static String featureProblem(JsonValue feature) {
        if (!feature.has("geometry")) {
            return "a Feature needs a \"geometry\" member";
        }
        JsonValue geometry = feature.path("geometry");
        JsonValue properties = feature.path("properties");
        if (!properties.isMissingNode() && !properties.isObject() && !properties.isNull()) {
            return "a Feature's \"properties\" must be an object or null";
        }
        if (geometry.isNull()) {
            return null;
        }
        String name = geometry.path("type").textValue();
        if (!geometry.isObject() || name == null || !(GEOMETRIES.contains(name) || name.equals("GeometryCollection"))) {
            return "a Feature's \"geometry\" must be a geometry object or null";
        }
        return geometryProblem(geometry, name);
    }

    private static String geometryProblem(JsonValue geometry, String name) {
        if (name.equals("GeometryCollection")) {
            JsonValue geometries = geometry.path("geometries");
            if (!geometries.isArray()) {
                return "a GeometryCollection needs a \"geometries\" array";
            }
            for (JsonValue member : geometries) {
                String memberName = member.path("type").textValue();
                if (!member.isObject() || memberName == null
                        || !(GEOMETRIES.contains(memberName) || memberName.equals("GeometryCollection"))) {
                    return "a GeometryCollection's geometries must be geometry objects";
                }
                String problem = geometryProblem(member, memberName);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
        int depth = switch (name) {
            case "Point" -> 0;
            case "MultiPoint", "LineString" -> 1;
            case "MultiLineString", "Polygon" -> 2;
            default -> 3;
        };
        JsonValue coordinates = geometry.path("coordinates");
        if (!coordinates.isArray()) {
            return "a " + name + " needs a \"coordinates\" array";
        }
        return positions(coordinates, depth) ? null
                : "the coordinates of a " + name + " must be " + "arrays of ".repeat(depth)
                        + "positions of two or more numbers";
    }

    private static boolean positions(JsonValue array, int depth) {
        if (!array.isArray()) {
            return false;
        }
        if (depth == 0) {
            if (array.size() < 2) {
                return false;
            }
            for (JsonValue number : array) {
                if (!number.isNumber()) {
                    return false;
                }
            }
            return true;
        }
        for (JsonValue item : array) {
            if (!positions(item, depth - 1)) {
                return false;
            }
        }
        return true;
    }

    /// What is not TopoJSON about `value`, or null when nothing is. Checked: `type` is
    /// `Topology`, `objects` is an object whose members are objects with a `type` string, and
    /// `arcs`, when present, is an array. The arcs' and geometries' contents are not checked.
    static String topoJsonProblem(JsonValue value) {
        if (!"Topology".equals(value.path("type").textValue())) {
            return "its \"type\" is not \"Topology\"";
        }
        JsonValue objects = value.path("objects");
        if (!objects.isObject()) {
            return "a Topology needs an \"objects\" object";
        }
        for (JsonValue object : objects) {
            if (!object.isObject() || object.path("type").textValue() == null) {
                return "each of a Topology's objects must be an object with a \"type\" string";
            }
        }
        JsonValue arcs = value.path("arcs");
        if (!arcs.isMissingNode() && !arcs.isArray()) {
            return "a Topology's \"arcs\" must be an array";
        }
        return null;
    }

    @Override
    public Object uniqueKey(Object typed) {
        return JsonCell.keyOf(typed);
    }

    @Override
    public int compare(Object left, Object right) {
        throw new UnsupportedOperationException(kind.noun + " has no order");
    }

    @Override
    public String describe() {
        return kind.noun;
    }
}
