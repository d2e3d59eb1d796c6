package dev.fanout.engine;

import dev.fanout.csv.RecordBatch;
import dev.fanout.memory.BufferPool;
import dev.fanout.memory.PooledArrayOutput;
import dev.fanout.output.ByteSink;
import dev.fanout.output.FieldError;
import dev.fanout.output.NdjsonRenderer;
import dev.fanout.output.RowValues;
import dev.fanout.schema.Cell;
import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.Field;
import dev.fanout.schema.JsonNumber;
import dev.fanout.schema.MissingValues;
import dev.fanout.schema.QuickCheck;
import dev.fanout.schema.Schema;
import dev.fanout.schema.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import org.jspecify.annotations.Nullable;

/// Validates a chunk's records against the schema and renders the rows the mode writes: every
/// row is checked first, under the chunk's worker place, then the lines are written after the
/// place is given up. Everything per row except uniqueness happens here, on whichever thread
/// validates the chunk.
///
/// Cells are checked where they lie in the record batch ([Cell]); a value that is the cell's own
/// text is rendered by copying its bytes. Thread-safe: it holds only immutable state but for one
/// hint about line lengths, so many chunks can be validated at once.
final class RowValidator {
    /// Bytes reserved per row for its line before rendering starts; the sink grows past it.
    private static final int LINE_BYTES_GUESS = 160;
    /// The most a chunk's first array is sized at from the run's earlier lines.
    private static final long MAX_SEEN_GUESS = 1 << 20;

    private final Field[] fields;
    /// Each field's `required` error: the same for every row, so made once (and its message
    /// encoded once by the renderer, which meets the same `String` every time).
    private final FieldError[] requiredErrors;
    /// `field_count` errors by the record's cell count, made when first met: a file's short or long
    /// records mostly have one or two counts. Filled by every worker without order: a lost entry
    /// costs only another of the same error.
    private final @Nullable FieldError[] fieldCountErrors;
    /// The bytes per line of the last chunk rendered, for the next chunk's first array: a line
    /// with errors is two or three times the guess from a row's cells. Written and read by every
    /// worker without order, as a hint: a stale value costs only a larger array or a copy.
    private int lineBytesSeen;
    // Per field: its own missingValues or the schema's, looked up once rather than per cell.
    private final MissingValues[] missingValues;
    private final QuickCheck[] quickChecks;
    /// Whether rows may be checked by [#quickRow]: nothing of a row is needed beyond its forms
    /// and keys (no lookups, no keys to reference tables, no kept columns) and every field has
    /// its column.
    private final boolean quickRows;
    // Fields whose cast values make up a key: of a uniqueness rule or a foreign key.
    private final boolean[] keyField;
    // Fields whose cell, when their quick check found it valid, is its own key's text (a string
    // that is its own value, a canonical integer): its bytes are the key's, with no value made.
    private final boolean[] keyIsCell;
    // The fields of each key a row offers, in ChunkKeys' order: each uniqueness rule's, then
    // each self-reference's offered and wanted key.
    private final int[][] keyFields;
    private final ColumnMapping mapping;
    private final Mode mode;
    private final List<UniqueConstraint> uniques;
    // Foreign keys to reference tables, checked here; self-references are decided by the writer.
    private final List<ForeignKeyCheck> tableKeys;
    private final List<ForeignKeyCheck> selfKeys;
    private final NdjsonRenderer renderer;
    /// Whether each chunk lists its invalid rows, for a run that stops after N of them.
    private final boolean listInvalid;

    private final Lookups lookups;
    private final ThreadFactory threads;
    private final boolean anyLookup;
    // Lookup subtasks under way in this run, over all its chunks; fair, so the chunks waiting for
    // room take turns in the order they asked.
    private final Semaphore lookupRoom;

    RowValidator(Schema schema, ColumnMapping mapping, Mode mode, List<UniqueConstraint> uniques, NdjsonRenderer renderer,
            Lookups lookups, ThreadFactory threads) {
        this(schema, mapping, mode, uniques, List.of(), renderer, lookups, threads, false, true);
    }

