package dev.fanout.output;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.JsonNumber;
import dev.fanout.schema.JsonText;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/// Writes the SPEC's NDJSON lines, byte for byte: row lines, the summary line and the error line,
/// each ending in `\n`.
///
/// Row lines, the hot path (one per CSV row), are encoded straight into a `ByteSink` with the
/// keys pre-encoded, most values copied from the cell's own bytes: measured on the 100 MB people
/// file, jackson-core's generator spent a third of the validation CPU checking its own state per
/// value. The once-per-run lines use jackson-core. A renderer serves a whole run and is
/// thread-safe (immutable); each `Lines` is one thread's.
public final class NdjsonRenderer {
    private static final byte[] ROW = ascii("{\"row\":");
    private static final byte[] LINE = ascii(",\"line\":");
    private static final byte[] VALID_DATA = ascii(",\"valid\":true,\"data\":{");
    private static final byte[] INVALID_DATA = ascii(",\"valid\":false,\"data\":{");
    private static final byte[] ERRORS = ascii("},\"errors\":[");
    private static final byte[] FIELD = ascii("{\"field\":");
    private static final byte[] FIELD_NULL = ascii("{\"field\":null");
    /// `,"code":"CODE","message":` for each [ErrorCode]: an invalid row's errors are pieces known
    /// before the run but for their messages.
    private static final byte[][] CODE_AND_MESSAGE = codeAndMessagePieces();
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");
    private static final byte[] END_VALID = ascii("}}\n");
    private static final byte[] END_INVALID = ascii("]}\n");
    /// Around the quoted cell of a message, `"\"` before it and `\" ` after it: the first as `"\`
    /// and the cell's JSON string's opening quote, the second in place of its closing quote.
    private static final byte[] MESSAGE_QUOTE_OPEN = ascii("\"\\");
    private static final byte[] MESSAGE_QUOTE_CLOSE = ascii("\\\" ");
    private static final byte[] MESSAGE_END = ascii("\"}");

    /// Slots of a `Lines`' problems: more than a schema has problems, as a rule.
    private static final int PROBLEM_SLOTS = 64;
    /// Problems longer than this are written as they come, never kept.
    private static final int PROBLEM_CHARS_KEPT = 256;
    /// Slots a problem may be kept in: the one its hash gives and the next ones.
    private static final int PROBLEM_PROBES = 4;

    /// Rows whose cells span more bytes than this reserve room value by value (see Lines.row).
    private static final int LARGE_ROW_BYTES = 64 * 1024;

    /// Room a row line needs besides its values' bytes (escaped, at most six bytes each): the
    /// fixed pieces, two numbers, the keys, and quotes or `false` per key.
    private final int lineBound;

    /// What an error of one field may take besides its field's name: code, message and
    /// punctuation (the longest fixed problem is ~150 bytes; a cell's bytes in a message are
    /// counted with the values).
    private static final int ERROR_BYTES = 256;
    /// [#lineBound] plus an error for every key: what a row's line may take besides its values'
    /// bytes when every field fails ([#rowsWithin]).
    private final long rowBound;

    /// `"name":` for each key of `data`, the first without a leading comma, the rest with one.
    private final byte[][] keys;

    /// `{"field":"name"` for each key of `data`: the start of an error of that field.
    private final Map<String, byte[]> errorFields;
    /// The keys of `data` and their error starts by position: an error's `order` is its field's
    /// position, which is its key's, so the start is found without a lookup by name.
    private final String[] names;
    private final byte[][] errorFieldsByKey;

    /// A problem and its encoding, as the inside of a JSON string.
    private record ProblemBytes(String problem, byte[] json) {
    }

    /// Renderers already made, by their keys: nearly every request of a gateway has the same
    /// keys as many before it, and encoding them anew was ~4 % of a small request's allocations.
    /// Bounded: emptied when full (a client can send as many different headers as it likes), and
    /// only small renderers are kept, by an estimate of their size: ~160 bytes a key (its name,
    /// its two encodings, their arrays and map entry) plus 8 a char. A header cell can be a MiB
    /// long; and counting chars alone let 64 renderers of 4,096 one-char keys (60 KB uploads,
    /// each with its own inline schema) hold ~35 MB of the heap. At most 64 × 64 KiB now.
    private static final int CACHED_RENDERERS = 64;
    private static final long CACHED_RENDERER_BYTES = 64 * 1024;
    private static final int KEY_BYTES = 160;
    private static final int KEY_CHAR_BYTES = 8;
    private static final ConcurrentHashMap<List<String>, NdjsonRenderer> CACHE = new ConcurrentHashMap<>();

