package dev.fanout.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import dev.fanout.csv.CsvRecord;
import dev.fanout.csv.CsvSource;
import dev.fanout.csv.RecordBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/// Infers a Table Schema from CSV data: for each column, the most specific type under which every
/// non-missing cell casts, and `required` when no cell is missing. `INFER.md` gives the rules.
///
/// It streams: memory holds one batch of records and a few flags per column, whatever the number of rows.
/// Cells are judged by the schema package's own cast code (one compiled field per candidate type),
/// so a schema inferred from a file validates every row of that file. Stateless and thread-safe.
public final class SchemaInference {
    /// The candidate types, most specific first; `string` accepts everything and ends the list.
    /// `integer` before `boolean`: a 0/1 column is a number of something more often than a flag.
    /// `year` is never inferred: a column of years is indistinguishable from one of integers.
    /// `yearmonth`, `duration`, `object` and `array` come after the older types (no cell casts to
    /// one of them and to an older one) and are each recognisable by shape: `2024-03`, `P1D`,
    /// `{…}`, `[…]`. `geopoint` (`1, 2` is as likely a pair of anything), `list` (every text is
    /// a list of strings), `geojson` (an object) and `any` are never inferred.
    private static final List<FieldType> CANDIDATES = List.of(
            FieldType.INTEGER, FieldType.NUMBER, FieldType.BOOLEAN,
            FieldType.DATE, FieldType.DATETIME, FieldType.TIME,
            FieldType.YEARMONTH, FieldType.DURATION, FieldType.OBJECT, FieldType.ARRAY);
    private static final int ALL_CANDIDATES = (1 << CANDIDATES.size()) - 1;
    private static final int NUMERIC = 1 << CANDIDATES.indexOf(FieldType.INTEGER) | 1 << CANDIDATES.indexOf(FieldType.NUMBER);
    // The SPEC's default limits, the ones `validate` applies.
    private static final int MAX_FIELD_BYTES = 1 << 20;
    private static final int MAX_COLUMNS = 1024;
    private static final int BATCH_RECORDS = 1024;

    private SchemaInference() {
    }

    /// Infers a schema from every row of `csv` (not closed) and returns it as pretty JSON.
    ///
    /// @throws InvalidSchemaException when no schema can describe the header: the input is empty
    ///     or repeats a column name
    /// @throws dev.fanout.csv.CsvFailure when the CSV cannot be read to its end
    public static String infer(InputStream csv, char delimiter) {
        return infer(csv, delimiter, Long.MAX_VALUE);
    }

