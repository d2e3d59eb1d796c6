package dev.fanout.server;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/// A `multipart/form-data` body built by hand, so that tests control every byte: part order,
/// and whether the closing boundary is there.
final class Multipart {
    static final String BOUNDARY = "----fanout-test-7MA4YWxkTrZu0gW";
    static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    private final ByteArrayOutputStream body = new ByteArrayOutputStream();

    /// Adds a part named `name` holding `content`, sent as a file called `filename`.
    Multipart part(String name, String filename, String contentType, byte[] content) {
        String head = "--" + BOUNDARY + "\r\n"
                + "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + filename + "\"\r\n"
                + "Content-Type: " + contentType + "\r\n\r\n";
        body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
        body.writeBytes(content);
        body.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        return this;
    }

    /// Adds the CSV as the `file` part.
    Multipart file(String csv) {
        return part("file", "people.csv", "text/csv", csv.getBytes(StandardCharsets.UTF_8));
    }

    /// Adds a Table Schema document as the `schema` part.
    Multipart schema(String json) {
        return part("schema", "schema.json", "application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    /// The whole body, closing boundary included.
    byte[] bytes() {
        var whole = new ByteArrayOutputStream();
        whole.writeBytes(body.toByteArray());
        whole.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        return whole.toByteArray();
    }

    /// The body without its closing boundary: the last part never ends.
    byte[] bytesWithoutClosingBoundary() {
        return body.toByteArray();
    }
}