    /// `listInvalid`: note each chunk's invalid rows, for an error limit's cut. `quickRowsAllowed`:
    /// whether the rows [#quickRow] can take go that way; false sends every row the full path,
    /// the reference the quick one is tested against.
    RowValidator(Schema schema, ColumnMapping mapping, Mode mode, List<UniqueConstraint> uniques,
            List<ForeignKeyCheck> foreignKeys, NdjsonRenderer renderer, Lookups lookups, ThreadFactory threads,
            boolean listInvalid, boolean quickRowsAllowed) {
        this.listInvalid = listInvalid;
        this.lookups = lookups;
        this.threads = threads;
        this.anyLookup = schema.hasLookups();
        long room = 0;
        for (String upstream : schema.lookupUpstreams()) {
            room += lookups.parallelism(upstream);
        }
        this.lookupRoom = new Semaphore(Math.clamp(room, 1, Integer.MAX_VALUE), true);
        this.fields = schema.fields().toArray(Field[]::new);
        this.requiredErrors = new FieldError[fields.length];
        this.fieldCountErrors = new FieldError[2 * mapping.headerSize + 2];
        this.missingValues = new MissingValues[fields.length];
        this.quickChecks = new QuickCheck[fields.length];
        boolean everyColumn = true;
        for (int f = 0; f < fields.length; f++) {
            requiredErrors[f] = new FieldError(fields[f].name(), ErrorCode.REQUIRED, fields[f].requiredMessage(), f);
            missingValues[f] = fields[f].missingValues();
            quickChecks[f] = fields[f].quickCheck();
            everyColumn &= mapping.columnOfField[f] >= 0;
        }
        // Keys to reference tables can add errors here, after the cells are checked: not quick.
        this.tableKeys = ForeignKeyCheck.toTables(foreignKeys);
        this.selfKeys = ForeignKeyCheck.selfReferences(foreignKeys);
        this.quickRows = quickRowsAllowed && everyColumn && tableKeys.isEmpty()
                && !anyLookup && mapping.keptColumns.length == 0 && mapping.columnOfSlot.length == fields.length;
        this.keyField = new boolean[fields.length];
        for (UniqueConstraint unique : uniques) {
            for (int index : unique.fieldIndexes()) {
                keyField[index] = true;
            }
        }
        for (ForeignKeyCheck key : foreignKeys) {
            for (int index : key.fieldIndexes()) {
                keyField[index] = true;
            }
            for (int index : key.referenceIndexes()) {
                keyField[index] = true;
            }
        }
        this.keyIsCell = new boolean[fields.length];
        for (int f = 0; f < fields.length; f++) {
            keyIsCell[f] = keyField[f] && quickChecks[f].decides();
        }
        this.keyFields = new int[uniques.size() + 2 * selfKeys.size()][];
        for (int u = 0; u < uniques.size(); u++) {
            keyFields[u] = uniques.get(u).fieldIndexes();
        }
        for (int s = 0; s < selfKeys.size(); s++) {
            keyFields[uniques.size() + 2 * s] = selfKeys.get(s).referenceIndexes();
            keyFields[uniques.size() + 2 * s + 1] = selfKeys.get(s).fieldIndexes();
        }
        this.mapping = mapping;
        this.mode = mode;
        this.uniques = uniques;
        this.renderer = renderer;
    }

    /// Whether rows may go by [#quickRow] in this run.
    boolean quickRows() {
        return quickRows;
    }

