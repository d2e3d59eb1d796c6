package dev.fanout.server;

import dev.fanout.schema.Schema;
import java.io.InputStream;

/// What a validation request brings: the schema to validate against and the CSV as a stream
/// (the raw body, or the `file` part of a multipart body, never buffered whole).
///
/// @param csvBytes the CSV's size when the request says it (a raw body's `Content-Length`); 0
///     when it does not (a chunked body, a multipart part)
/// @param inlineSchemaBytes the size of the schema part the schema was parsed from; 0 for a
///     registered schema, which every request shares
record Upload(Schema schema, InputStream csv, long csvBytes, int inlineSchemaBytes) {
}