    /// A renderer whose `data` objects have these keys, in this order.
    public static NdjsonRenderer of(List<String> dataNames) {
        NdjsonRenderer renderer = CACHE.get(dataNames);
        if (renderer != null) {
            return renderer;
        }
        List<String> keys = List.copyOf(dataNames);
        renderer = new NdjsonRenderer(keys);
        long size = 0;
        for (String key : keys) {
            size += KEY_BYTES + (long) KEY_CHAR_BYTES * key.length();
        }
        if (size <= CACHED_RENDERER_BYTES) {
            if (CACHE.size() >= CACHED_RENDERERS) {
                CACHE.clear();
            }
            CACHE.put(keys, renderer);
        }
        return renderer;
    }

    private NdjsonRenderer(List<String> dataNames) {
        keys = new byte[dataNames.size()][];
        names = dataNames.toArray(String[]::new);
        errorFieldsByKey = new byte[keys.length][];
        var fields = new HashMap<String, byte[]>();
        int bound = ROW.length + LINE.length + INVALID_DATA.length + 2 * 20 + 16;
        for (int i = 0; i < keys.length; i++) {
            var sink = new ByteSink(dataNames.get(i).length() + 4);
            if (i > 0) {
                sink.write(',');
            }
            sink.appendJsonString(dataNames.get(i));
            sink.write(':');
            keys[i] = sink.toByteArray();
            bound += keys[i].length + 8;
            var field = new ByteSink(FIELD.length + keys[i].length);
            field.append(FIELD);
            field.appendJsonString(dataNames.get(i));
            errorFieldsByKey[i] = field.toByteArray();
            fields.putIfAbsent(dataNames.get(i), errorFieldsByKey[i]);
        }
        lineBound = bound;
        long errors = 0;
        for (byte[] field : errorFieldsByKey) {
            errors += field.length + ERROR_BYTES;
        }
        rowBound = bound + errors;
        errorFields = Map.copyOf(fields);
    }

    /// How many rows of at most `maxRows` render within about `bytes` of lines, besides their
    /// values' bytes (at least one): a chunk's rows are cut by the bytes they take as input, but a
    /// `data` of many keys (a schema of thousands of fields, each `null` where no column has it)
    /// turns a two-byte row into a line of hundreds of kilobytes, and a chunk of a thousand of
    /// them into hundreds of megabytes.
    public int rowsWithin(long bytes, int maxRows) {
        return Math.clamp(bytes / rowBound, 1, maxRows);
    }

    @SuppressWarnings("EnumOrdinal") // an array by ordinal instead of an EnumMap: see below
    private static byte[] codeAndMessage(ErrorCode code) {
        return CODE_AND_MESSAGE[code.ordinal()];
    }

    @SuppressWarnings("EnumOrdinal") // by ordinal, filled from values() itself
    private static byte[][] codeAndMessagePieces() {
        // By ordinal rather than in an EnumMap, whose key universe is found by a reflective call
        // of `values()`: the JVM's first reflective call, ~1 ms of a CLI run's start.
        ErrorCode[] codes = ErrorCode.values();
        var pieces = new byte[codes.length][];
        for (ErrorCode code : codes) {
            pieces[code.ordinal()] = ascii(",\"code\":\"" + code.wireName() + "\",\"message\":");
        }
        return pieces;
    }

    /// Opens a line writer over `sink`.
    public Lines open(ByteSink sink) {
        return new Lines(sink);
    }

    /// Renders the summary line.
    public static byte[] summaryLine(long rows, long valid, long invalid, double elapsedMs) {
        return summaryLine(rows, valid, invalid, elapsedMs, null);
    }

    /// Renders the summary line of a run that stopped early, with `"stopped":` and why (the code
    /// of the error line that follows it); `stopped` null renders the plain summary line.
    public static byte[] summaryLine(long rows, long valid, long invalid, double elapsedMs, @Nullable String stopped) {
        return objectLine(96, "summary", gen -> {
            gen.writeNumberField("rows", rows);
            gen.writeNumberField("valid", valid);
            gen.writeNumberField("invalid", invalid);
            // One decimal is as precise as a wall-clock figure deserves, and keeps the line short.
            gen.writeFieldName("elapsedMs");
            gen.writeNumber(String.format(Locale.ROOT, "%.1f", elapsedMs));
            if (stopped != null) {
                gen.writeStringField("stopped", stopped);
            }
        });
    }

