package dev.fanout.server;

import dev.fanout.csv.InputException;
import dev.fanout.csv.StreamErrorCode;
import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.Schema;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.apache.commons.fileupload.FileItemIterator;
import org.apache.commons.fileupload.FileItemStream;
import org.apache.commons.fileupload.FileUpload;
import org.apache.commons.fileupload.FileUploadException;
import org.apache.commons.fileupload.UploadContext;

/// Reads a `multipart/form-data` validation request strictly in order, as a stream: an optional
/// `schema` part (read whole, up to the schema size limit), then the `file` part, handed to the
/// engine as a stream. Other parts are skipped. Parsing is Apache Commons FileUpload's streaming
/// iterator (Helidon 4.4 has no multipart module that works with it, see STACK-NOTES).
///
/// A `file` part that comes first while no `schema` query parameter names a schema is read
/// through (and discarded) to tell `schema_after_file` from a request that has no schema at all.
final class MultipartUpload {
    private MultipartUpload() {
    }

    static Upload open(InputStream body, String contentType, long contentLength, Optional<String> schemaName,
            SchemaRegistry registry, int maxSchemaBytes) {
        try {
            FileItemIterator parts = iterate(new Context(body, contentType, contentLength));
            Schema fromPart = null;
            int schemaBytes = 0;
            boolean anyPart = false;
            while (hasNext(parts)) {
                anyPart = true;
                FileItemStream part = parts.next();
                switch (part.getFieldName() == null ? "" : part.getFieldName()) {
                    case "schema" -> {
                        if (fromPart != null) {
                            throw ProblemException.of(ProblemCode.BAD_MULTIPART, "the request has more than one 'schema' part");
                        }
                        if (schemaName.isPresent()) {
                            throw ProblemException.of(ProblemCode.BAD_PARAMETER,
                                    "give the schema either as a 'schema' part or as the 'schema' query parameter, not both");
                        }
                        byte[] json = readSchema(part, maxSchemaBytes);
                        fromPart = parseSchema(json);
                        schemaBytes = json.length;
                    }
                    case "file" -> {
                        if (fromPart == null && schemaName.isEmpty()) {
                            throw noSchemaBeforeFile(part, parts);
                        }
                        Schema schema = fromPart != null ? fromPart : ValidateService.registered(registry, schemaName.get());
                        return new Upload(schema, new PartStream(part.openStream()), 0, schemaBytes);
                    }
                    default -> {
                        // Not ours: the iterator skips its content.
                    }
                }
            }
            if (!anyPart) {
                // FileUpload reads a body without its boundary as one without parts.
                throw ProblemException.of(ProblemCode.BAD_MULTIPART, "the multipart body has no part delimited by its boundary");
            }
            throw ProblemException.of(ProblemCode.MISSING_FILE, "the multipart request has no 'file' part");
        } catch (FileUploadException e) {
            throw ProblemException.of(ProblemCode.BAD_MULTIPART, "the multipart body is malformed: " + e.getMessage());
        } catch (IOException e) {
            throw problemOf(e);
        }
    }

    private static byte[] readSchema(FileItemStream part, int maxSchemaBytes) throws IOException {
        InputStream in = part.openStream();
        byte[] bytes = in.readNBytes(maxSchemaBytes + 1);
        if (bytes.length > maxSchemaBytes) {
            // Refused now, the part left unclosed (closing it reads it to its end, however long,
            // while the request holds its admission place), and the connection ends after the
            // answer rather than read the rest through.
            throw ProblemException.of(ProblemCode.SCHEMA_TOO_LARGE, "the schema part is over the limit of " + maxSchemaBytes
                    + " bytes", true);
        }
        in.close();
        return bytes;
    }

    private static Schema parseSchema(byte[] bytes) {
        try {
            return Schema.parse(bytes);
        } catch (InvalidSchemaException e) {
            throw ProblemException.invalidSchema(e.getMessage());
        }
    }

    private static ProblemException noSchemaBeforeFile(FileItemStream file, FileItemIterator parts)
            throws IOException, FileUploadException {
        try (InputStream in = file.openStream()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        while (hasNext(parts)) {
            if ("schema".equals(parts.next().getFieldName())) {
                return ProblemException.of(ProblemCode.SCHEMA_AFTER_FILE, "the 'schema' part must come before the 'file' part");
            }
        }
        return ProblemException.of(ProblemCode.MISSING_SCHEMA,
                "name a registered schema with the 'schema' query parameter or send a 'schema' part before 'file'");
    }

    /// FileUpload's iterator over `body`'s parts. It reads ahead to the first part's head, and
    /// [#hasNext] to each next one: some malformed heads make it throw an unchecked exception of
    /// its own (a nested `multipart/mixed` part without a boundary: a `NullPointerException`),
    /// which is the client's malformed body, not a failure of ours.
    private static FileItemIterator iterate(UploadContext body) throws IOException, FileUploadException {
        try {
            return new FileUpload().getItemIterator(body);
        } catch (RuntimeException e) {
            throw malformedHead();
        }
    }

    /// Whether another part follows (its head read); see [#iterate]. `next()` then returns it
    /// without reading.
    private static boolean hasNext(FileItemIterator parts) throws IOException, FileUploadException {
        try {
            return parts.hasNext();
        } catch (RuntimeException e) {
            throw malformedHead();
        }
    }

    /// The exception's name and message are FileUpload's insides, of no use to the client.
    private static ProblemException malformedHead() {
        return ProblemException.of(ProblemCode.BAD_MULTIPART, "the multipart body is malformed: a part's head cannot be"
                + " read (a nested multipart part without a boundary, say)");
    }

    private static ProblemException problemOf(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InputException input) {
                return ProblemException.ofStream(input.code(), input.getMessage());
            }
        }
        return ProblemException.of(ProblemCode.BAD_MULTIPART, "the multipart body is malformed: " + e.getMessage());
    }

    /// The `file` part's content; a broken multipart body surfaces as `malformed_multipart`, the
    /// upload's own failures (`upload_too_large`, `truncated_upload`, `malformed_upload`) as themselves.
    private static final class PartStream extends FilterInputStream {
        PartStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                throw translate(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                throw translate(e);
            }
        }

        private static InputException translate(IOException e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof InputException input) {
                    return input;
                }
            }
            return new InputException(StreamErrorCode.MALFORMED_MULTIPART, "the multipart body is malformed: " + e.getMessage(), e);
        }
    }

    private record Context(InputStream body, String contentType, long contentLength) implements UploadContext {
        @Override
        public String getCharacterEncoding() {
            return "UTF-8";
        }

        @Override
        public String getContentType() {
            return contentType;
        }

        @Override
        @Deprecated
        public int getContentLength() {
            return (int) Math.min(Integer.MAX_VALUE, contentLength);
        }

        @Override
        public long contentLength() {
            return contentLength;
        }

        @Override
        public InputStream getInputStream() {
            return body;
        }
    }
}
