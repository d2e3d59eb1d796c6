package dev.fanout.schema;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/// Reads a field's `x-lookup`: `{"upstream": NAME, "path": "/…{value}…", "enrich": {name: pointer}}`.
/// The schema names an upstream of the server's configuration and a path on it, never a URL or a
/// host: a path must start with one `/`, must not hold `://`, and must contain `{value}`.
final class LookupParser {
    private static final Pattern UPSTREAM_NAME = Pattern.compile("[A-Za-z0-9_.-]+");

    private final String field;

    LookupParser(String field) {
        this.field = field;
    }

    Optional<Lookup> parse(JsonValue node) {
        if (node.isMissingNode() || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            throw invalid("x-lookup must be an object");
        }
        for (Iterator<String> keys = node.fieldNames().iterator(); keys.hasNext(); ) {
            String key = keys.next();
            if (!key.equals("upstream") && !key.equals("path") && !key.equals("enrich")) {
                throw invalid("x-lookup has an unknown key '" + key + "' (known: upstream, path, enrich)");
            }
        }
        String upstream = text(node, "upstream");
        if (!UPSTREAM_NAME.matcher(upstream).matches()) {
            throw invalid("x-lookup upstream must be the name of a configured upstream, not '" + upstream + "'");
        }
        String path = text(node, "path");
        if (!path.startsWith("/") || path.startsWith("//") || path.contains("://") || path.contains("\\")) {
            throw invalid("x-lookup path must be a path on the upstream starting with '/', not '" + path + "'");
        }
        if (!path.contains("{value}")) {
            throw invalid("x-lookup path must contain {value}");
        }
        try {
            // As the upstream's client will: the path as sent, with a stand-in value.
            new URI("http://upstream" + Lookup.asciiPath(path.replace("{value}", "x")));
        } catch (URISyntaxException e) {
            throw invalid("x-lookup path must be URI text (characters such as | ^ \" < > ` { } [ ] and a % not"
                    + " followed by two hexadecimal digits percent-encoded), not '" + path + "'");
        }
        Map<String, String> enrich = new LinkedHashMap<>();
        JsonValue enrichNode = node.path("enrich");
        if (!enrichNode.isMissingNode()) {
            if (!enrichNode.isObject()) {
                throw invalid("x-lookup enrich must be an object of name → JSON pointer");
            }
            for (Iterator<Map.Entry<String, JsonValue>> entries = enrichNode.fields().iterator(); entries.hasNext(); ) {
                Map.Entry<String, JsonValue> entry = entries.next();
                JsonValue pointer = entry.getValue();
                if (!pointer.isTextual() || !(pointer.asText().isEmpty() || pointer.asText().startsWith("/"))) {
                    throw invalid("x-lookup enrich '" + entry.getKey() + "' must be a JSON pointer such as \"/name\"");
                }
                if (entry.getKey().isEmpty()) {
                    throw invalid("x-lookup enrich names must not be empty");
                }
                enrich.put(entry.getKey(), pointer.asText());
            }
        }
        return Optional.of(new Lookup(upstream, path, enrich));
    }

    private String text(JsonValue node, String key) {
        JsonValue value = node.path(key);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw invalid("x-lookup needs a non-empty string '" + key + "'");
        }
        return value.asText();
    }

    private InvalidSchemaException invalid(String problem) {
        return new InvalidSchemaException(field, "field '" + field + "': " + problem);
    }
}
