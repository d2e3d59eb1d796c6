package dev.fanout.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import dev.fanout.schema.JsonNumber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/// Writes the SPEC's NDJSON lines, byte for byte: row lines, the summary line and the error line,
/// each ending in `\n`.
///
/// Row lines, the hot path (one per CSV row), are encoded straight into a `ByteSink` with the
/// keys pre-encoded, most values copied from the cell's own bytes: measured on the 100 MB people
/// file, jackson-core's generator spent a third of the validation CPU checking its own state per
/// value. The once-per-run lines use jackson-core. A renderer serves a whole run and is
/// thread-safe (immutable); each `Lines` is one thread's.
public final class NdjsonRenderer {
    // Without this Jackson separates root values with a space, which NDJSON does not want.
    private static final JsonFactory FACTORY = new JsonFactoryBuilder().rootValueSeparator((String) null).build();
    private static final byte[] ROW = ascii("{\"row\":");
    private static final byte[] LINE = ascii(",\"line\":");
    private static final byte[] VALID_DATA = ascii(",\"valid\":true,\"data\":{");
    private static final byte[] INVALID_DATA = ascii(",\"valid\":false,\"data\":{");
    private static final byte[] ERRORS = ascii("},\"errors\":[");
    private static final byte[] FIELD = ascii("{\"field\":");
    private static final byte[] CODE = ascii(",\"code\":\"");
    private static final byte[] MESSAGE = ascii("\",\"message\":");
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] END_VALID = ascii("}}\n");
    private static final byte[] END_INVALID = ascii("]}\n");

    // The pieces of every row line, padded for ByteSink.appendPadded.
    private static final byte[] ROW_PADDED = ByteSink.padded(ROW);
    private static final byte[] LINE_PADDED = ByteSink.padded(LINE);
    private static final byte[] VALID_DATA_PADDED = ByteSink.padded(VALID_DATA);
    private static final byte[] INVALID_DATA_PADDED = ByteSink.padded(INVALID_DATA);
    private static final byte[] NULL_PADDED = ByteSink.padded(NULL);
    private static final byte[] TRUE_PADDED = ByteSink.padded(TRUE);
    private static final byte[] FALSE_PADDED = ByteSink.padded(FALSE);
    private static final byte[] END_VALID_PADDED = ByteSink.padded(END_VALID);

    /// `"name":` for each key of `data`, the first without a leading comma, the rest with one;
    /// padded for ByteSink.appendPadded, with each key's length in `keyLengths`.
    private final byte[][] keys;
    private final int[] keyLengths;

    /// A renderer whose `data` objects have these keys, in this order.
    public NdjsonRenderer(List<String> dataNames) {
        keys = new byte[dataNames.size()][];
        keyLengths = new int[keys.length];
        for (int i = 0; i < keys.length; i++) {
            var sink = new ByteSink(dataNames.get(i).length() + 4);
            if (i > 0) {
                sink.write(',');
            }
            sink.appendJsonString(dataNames.get(i));
            sink.write(':');
            keys[i] = ByteSink.padded(sink.toByteArray());
            keyLengths[i] = sink.size();
        }
    }

    /// Opens a line writer over `sink`.
    public Lines open(ByteSink sink) {
        return new Lines(sink);
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
            gen.writeNumber(String.format(Locale.ROOT, "%.1f", elapsedMs));
            gen.writeEndObject();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        sink.write('\n');
        return sink.toByteArray();
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
        return sink.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /// Writes row lines to one sink, a value at a time: [#begin], then each key of `data` in order
    /// by one of the value methods, then [#end]. Not thread-safe.
    public final class Lines {
        private final ByteSink sink;
        private final DecimalCounter rows = new DecimalCounter();
        private final DecimalCounter lines = new DecimalCounter();
        private int key;

        private Lines(ByteSink sink) {
            this.sink = sink;
        }

        /// Starts a row line: `{"row":…,"line":…,"valid":…,"data":{`.
        public void begin(long row, long line, boolean valid) {
            ByteSink out = sink;
            out.appendPadded(ROW_PADDED, ROW.length);
            rows.set(row);
            rows.appendTo(out);
            out.appendPadded(LINE_PADDED, LINE.length);
            lines.set(line);
            lines.appendTo(out);
            if (valid) {
                out.appendPadded(VALID_DATA_PADDED, VALID_DATA.length);
            } else {
                out.appendPadded(INVALID_DATA_PADDED, INVALID_DATA.length);
            }
            key = 0;
        }

        /// The next key's value is `null`.
        public void nullValue() {
            nextKey();
            sink.appendPadded(NULL_PADDED, NULL.length);
        }

        /// The next key's value is the string whose UTF-8 bytes are `utf8[start, end)`.
        public void text(byte[] utf8, int start, int end) {
            nextKey();
            sink.appendJsonString(utf8, start, end);
        }

        /// The next key's value is the JSON number whose text is `ascii[start, end)`.
        public void number(byte[] ascii, int start, int end) {
            nextKey();
            sink.write(ascii, start, end - start);
        }

        /// The next key's value is a boolean.
        public void bool(boolean value) {
            nextKey();
            if (value) {
                sink.appendPadded(TRUE_PADDED, TRUE.length);
            } else {
                sink.appendPadded(FALSE_PADDED, FALSE.length);
            }
        }

        /// The next key's value is `value`: `null`, a `String`, a [JsonNumber] or a `Boolean`.
        public void value(Object value) {
            nextKey();
            switch (value) {
                case null -> sink.append(NULL);
                case String s -> sink.appendJsonString(s);
                case JsonNumber n -> sink.appendAscii(n.text());
                case Boolean b -> sink.append(b ? TRUE : FALSE);
                default -> sink.appendJsonString(value.toString());
            }
        }

        private void nextKey() {
            int k = key++;
            sink.appendPadded(keys[k], keyLengths[k]);
        }

        /// Ends the row line: with no errors a valid row's `}}`, else the `errors` array.
        public void end(List<FieldError> errors) {
            ByteSink out = sink;
            if (errors.isEmpty()) {
                out.appendPadded(END_VALID_PADDED, END_VALID.length);
                return;
            }
            out.append(ERRORS);
            for (int e = 0; e < errors.size(); e++) {
                FieldError error = errors.get(e);
                if (e > 0) {
                    out.write(',');
                }
                out.append(FIELD);
                if (error.field() == null) {
                    out.append(NULL);
                } else {
                    out.appendJsonString(error.field());
                }
                out.append(CODE);
                out.appendAscii(error.code().wireName());
                out.append(MESSAGE);
                out.appendJsonString(error.message());
                out.write('}');
            }
            out.append(END_INVALID);
        }
    }
}