    /// Infers a schema from the first `maxRows` data rows of `csv` (not closed). A sample may miss
    /// the rows that would have widened a type, so only `infer` of the whole file guarantees that
    /// the file validates.
    ///
    /// @throws InvalidSchemaException when the input is empty, or its header repeats a column name
    ///         or leaves one empty
    /// @throws dev.fanout.csv.CsvFailure when the CSV cannot be read as far as needed
    public static String infer(InputStream csv, char delimiter, long maxRows) {
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1, not " + maxRows);
        }
        var candidates = CANDIDATES.stream().map(SchemaInference::compile).toList();
        // Every candidate schema has the default missingValues; any of them can tell.
        Schema missingValues = Schema.parse(oneField(FieldType.STRING));
        var source = CsvSource.open(csv, delimiter, MAX_FIELD_BYTES, MAX_COLUMNS);
        CsvRecord header = source.next().orElseThrow(() ->
                new InvalidSchemaException(null, "the CSV is empty: there is no header to infer a schema from"));
        List<Column> columns = columns(header.cells());
        var violations = new ArrayList<Violation>();
        var batch = new RecordBatch(64 * 1024);
        var cell = new Cell();
        long rows = 0;
        boolean ended = false;
        while (rows < maxRows && !ended) {
            ended = source.fill(batch, (int) Math.min(BATCH_RECORDS, maxRows - rows));
            byte[] bytes = batch.bytes();
            for (int r = 0; r < batch.size(); r++) {
                rows++;
                int cells = batch.cellCount(r);
                for (int c = 0; c < columns.size(); c++) {
                    Column column = columns.get(c);
                    if (c >= cells || missingValues.isMissing(bytes, batch.cellStart(r, c), batch.cellEnd(r, c))) {
                        column.missing = true;
                    } else {
                        column.present = true;
                        column.live = survivors(column.live, cell.reset(bytes, batch.cellStart(r, c), batch.cellEnd(r, c)),
                                candidates, violations);
                    }
                }
            }
        }
        String json = render(columns, rows > 0);
        // The output must be a schema Fanout accepts; fail here rather than in the user's next step.
        Schema.parse(json.getBytes(StandardCharsets.UTF_8));
        return json;
    }

    /// Per-column state: the candidate types no cell has ruled out yet, and whether a cell was
    /// missing or present.
    private static final class Column {
        final String name;
        int live = ALL_CANDIDATES;
        boolean missing;
        boolean present;

        Column(String name) {
            this.name = name;
        }

        FieldType type() {
            // A column without values gives no evidence for any type but the one that takes all.
            return live == 0 || !present ? FieldType.STRING : CANDIDATES.get(Integer.numberOfTrailingZeros(live));
        }
    }

    private static List<Column> columns(String[] names) {
        var seen = new HashSet<String>();
        var columns = new ArrayList<Column>(names.length);
        for (int c = 0; c < names.length; c++) {
            String name = names[c];
            if (name.isEmpty()) {
                // pandas writes its index column so: a field needs a name, and the data's header would not match one.
                throw new InvalidSchemaException(name, "the CSV header's column " + (c + 1)
                        + " has no name: a schema field needs one (name it in the file's header)");
            }
            if (!seen.add(name)) {
                throw new InvalidSchemaException(name, "the CSV header repeats the column '" + name + "'");
            }
            columns.add(new Column(name));
        }
        return columns;
    }

    private static int survivors(int live, Cell cell, List<Field> candidates, List<Violation> violations) {
        if (hasLeadingZero(cell.bytes(), cell.start(), cell.end())) {
            // "007" casts to 7: an identifier or code, whose zeros a numeric type would drop.
            live &= ~NUMERIC;
        }
        for (int remaining = live; remaining != 0; remaining &= remaining - 1) {
            int i = Integer.numberOfTrailingZeros(remaining);
            violations.clear();
            candidates.get(i).check(cell.reset(cell.bytes(), cell.start(), cell.end()), violations);
            if (!violations.isEmpty()) {
                live &= ~(1 << i);
            }
        }
        return live;
    }

    /// `0` followed by a digit, after an optional sign: `007`, `-01.5`; not `0`, `0.5`.
    private static boolean hasLeadingZero(byte[] b, int start, int end) {
        int i = start < end && (b[start] == '-' || b[start] == '+') ? start + 1 : start;
        return end > i + 1 && b[i] == '0' && b[i + 1] >= '0' && b[i + 1] <= '9';
    }

    private static Field compile(FieldType type) {
        return Schema.parse(oneField(type)).fields().getFirst();
    }

    private static byte[] oneField(FieldType type) {
        return ("{\"fields\":[{\"name\":\"value\",\"type\":\"" + type.schemaName() + "\"}]}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String render(List<Column> columns, boolean sawRows) {
        var out = new ByteArrayOutputStream();
        var printer = new DefaultPrettyPrinter()
                .withSeparators(Separators.createDefaultInstance()
                        .withObjectFieldValueSpacing(Separators.Spacing.AFTER))
                .withArrayIndenter(new DefaultIndenter("  ", "\n"))
                .withObjectIndenter(new DefaultIndenter("  ", "\n"));
        try (JsonGenerator gen = new JsonFactory().createGenerator(out)) {
            gen.setPrettyPrinter(printer);
            gen.writeStartObject();
            gen.writeArrayFieldStart("fields");
            for (Column column : columns) {
                gen.writeStartObject();
                gen.writeStringField("name", column.name);
                gen.writeStringField("type", column.type().schemaName());
                // Without rows there is no evidence that a value is always there.
                if (sawRows && !column.missing) {
                    gen.writeObjectFieldStart("constraints");
                    gen.writeBooleanField("required", true);
                    gen.writeEndObject();
                }
                gen.writeEndObject();
            }
            gen.writeEndArray();
            gen.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render the inferred schema", e);
        }
        return out.toString(StandardCharsets.UTF_8) + "\n";
    }
}
