package dev.fanout.server;

import dev.fanout.schema.Schema;
import java.io.InputStream;

/// What a validation request brings: the schema to validate against and the CSV as a stream
/// (the raw body, or the `file` part of a multipart body, never buffered whole).
record Upload(Schema schema, InputStream csv) {
}