    ValidatedChunk validate(Chunk chunk, WorkerSlot worker) throws InterruptedException {
        RecordBatch batch = chunk.batch();
        int count = batch.size();
        var table = new RowTable(chunk, mapping);
        boolean keepRows = !uniques.isEmpty() || !selfKeys.isEmpty();
        boolean keyValues = keepRows || !tableKeys.isEmpty();
        ChunkKeys keys = keepRows ? new ChunkKeys(count, keyFields.length) : null;
        Object[] uniqueValues = keyValues ? new Object[fields.length] : null;
        Map<Question, List<Integer>> questions = anyLookup ? new LinkedHashMap<>() : null;
        var cell = new Cell();
        var violations = new ArrayList<Violation>(4);
        int[] columnOfField = mapping.columnOfField;
        QuickRow quick = quickRows ? new QuickRow(fields.length) : null;
        // Rows the quick path found valid with no made value: rendered straight from their cells,
        // once every row is checked (below).
        boolean[] straight = quick == null ? null : new boolean[count];
        for (int r = 0; r < count; r++) {
            // The fields the quick path found valid, their forms written into the table (for the
            // rendering pass, and for the writer, which checks a kept row's keys and renders it
            // again if one is taken); the full path takes the row from the next.
            int quickFields = quick == null ? -1 : quickRow(batch, r, cell, violations, quick, table);
            if (quickFields > 0 && quick.made) {
                table.setMadeValues(r, quick.values, quickFields);
            }
            if (quickFields == fields.length) {
                if (keepRows) {
                    setQuickKeys(keys, r, table, batch);
                }
                straight[r] = !quick.made;
                continue;
            }
            checkFully(batch, r, Math.max(quickFields, 0), table, cell, violations, uniqueValues, questions, keys);
        }
        if (questions != null && !questions.isEmpty()) {
            resolveLookups(table, questions, worker);
        }
        // Every row is checked: the rest is writing the lines, which needs no place. Giving it up
        // now lets the next chunk (of any run) be checked meanwhile: under four concurrent uploads
        // on two cores the one shared place was busy 96 % of the time, half of it rendering.
        worker.checked();
        var out = new RenderedRows(chunk, renderer, listInvalid, mode, lineBytesSeen, quick == null ? null : columnOfField);
        for (int r = 0; r < count; r++) {
            // Huge cells are not written straight: by way of the table, which has the row's forms.
            if (straight == null || !straight[r] || !out.addQuick(r, table)) {
                out.add(table, r);
            }
        }
        if (count > 0) {
            lineBytesSeen = (out.sink.size() - PooledArrayOutput.ROOM_BEFORE) / count;
        }
        return new ValidatedChunk(chunk.firstRow(), count, out.sink.array(), PooledArrayOutput.ROOM_BEFORE,
                out.sink.size(), out.rowEnds, out.valid,
                keepRows ? table : null, keys, out.invalidRows);
    }