    /// Renders the error line that ends a stream that could not go on.
    public static byte[] errorLine(String code, String message, long row) {
        return objectLine(128, "error", gen -> {
            gen.writeStringField("code", code);
            gen.writeStringField("message", message);
            gen.writeNumberField("row", row);
        });
    }

    /// jackson-core for the once-per-run lines, made on the first one: most CLI runs write none
    /// (a summary line only with `--summary`), and its classes cost ~1 ms of the start.
    private static final class Generators {
        // Without the separator set Jackson separates root values with a space, which NDJSON does not want.
        // Jackson's shared bounded pool, not its per-thread default: a connection's virtual thread
        // kept its own buffers (~12 KB) for as long as the connection stayed open.
        static final JsonFactory FACTORY = new JsonFactoryBuilder().rootValueSeparator((String) null)
                .recyclerPool(JsonRecyclerPools.sharedBoundedPool()).build();
    }

    /// The fields of a once-per-run line's one object.
    @FunctionalInterface
    private interface Fields {
        void write(JsonGenerator gen) throws IOException;
    }

    /// Renders `{"NAME":{FIELDS}}` and a line feed, in a sink of `capacity` bytes to start with.
    private static byte[] objectLine(int capacity, String name, Fields fields) {
        var sink = new ByteSink(capacity);
        try (var gen = Generators.FACTORY.createGenerator(sink)) {
            gen.writeStartObject();
            gen.writeObjectFieldStart(name);
            fields.write(gen);
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

    /// Where `piece` ends when `src[at, end)` starts with it, else -1 (also when `at` is -1).
    private static int afterPiece(byte[] src, int at, int end, byte[] piece) {
        if (at < 0 || end - at < piece.length || !Arrays.equals(src, at, at + piece.length, piece, 0, piece.length)) {
            return -1;
        }
        return at + piece.length;
    }

    /// Where the digits from `at` end: -1 when there are none (or `at` is -1).
    private static int skipDigits(byte[] src, int at, int end) {
        if (at < 0) {
            return -1;
        }
        int i = at;
        while (i < end && src[i] >= '0' && src[i] <= '9') {
            i++;
        }
        return i > at ? i : -1;
    }

    /// Writes row lines to one sink. Not thread-safe.
    public final class Lines {
        private final ByteSink sink;
        private final DecimalCounter rows = new DecimalCounter();
        private final DecimalCounter lines = new DecimalCounter();
        /// Errors' problems encoded, by the problem's hash: the same few problems come row after
        /// row (constants, or made once by a constraint: [dev.fanout.schema.Violation]), and
        /// copying their bytes spares encoding them char by char. Kept per `Lines` (a chunk's
        /// rows, mostly), not per renderer: nothing shared between threads, and nothing kept after
        /// the chunk. Made at the second problem written: the writer opens a `Lines` for each row
        /// it finds a duplicate, whose one error would gain nothing from it.
        private @Nullable ProblemBytes @Nullable [] problems;
        private boolean problemWritten;

        private Lines(ByteSink sink) {
            this.sink = sink;
        }

        /// Appends one row line: `row`, `line`, whether it is valid (it is when `errors` is
        /// empty), the values of `data` and the errors.
        ///
        /// Room for the whole line but its made values and errors is reserved once, and the line
        /// is written with no further checks: a row line is a dozen short pieces, and a capacity
        /// check per piece cost more than the copies.
        public void row(long row, long line, RowValues values, List<FieldError> errors) {
            // Every value's bytes escaped (six bytes each at worst) for ordinary rows; a row of
            // huge cells instead reserves room value by value, for what each needs exactly.
            int span = values.bytesBound();
            boolean large = span > LARGE_ROW_BYTES;
            int bound = lineBound + (large ? 0 : 6 * span);
            byte[] b = sink.reserve(bound);
            boolean valid = errors.isEmpty();
            int at = head(b, sink.size(), row, line, valid);
            byte[] src = values.bytes();
            for (int k = 0; k < keys.length; k++) {
                at = ByteSink.put(b, at, keys[k]);
                switch (values.form(k)) {
                    case RowValues.NULL -> at = ByteSink.put(b, at, NULL);
                    case RowValues.TEXT -> {
                        if (large) {
                            sink.size(at);
                            b = sink.reserve(ByteSink.jsonStringLength(src, values.start(k), values.end(k)) + bound);
                        }
                        at = ByteSink.putJsonString(b, at, src, values.start(k), values.end(k));
                    }
                    case RowValues.NUMBER -> {
                        if (large) {
                            sink.size(at);
                            b = sink.reserve(values.end(k) - values.start(k) + bound);
                        }
                        at = ByteSink.putBytes(b, at, src, values.start(k), values.end(k));
                    }
                    case RowValues.TRUE -> at = ByteSink.put(b, at, TRUE);
                    case RowValues.FALSE -> at = ByteSink.put(b, at, FALSE);
                    default -> {
                        // A made value has no bound known beforehand: write it with checks, then
                        // reserve room for the rest again.
                        sink.size(at);
                        value(values.value(k));
                        b = sink.reserve(bound);
                        at = sink.size();
                    }
                }
            }
            if (valid) {
                // Within the room reserved: the common line ends with no further check.
                sink.size(ByteSink.put(b, at, END_VALID));
                return;
            }
            sink.size(at);
            end(errors);
        }

        /// Appends the line of a valid row whose values are all cells' own bytes or constants:
        /// key `k`'s form is `forms[formsAt + k]` ([RowValues#NULL], `TEXT`, `NUMBER`, `TRUE` or
        /// `FALSE`, never `VALUE`) and its cell's bytes are `src[bounds[i], bounds[i + 1])` with `i
        /// = firstBound + 2 * columns[k]` (a record batch's bounds, a column per key), all within
        /// `span` bytes. The common row's line, with no [RowValues] in between: ~15 % less time
        /// than [#row] for the same line (bench/RESULTS.md, "Issue 11, sixth pass").
        ///
        /// Returns false, having written nothing, when the cells span more than 64 KiB: such a row
        /// is written by [#row], which reserves room value by value.
        public boolean validRow(long row, long line, byte[] src, byte[] forms, int formsAt, int[] bounds, int firstBound,
                int[] columns, int span) {
            if (span > LARGE_ROW_BYTES) {
                return false;
            }
            byte[] b = sink.reserve(lineBound + 6 * span);
            int at = straightData(b, head(b, sink.size(), row, line, true), src, forms, formsAt, bounds, firstBound, columns);
            sink.size(ByteSink.put(b, at, END_VALID));
            return true;
        }

        /// [#validRow] for a row with `errors` (not empty): its `data` as [#validRow] writes it,
        /// then its errors. An invalid row's values are most often its cells too; this spares
        /// them the way through [RowValues] ([#row]).
        public boolean invalidRow(long row, long line, byte[] src, byte[] forms, int formsAt, int[] bounds, int firstBound,
                int[] columns, int span, List<FieldError> errors) {
            if (span > LARGE_ROW_BYTES) {
                return false;
            }
            byte[] b = sink.reserve(lineBound + 6 * span);
            sink.size(straightData(b, head(b, sink.size(), row, line, false), src, forms, formsAt, bounds, firstBound,
                    columns));
            end(errors);
            return true;
        }

        /// Writes the values of `data` of [#validRow]'s row into reserved room.
        private int straightData(byte[] b, int at, byte[] src, byte[] forms, int formsAt, int[] bounds, int firstBound,
                int[] columns) {
            for (int k = 0; k < keys.length; k++) {
                at = ByteSink.put(b, at, keys[k]);
                int cell = firstBound + 2 * columns[k];
                at = switch (forms[formsAt + k]) {
                    case RowValues.TEXT -> ByteSink.putJsonString(b, at, src, bounds[cell], bounds[cell + 1]);
                    case RowValues.NUMBER -> ByteSink.putBytes(b, at, src, bounds[cell], bounds[cell + 1]);
                    case RowValues.NULL -> ByteSink.put(b, at, NULL);
                    case RowValues.TRUE -> ByteSink.put(b, at, TRUE);
                    default -> ByteSink.put(b, at, FALSE);
                };
            }
            return at;
        }

        /// Appends `src[start, end)`, the line [#row] or [#validRow] wrote for a valid row, as the
        /// line of the same row made invalid by `errors`: `"valid":false`, the same `data`, and
        /// the `errors` array. The values are copied as they were written, not rendered again: the
        /// writer, which finds a row to be a duplicate only once every row before it is written,
        /// renders such rows alone, and rendering each again from its cells was ~40 % of its work
        /// on a file of many duplicates (bench/RESULTS.md, "Issue 11, thirtieth pass").
        ///
        /// Returns false, having written nothing, when `src[start, end)` is not such a line.
        public boolean invalidated(byte[] src, int start, int end, List<FieldError> errors) {
            int at = skipDigits(src, afterPiece(src, start, end, ROW), end);
            at = skipDigits(src, afterPiece(src, at, end, LINE), end);
            int data = afterPiece(src, at, end, VALID_DATA);
            if (data < 0 || end - data < END_VALID.length
                    || !Arrays.equals(src, end - END_VALID.length, end, END_VALID, 0, END_VALID.length)) {
                return false;
            }
            sink.write(src, start, at - start);
            sink.append(INVALID_DATA);
            sink.write(src, data, end - END_VALID.length - data);
            end(errors);
            return true;
        }

        /// Writes a row line's start, up to the `{` of its `data`, into reserved room.
        private int head(byte[] b, int at, long row, long line, boolean valid) {
            at = ByteSink.put(b, at, ROW);
            at = rows.put(b, at, row);
            at = ByteSink.put(b, at, LINE);
            at = lines.put(b, at, line);
            return valid ? ByteSink.put(b, at, VALID_DATA) : ByteSink.put(b, at, INVALID_DATA);
        }

        private void value(Object value) {
            switch (value) {
                case null -> sink.append(NULL);
                case String s -> sink.appendJsonString(s);
                case JsonNumber n -> sink.appendAscii(n.text());
                // Compact JSON made by the cast (array, object, geojson, geopoint, list): as it is.
                case JsonText j -> sink.append(j.json().getBytes(StandardCharsets.UTF_8));
                case Boolean b -> sink.append(b ? TRUE : FALSE);
                default -> sink.appendJsonString(value.toString());
            }
        }

        /// Ends an invalid row's line with its `errors` array.
        private void end(List<FieldError> errors) {
            ByteSink out = sink;
            out.append(ERRORS);
            for (int e = 0; e < errors.size(); e++) {
                FieldError error = errors.get(e);
                if (e > 0) {
                    out.write(',');
                }
                String field = error.field();
                int order = error.order();
                if (field == null) {
                    out.append(FIELD_NULL);
                } else if (order >= 0 && order < names.length && names[order].equals(field)) {
                    out.append(errorFieldsByKey[order]);
                } else {
                    byte[] fieldPiece = errorFields.get(field);
                    if (fieldPiece != null) {
                        out.append(fieldPiece);
                    } else {
                        // A field that is not a key of `data` (a key's label): encoded here.
                        out.append(FIELD);
                        out.appendJsonString(field);
                    }
                }
                out.append(codeAndMessage(error.code()));
                // The message as Violation.message() makes it, from its parts.
                byte[] quoted = error.quoted();
                if (quoted == null) {
                    out.write('"');
                } else {
                    // The quoted bytes escaped as a cell's are, as a JSON string.
                    out.append(MESSAGE_QUOTE_OPEN);
                    out.appendJsonString(quoted, 0, quoted.length);
                    out.size(out.size() - 1);
                    out.append(MESSAGE_QUOTE_CLOSE);
                }
                problem(error.problem());
                out.append(MESSAGE_END);
            }
            out.append(END_INVALID);
        }

        /// Appends `problem` as the inside of a JSON string: its kept bytes if it has come
        /// before, else encoded (and kept, if short). A problem is looked for in the slot its hash
        /// gives and the next three, so that a schema's few problems that hash near each other do
        /// not take turns in one slot (the people schema's three minimum and maxLength problems
        /// fall on two neighbouring slots of 64).
        private void problem(String problem) {
            ByteSink out = sink;
            @Nullable ProblemBytes[] kept = problems;
            if (kept == null) {
                if (!problemWritten) {
                    problemWritten = true;
                    out.appendJsonChars(problem);
                    return;
                }
                kept = problems = new ProblemBytes[PROBLEM_SLOTS];
            }
            int hash = problem.hashCode();
            int home = hash ^ hash >>> 16;
            int free = -1;
            for (int probe = 0; probe < PROBLEM_PROBES; probe++) {
                int slot = (home + probe) & (PROBLEM_SLOTS - 1);
                ProblemBytes known = kept[slot];
                if (known == null) {
                    free = slot;
                    break;
                }
                // equals: at once when it is the same String, as it mostly is.
                if (known.problem().equals(problem)) {
                    out.append(known.json());
                    return;
                }
            }
            int from = out.size();
            out.appendJsonChars(problem);
            if (problem.length() <= PROBLEM_CHARS_KEPT) {
                kept[free >= 0 ? free : home & (PROBLEM_SLOTS - 1)] = new ProblemBytes(problem,
                        out.copyOfRange(from, out.size()));
            }
        }
    }
}
