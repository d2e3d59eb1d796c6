package dev.fanout.upstream;

import dev.fanout.schema.Lookup;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;

/// The request targets of one upstream: a lookup's path with `{value}` replaced by the value,
/// encoded as one path segment (see [#encodeSegment(String)]), after the base URI's path. Each
/// distinct path is checked once — it must start with `/` and stay on the upstream's host — and
/// its template kept (at most 1024 of them, each of a path of at most 1024 characters: paths come
/// from uploaded schemas too, whose 1 MiB would otherwise keep ~2 MB a path for the life of the
/// gateway). A longer path is checked at each call. Targets are ASCII, so our own client can copy
/// them into a request head byte for byte. Thread-safe.
final class RequestTarget {
    private static final String VALUE = "{value}";
    private static final int MAX_TARGETS = 1024;
    private static final int MAX_KEPT_PATH_CHARS = 1024;

    private final UpstreamSettings settings;
    // Lookup path → checked target template (base path + path, ASCII); see target(String, String).
    // Paths come from uploaded schemas too: at most MAX_TARGETS are kept.
    private final ConcurrentHashMap<String, String> targets = new ConcurrentHashMap<>();

    RequestTarget(UpstreamSettings settings) {
        this.settings = settings;
    }

    /// The request target of `path` for `value`: the base URI's path, then `path` with every
    /// `{value}` replaced by the encoded value; ASCII (other characters of `path` percent-encoded
    /// as UTF-8). Each distinct path is checked once.
    ///
    /// @throws IllegalArgumentException when the path does not start with `/`, is not URI text or
    ///         would leave the upstream's host
    String target(String path, String value) {
        String template = targets.get(path);
        if (template == null) {
            template = checkedTemplate(path);
            if (path.length() <= MAX_KEPT_PATH_CHARS && targets.size() < MAX_TARGETS) {
                targets.putIfAbsent(path, template);
            }
        }
        return template.replace(VALUE, encodeSegment(value));
    }

    /// How many checked templates are kept (tests look).
    int kept() {
        return targets.size();
    }

    private String checkedTemplate(String path) {
        if (!path.startsWith("/")) {
            // "@evil.example/x" appended to "http://crm" would change the host.
            throw new IllegalArgumentException("x-lookup path must start with '/', was '" + path + "'");
        }
        String ascii = Lookup.asciiPath(path);
        // An encoded value is letters, digits, "-_.*" and %XX: it cannot change how the rest of
        // the URI parses, so one stand-in value checks the path for every value. The path as it is
        // sent is checked, as the schema's parser checks it: a space in it is sent as %20.
        URI uri = URI.create(settings.baseUri() + ascii.replace(VALUE, "x"));
        if (!settings.baseUri().getRawAuthority().equals(uri.getRawAuthority())) {
            throw new IllegalArgumentException("x-lookup path '" + path + "' leaves upstream '" + settings.name() + "'");
        }
        // A fragment is never sent (the URI class took it off the path before, too).
        return settings.baseUri().getRawPath() + (ascii.indexOf('#') < 0 ? ascii : ascii.substring(0, ascii.indexOf('#')));
    }

    /// `value` as one path segment: every character but letters, digits and `-_.*` is
    /// percent-encoded (`/`, `?`, `#`, `%` and spaces included), and the segments `.` and `..` are
    /// encoded too, so a value can neither leave its segment nor walk up the path.
    static String encodeSegment(String value) {
        return switch (value) {
            case "." -> "%2E";
            case ".." -> "%2E%2E";
            default -> URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
        };
    }
}