    /// Checks row `r` of `batch` field by field from field `from` on (the quick path checked
    /// those before it, and decides those after it that it can), setting its cells, errors and
    /// keys in `table` and `keys`, and noting its lookups in `questions`. A method of its own
    /// rather than the loop's body: the row loop is then small, and C2's compilations of it
    /// (on-stack replacement, then normal, and again after a trap) do not each compile this path
    /// too (bench/RESULTS.md, "Issue 11, thirty-third pass").
    private void checkFully(RecordBatch batch, int r, int from, RowTable table, Cell cell, List<Violation> violations,
            Object[] uniqueValues, Map<Question, List<Integer>> questions, ChunkKeys keys) {
        byte[] bytes = batch.bytes();
        int[] columnOfField = mapping.columnOfField;
        int headerSize = mapping.headerSize;
        boolean keyValues = uniqueValues != null;
        int cells = batch.cellCount(r);
        boolean countOk = cells == headerSize;
        List<FieldError> errors = null;
        if (keyValues) {
            Arrays.fill(uniqueValues, null);
        }
        if (from > 0 && keyValues) {
            quickKeys(table, r, from, uniqueValues);
        }
        for (int f = from; f < fields.length; f++) {
            int column = columnOfField[f];
            // Only a record with the wrong cell count can lack a column the header has.
            if (column < 0 || column >= cells) {
                if (countOk && fields[f].required()) {
                    errors = add(errors, requiredErrors[f]);
                }
                continue;
            }
            int start = batch.cellStart(r, column);
            int end = batch.cellEnd(r, column);
            if (missingValues[f].contains(bytes, start, end)) {
                if (countOk && fields[f].required()) {
                    errors = add(errors, requiredErrors[f]);
                }
                continue;
            }
            // After the field the quick path stopped at, the row's other cells are most likely
            // valid: their quick checks decide them as they would have (every field has its
            // column and its slot when rows go the quick way).
            if (quickRows && countOk && f > from) {
                byte decided = quickChecks[f].check(bytes, start, end);
                if (decided == QuickCheck.TEXT || decided == QuickCheck.NUMBER) {
                    table.forms()[r * table.width() + f] = decided == QuickCheck.TEXT ? RowValues.TEXT : RowValues.NUMBER;
                    if (keyValues && keyField[f]) {
                        uniqueValues[f] = fields[f].uniqueKey(table.typed(r, f));
                    }
                    continue;
                }
            }
            Field field = fields[f];
            field.check(cell.reset(bytes, start, end), violations);
            table.set(r, f, cell);
            boolean castFailed = false;
            if (!violations.isEmpty()) {
                ErrorCode first = violations.getFirst().code();
                castFailed = first == ErrorCode.TYPE || first == ErrorCode.FORMAT;
                if (countOk) {
                    for (Violation violation : violations) {
                        errors = add(errors, FieldError.of(field.name(), violation, f));
                    }
                }
                violations.clear();
            }
            if (countOk && !castFailed) {
                if (keyValues && keyField[f]) {
                    uniqueValues[f] = field.uniqueKey(cell.typed());
                }
                if (anyLookup && field.lookup().isPresent()) {
                    Object typed = cell.typed();
                    String text = typed instanceof JsonNumber n ? n.text() : typed.toString();
                    questions.computeIfAbsent(new Question(f, text), q -> new ArrayList<>()).add(r);
                }
            }
        }
        int[] kept = mapping.keptColumns;
        for (int k = 0; k < kept.length; k++) {
            if (kept[k] < cells) {
                table.setText(r, mapping.keptStart + k);
            }
        }
        if (!countOk) {
            errors = List.of(fieldCountError(cells));
        }
        if (countOk && !tableKeys.isEmpty()) {
            errors = checkTables(table, r, uniqueValues, errors);
        }
        table.setErrors(r, errors);
        if (keys != null && countOk) {
            setKeys(keys, r, uniqueValues);
        }
    }

    /// A chunk's rows as they are rendered, in order: the lines, where each ends, how many are
    /// valid and, for an error limit, which are not.
    private static final class RenderedRows {
        final ByteSink sink;
        final NdjsonRenderer.Lines lines;
        final int[] rowEnds;
        final int[] invalidRows;
        private final Chunk chunk;
        /// Whether the mode writes valid rows, and invalid ones: asked once per chunk, not per row.
        private final boolean writesValid;
        private final boolean writesInvalid;
        private final int @Nullable [] straightColumns;
        int valid;

