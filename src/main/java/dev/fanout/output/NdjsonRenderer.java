package dev.fanout.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.SerializedString;
import dev.fanout.schema.JsonNumber;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;

/// Writes the SPEC's NDJSON lines, byte for byte: row lines, the summary line and the error line,
/// each ending in `\n`.
///
/// One renderer serves a whole run and is thread-safe (field names are pre-encoded once); each
/// `Line` it opens writes to one sink from one thread.
public final class NdjsonRenderer {
    // Without this Jackson separates root values with a space, which NDJSON does not want.
    private static final JsonFactory FACTORY = new JsonFactoryBuilder().rootValueSeparator((String) null).build();
    private static final SerializableString ROW = new SerializedString("row");
    private static final SerializableString LINE = new SerializedString("line");
    private static final SerializableString VALID = new SerializedString("valid");
    private static final SerializableString DATA = new SerializedString("data");
    private static final SerializableString ERRORS = new SerializedString("errors");
    private static final SerializableString FIELD = new SerializedString("field");
    private static final SerializableString CODE = new SerializedString("code");
    private static final SerializableString MESSAGE = new SerializedString("message");

    private final SerializableString[] dataNames;

    /// A renderer whose `data` objects have these keys, in this order.
    public NdjsonRenderer(List<String> dataNames) {
        this.dataNames = dataNames.stream().map(SerializedString::new).toArray(SerializableString[]::new);
    }

    /// Opens a line writer over `sink`; close it to flush.
    public Lines open(OutputStream sink) {
        try {
            return new Lines(FACTORY.createGenerator(sink));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render NDJSON", e);
        }
    }

    /// Renders the summary line.
    public static byte[] summaryLine(long rows, long valid, long invalid, double elapsedMs) {
        var sink = new ByteSink(96);
        try (var gen = FACTORY.createGenerator(sink)) {
            gen.writeStartObject();
            gen.writeObjectFieldStart("summary");
            gen.writeNumberField("rows", rows);
            gen.writeNumberField("valid", valid);
            gen.writeNumberField("invalid", invalid);
            // One decimal is as precise as a wall-clock figure deserves, and keeps the line short.
            gen.writeFieldName("elapsedMs");
            gen.writeNumber(String.format(java.util.Locale.ROOT, "%.1f", elapsedMs));
            gen.writeEndObject();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sink.write('\n');
        return java.util.Arrays.copyOf(sink.array(), sink.size());
    }

    /// Renders the error line that ends a stream that could not go on.
    public static byte[] errorLine(String code, String message, long row) {
        var sink = new ByteSink(128);
        try (var gen = FACTORY.createGenerator(sink)) {
            gen.writeStartObject();
            gen.writeObjectFieldStart("error");
            gen.writeStringField("code", code);
            gen.writeStringField("message", message);
            gen.writeNumberField("row", row);
            gen.writeEndObject();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sink.write('\n');
        return java.util.Arrays.copyOf(sink.array(), sink.size());
    }

    /// Writes row lines to one sink. Not thread-safe.
    public final class Lines implements AutoCloseable {
        private final JsonGenerator gen;

        private Lines(JsonGenerator gen) {
            this.gen = gen;
        }

        /// Writes one row line and flushes it into the sink, so that the sink's size marks its end.
        public void write(RowResult row) {
            try {
                gen.writeStartObject();
                gen.writeFieldName(ROW);
                gen.writeNumber(row.row());
                gen.writeFieldName(LINE);
                gen.writeNumber(row.line());
                gen.writeFieldName(VALID);
                gen.writeBoolean(row.valid());
                gen.writeFieldName(DATA);
                gen.writeStartObject();
                Object[] values = row.values();
                for (int i = 0; i < values.length; i++) {
                    gen.writeFieldName(dataNames[i]);
                    writeValue(values[i]);
                }
                gen.writeEndObject();
                if (!row.valid()) {
                    gen.writeFieldName(ERRORS);
                    gen.writeStartArray();
                    for (FieldError error : row.errors()) {
                        gen.writeStartObject();
                        gen.writeFieldName(FIELD);
                        if (error.field() == null) {
                            gen.writeNull();
                        } else {
                            gen.writeString(error.field());
                        }
                        gen.writeFieldName(CODE);
                        gen.writeString(error.code().wireName());
                        gen.writeFieldName(MESSAGE);
                        gen.writeString(error.message());
                        gen.writeEndObject();
                    }
                    gen.writeEndArray();
                }
                gen.writeEndObject();
                gen.writeRaw('\n');
                gen.flush();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot render row " + row.row(), e);
            }
        }

        private void writeValue(Object value) throws IOException {
            switch (value) {
                case null -> gen.writeNull();
                case String s -> gen.writeString(s);
                case JsonNumber n -> gen.writeNumber(n.text());
                case Boolean b -> gen.writeBoolean(b);
                default -> gen.writeString(value.toString());
            }
        }

        @Override
        public void close() {
            try {
                gen.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