        /// `lineBytes`: the bytes per line of a chunk rendered before in the run, 0 for none.
        /// `straightColumns`: where the run's rows take the quick path, each field's column (its
        /// slot's), so that rows with no made value are written straight from their cells; else
        /// null.
        RenderedRows(Chunk chunk, NdjsonRenderer renderer, boolean listInvalid, Mode mode, int lineBytes,
                int @Nullable [] straightColumns) {
            this.chunk = chunk;
            this.straightColumns = straightColumns;
            this.writesValid = mode.writes(true);
            this.writesInvalid = mode.writes(false);
            RecordBatch batch = chunk.batch();
            int count = batch.size();
            // From the shared pool: the writer gives it back once the chunk is written. The lines
            // start after room for a chunk's size line, and the guess leaves room for its CRLF: the
            // gateway frames them in place rather than copying them into a frame.
            // The run's lines, an eighth more, up to 1 MiB: a chunk of one huge record must not
            // size the chunks after it (and the product must not overflow).
            long seen = Math.min((long) count * (lineBytes + lineBytes / 8), MAX_SEEN_GUESS);
            int guess = (int) Math.max(batch.byteSize() * 2L + count * LINE_BYTES_GUESS / 4, seen);
            sink = new ByteSink(BufferPool.SHARED.take(PooledArrayOutput.ROOM_BEFORE + guess + PooledArrayOutput.ROOM_AFTER),
                    BufferPool.SHARED);
            sink.size(PooledArrayOutput.ROOM_BEFORE);
            lines = renderer.open(sink);
            rowEnds = new int[count];
            invalidRows = listInvalid ? new int[count] : null;
        }

        /// Counts row `r` of `table`, the next row, and renders it when the mode writes it: an
        /// invalid row with no made value straight from its cells where the run allows.
        void add(RowTable table, int r) {
            boolean rowValid = table.valid(r);
            if (rowValid) {
                valid++;
            } else if (invalidRows != null) {
                invalidRows[r - valid] = r;
            }
            if (rowValid ? writesValid : writesInvalid) {
                int[] columns = straightColumns;
                if (rowValid || columns == null || table.hasMadeValue(r) || !addInvalid(r, table, columns)) {
                    table.render(r, table.errors(r), lines);
                }
            }
            rowEnds[r] = sink.size();
        }

        /// Renders invalid row `r`, whose values are all cells or constants, straight from its
        /// cells and forms; false, having done nothing, when its cells are huge.
        private boolean addInvalid(int r, RowTable table, int[] columns) {
            RecordBatch batch = chunk.batch();
            return lines.invalidRow(chunk.firstRow() + r, batch.line(r), batch.bytes(), table.forms(), r * table.width(),
                    batch.cellBounds(), 2 * batch.firstCellIndex(r), columns, batch.cellSpan(r), table.errors(r));
        }

        /// Counts and renders row `r`, the next row, valid with no made value, straight from its
        /// cells and its forms in `table`; false, having done nothing, when its cells are huge
        /// ([NdjsonRenderer.Lines#validRow]). Only where the run's rows take the quick path
        /// (`straightColumns` given).
        boolean addQuick(int r, RowTable table) {
            RecordBatch batch = chunk.batch();
            int[] columns = Objects.requireNonNull(straightColumns);
            if (writesValid && !lines.validRow(chunk.firstRow() + r, batch.line(r), batch.bytes(), table.forms(),
                    r * table.width(), batch.cellBounds(), 2 * batch.firstCellIndex(r), columns, batch.cellSpan(r))) {
                return false;
            }
            valid++;
            rowEnds[r] = sink.size();
            return true;
        }
    }

    /// The made values [#quickRow] found in a row (their forms, `VALUE`, are in the table), and
    /// whether there is one. Reused row after row.
    private static final class QuickRow {
        final Object[] values;
        /// Whether a field's value is made ([RowValues#VALUE]).
        boolean made;

        QuickRow(int fields) {
            values = new Object[fields];
        }
    }

    /// The key values of a row's first `fields` fields, from their values in `table`, as the full
    /// path makes them; the rest of `uniqueValues` is left as it is.
    private void quickKeys(RowTable table, int r, int fields, Object[] uniqueValues) {
        byte[] forms = table.forms();
        int base = r * table.width();
        for (int f = 0; f < fields; f++) {
            uniqueValues[f] = keyField[f] && forms[base + f] != RowValues.NULL
                    ? this.fields[f].uniqueKey(table.typed(r, f)) : null;
        }
    }

    /// Checks row `r` cell by cell, by each field's [QuickCheck] and by [Field#check] for fields
    /// it has nothing quick for, leaving each valid field's form in `table` (and a made value in
    /// `quick`), and returns how many fields, in schema order, were found valid before the first
    /// that needs the full path: all of them for the common valid row. The full path takes the
    /// row from that field on, and says why it fails (a cell the quick check leaves undecided is
    /// most likely invalid); -1 for a row with the wrong cell count, which the full path takes
    /// whole.
    private int quickRow(RecordBatch batch, int r, Cell cell, List<Violation> violations, QuickRow quick, RowTable table) {
        if (batch.cellCount(r) != mapping.headerSize) {
            return -1;
        }
        byte[] bytes = batch.bytes();
        int[] bounds = batch.cellBounds();
        int first = 2 * batch.firstCellIndex(r);
        int[] columnOfField = mapping.columnOfField;
        byte[] forms = table.forms();
        int base = r * table.width();
        quick.made = false;
        for (int f = 0; f < fields.length; f++) {
            int at = first + 2 * columnOfField[f];
            int start = bounds[at];
            int end = bounds[at + 1];
            if (missingValues[f].contains(bytes, start, end)) {
                if (fields[f].required()) {
                    return f;
                }
                forms[base + f] = RowValues.NULL;
                continue;
            }
            byte decided = quickChecks[f].check(bytes, start, end);
            if (decided == QuickCheck.TEXT) {
                forms[base + f] = RowValues.TEXT;
            } else if (decided == QuickCheck.NUMBER) {
                forms[base + f] = RowValues.NUMBER;
            } else if (quickChecks[f].decides()) {
                // Most likely invalid: the full path checks it once, with its messages.
                return f;
            } else {
                fields[f].check(cell.reset(bytes, start, end), violations);
                if (!violations.isEmpty()) {
                    violations.clear();
                    return f;
                }
                byte form = RowTable.form(cell.form());
                forms[base + f] = form;
                if (form == RowValues.VALUE) {
                    quick.values[f] = cell.value();
                    quick.made = true;
                }
            }
        }
        return fields.length;
    }

    /// A distinct value of a lookup field in a chunk: it is asked once, whatever the rows holding it.
    private record Question(int field, String value) {
    }

    /// Asks the upstreams about every distinct (field, value) of the chunk at once, then merges
    /// each answer into every row that holds the value: a `lookup_*` error after the field's own
    /// errors, or the `enrich` values. Cells that are missing or failed their cast, and rows with
    /// the wrong cell count, are not looked up.
    private void resolveLookups(RowTable table, Map<Question, List<Integer>> rowsByQuestion, WorkerSlot worker)
            throws InterruptedException {
        List<Question> questions = new ArrayList<>(rowsByQuestion.keySet());
        List<Callable<LookupAnswer>> tasks = new ArrayList<>(questions.size());
        for (Question question : questions) {
            var lookup = fields[question.field()].lookup().orElseThrow();
            tasks.add(() -> lookups.lookup(lookup, question.value()));
        }
        worker.pause();
        // The place is taken back only with the answers. A chunk whose lookups failed or were
        // interrupted (its run stopped or cancelled) goes no further: it would wait for a place
        // behind other runs' chunks only to give it straight back, and hold its run's end up
        // meanwhile. The caller gives a held place back on every way out.
        List<LookupAnswer> answers = StructuredValidation.all(tasks, threads, lookupRoom);
        worker.resume();
        for (int q = 0; q < questions.size(); q++) {
            Question question = questions.get(q);
            LookupAnswer answer = answers.get(q);
            Field field = fields[question.field()];
            int start = mapping.enrichStart[question.field()];
            List<Object> enrichValues = answer.enrichValues();
            for (int r : rowsByQuestion.get(question)) {
                for (int e = 0; e < enrichValues.size(); e++) {
                    table.setValue(r, start + e, answer.failure().isPresent() ? null : enrichValues.get(e));
                }
                if (answer.failure().isPresent()) {
                    Violation failure = answer.failure().get();
                    table.addError(r, FieldError.of(field.name(), failure, question.field()));
                }
            }
        }
    }

    /// Adds a `foreign_key` error for each key of the row that its reference table lacks. A key
    /// with a missing or uncast part is not checked (its own cells carry the errors).
    private List<FieldError> checkTables(RowTable table, int r, Object[] values, List<FieldError> errors) {
        boolean added = false;
        for (ForeignKeyCheck key : tableKeys) {
            Object[] parts = parts(key.fieldIndexes(), values);
            if (parts != null && !key.table().contains(KeySet.encode(parts))) {
                errors = add(errors, new FieldError(key.label(), ErrorCode.FOREIGN_KEY,
                        key.message(OrderedWriter.describe(table, r, key.fieldIndexes())), key.order()));
                added = true;
            }
        }
        if (added && errors.size() > 1) {
            // Stable: the key's error comes after the errors of its last field. (A lone error is
            // an immutable list of one: see add.)
            errors.sort(java.util.Comparator.comparingInt(FieldError::order));
        }
        return errors;
    }

    /// The values at `indexes`, or null when one is missing or failed its cast.
    private static Object[] parts(int[] indexes, Object[] values) {
        Object[] parts = new Object[indexes.length];
        for (int p = 0; p < indexes.length; p++) {
            parts[p] = values[indexes[p]];
            if (parts[p] == null) {
                return null;
            }
        }
        return parts;
    }

    /// Sets row `r`'s encoded key under each uniqueness rule, none where a key cell is missing or
    /// failed its cast; then, for each self-reference, the key the row offers and the one it refers
    /// to (each none when a part is missing or failed its cast).
    private void setKeys(ChunkKeys keys, int r, Object[] uniqueValues) {
        for (int k = 0; k < keyFields.length; k++) {
            keys.set(r, k, keyFields[k], uniqueValues);
        }
    }

    /// [#setKeys] for a row the quick path found valid throughout, from its forms in `table`: a
    /// cell that is its own key goes in as its bytes, any other as its value's key.
    private void setQuickKeys(ChunkKeys keys, int r, RowTable table, RecordBatch batch) {
        byte[] forms = table.forms();
        int base = r * table.width();
        int[] columnOfSlot = mapping.columnOfSlot;
        for (int k = 0; k < keyFields.length; k++) {
            int start = keys.next();
            boolean whole = true;
            for (int f : keyFields[k]) {
                byte form = forms[base + f];
                if (form == RowValues.NULL) {
                    whole = false;
                    break;
                }
                if (keyIsCell[f] && (form == RowValues.TEXT || form == RowValues.NUMBER)) {
                    int column = columnOfSlot[f];
                    keys.textPart(batch.bytes(), batch.cellStart(r, column), batch.cellEnd(r, column));
                } else {
                    keys.valuePart(fields[f].uniqueKey(table.typed(r, f)));
                }
            }
            if (whole) {
                keys.finish(r, k, start);
            } else {
                keys.drop(start);
            }
        }
    }

    /// The `field_count` error of a record of `cells` cells.
    private FieldError fieldCountError(int cells) {
        FieldError[] made = fieldCountErrors;
        FieldError error = cells < made.length ? made[cells] : null;
        if (error == null) {
            error = new FieldError(null, ErrorCode.FIELD_COUNT, "expected " + mapping.headerSize + " fields, got " + cells, -1);
            if (cells < made.length) {
                made[cells] = error;
            }
        }
        return error;
    }

    /// `errors` with `error` added: a row's first error alone in an immutable list (most invalid
    /// rows have one; an `ArrayList` and its array were a fifth of an invalid chunk's garbage),
    /// the second and later in an `ArrayList`.
    private static List<FieldError> add(@Nullable List<FieldError> errors, FieldError error) {
        if (errors == null) {
            return List.of(error);
        }
        List<FieldError> grown = errors instanceof ArrayList<FieldError> list ? list : new ArrayList<>(errors);
        grown.add(error);
        return grown;
    }
}
