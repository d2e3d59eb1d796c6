package dev.fanout.engine;

import dev.fanout.csv.CsvRecord;
import dev.fanout.output.ByteSink;
import dev.fanout.output.FieldError;
import dev.fanout.output.NdjsonRenderer;
import dev.fanout.output.RowResult;
import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.Field;
import dev.fanout.schema.Schema;
import dev.fanout.schema.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import dev.fanout.schema.JsonNumber;

/// Validates a chunk's records against the schema and renders the rows the mode writes.
/// Everything per row except uniqueness happens here, on whichever thread validates the chunk.
/// Thread-safe: it holds only immutable state, so many chunks can be validated at once.
final class RowValidator {
    private final Schema schema;
    private final Field[] fields;
    private final ColumnMapping mapping;
    private final Mode mode;
    private final List<UniqueConstraint> uniques;
    private final NdjsonRenderer renderer;

    private final Lookups lookups;
    private final ThreadFactory threads;
    private final boolean anyLookup;
    // Lookup subtasks under way in this run, over all its chunks; fair, so the chunks waiting for
    // room take turns in the order they asked.
    private final Semaphore lookupRoom;

    RowValidator(Schema schema, ColumnMapping mapping, Mode mode, List<UniqueConstraint> uniques, NdjsonRenderer renderer,
            Lookups lookups, ThreadFactory threads) {
        this.lookups = lookups;
        this.threads = threads;
        this.anyLookup = schema.fields().stream().anyMatch(f -> f.lookup().isPresent());
        long room = schema.fields().stream().flatMap(f -> f.lookup().stream()).map(l -> l.upstream()).distinct()
                .mapToLong(lookups::parallelism).sum();
        this.lookupRoom = new Semaphore((int) Math.clamp(room, 1, Integer.MAX_VALUE), true);
        this.schema = schema;
        this.fields = schema.fields().toArray(Field[]::new);
        this.mapping = mapping;
        this.mode = mode;
        this.uniques = uniques;
        this.renderer = renderer;
    }

    ValidatedChunk validate(Chunk chunk, WorkerSlot worker) throws InterruptedException {
        List<CsvRecord> records = chunk.records();
        int count = records.size();
        boolean keepRows = !uniques.isEmpty();
        RowResult[] rows = new RowResult[count];
        var violations = new ArrayList<Violation>(4);
        for (int i = 0; i < count; i++) {
            CsvRecord record = records.get(i);
            long rowIndex = chunk.firstRow() + i;
            rows[i] = record.size() == mapping.headerSize
                    ? validateRow(rowIndex, record, violations)
                    : fieldCountRow(rowIndex, record, violations);
        }
        if (anyLookup) {
            resolveLookups(rows, records, worker);
        }
        Object[][] keys = keepRows ? new Object[count][] : null;
        int[] rowEnds = new int[count];
        int valid = 0;
        var sink = new ByteSink(count * 192);
        try (var lines = renderer.open(sink)) {
            for (int i = 0; i < count; i++) {
                RowResult row = rows[i];
                if (row.valid()) {
                    valid++;
                }
                if (keepRows) {
                    keys[i] = records.get(i).size() == mapping.headerSize ? keysOf(row) : null;
                }
                if (mode.writes(row.valid())) {
                    lines.write(row);
                }
                rowEnds[i] = sink.size();
            }
        }
        return new ValidatedChunk(chunk.firstRow(), count, sink.array(), sink.size(), rowEnds, valid,
                keepRows ? rows : null, keys);
    }

    /// Asks the upstreams about every distinct (field, value) of the chunk at once, then merges
    /// each answer into every row that holds the value: a `lookup_*` error after the field's own
    /// errors, or the `enrich` values. Cells that are missing or failed their cast, and rows with
    /// the wrong cell count, are not looked up.
    private void resolveLookups(RowResult[] rows, List<CsvRecord> records, WorkerSlot worker) throws InterruptedException {
        record Question(int field, String value) {
        }
        Map<Question, List<Integer>> rowsByQuestion = new LinkedHashMap<>();
        for (int i = 0; i < rows.length; i++) {
            if (records.get(i).size() != mapping.headerSize) {
                continue;
            }
            for (int f = 0; f < fields.length; f++) {
                Object value = rows[i].values()[f];
                if (fields[f].lookup().isEmpty() || value == null || hasError(rows[i], f)) {
                    continue;
                }
                String text = value instanceof JsonNumber n ? n.text() : value.toString();
                rowsByQuestion.computeIfAbsent(new Question(f, text), q -> new ArrayList<>()).add(i);
            }
        }
        if (rowsByQuestion.isEmpty()) {
            return;
        }
        List<Question> questions = new ArrayList<>(rowsByQuestion.keySet());
        List<Callable<LookupAnswer>> tasks = new ArrayList<>(questions.size());
        for (Question question : questions) {
            var lookup = fields[question.field()].lookup().orElseThrow();
            tasks.add(() -> lookups.lookup(lookup, question.value()));
        }
        List<LookupAnswer> answers;
        worker.pause();
        try {
            answers = StructuredValidation.all(tasks, threads, lookupRoom);
        } finally {
            worker.resume();
        }
        for (int q = 0; q < questions.size(); q++) {
            Question question = questions.get(q);
            LookupAnswer answer = answers.get(q);
            Field field = fields[question.field()];
            int start = mapping.enrichStart[question.field()];
            for (int i : rowsByQuestion.get(question)) {
                RowResult row = rows[i];
                List<Object> enrichValues = answer.enrichValues();
                for (int e = 0; e < enrichValues.size(); e++) {
                    row.values()[start + e] = answer.failure().isPresent() ? null : enrichValues.get(e);
                }
                if (answer.failure().isPresent()) {
                    Violation failure = answer.failure().get();
                    List<FieldError> errors = new ArrayList<>(row.errors());
                    errors.add(new FieldError(field.name(), failure.code(), failure.message(), question.field()));
                    errors.sort(java.util.Comparator.comparingInt(FieldError::order));
                    rows[i] = new RowResult(row.row(), row.line(), row.values(), errors);
                }
            }
        }
    }

    private RowResult validateRow(long rowIndex, CsvRecord record, List<Violation> violations) {
        String[] cells = record.cells();
        Object[] values = new Object[mapping.dataNames.size()];
        List<FieldError> errors = List.of();
        for (int f = 0; f < fields.length; f++) {
            Field field = fields[f];
            int column = mapping.columnOfField[f];
            String raw = column < 0 ? null : cells[column];
            if (raw == null || schema.isMissing(raw)) {
                if (field.required()) {
                    errors = add(errors, new FieldError(field.name(), ErrorCode.REQUIRED, field.name() + " is required", f));
                }
                continue;
            }
            values[f] = field.check(raw, violations);
            if (!violations.isEmpty()) {
                for (Violation violation : violations) {
                    errors = add(errors, new FieldError(field.name(), violation.code(), violation.message(), f));
                }
                violations.clear();
            }
        }
        copyKept(cells, values);
        return new RowResult(rowIndex, record.line(), values, errors);
    }

    /// A record whose cell count differs from the header's: cells cannot be trusted to sit under
    /// their column, so the row gets one `field_count` error and no other check; `data` still
    /// shows what the cells under each column cast to.
    private RowResult fieldCountRow(long rowIndex, CsvRecord record, List<Violation> violations) {
        String[] cells = record.cells();
        Object[] values = new Object[mapping.dataNames.size()];
        for (int f = 0; f < fields.length; f++) {
            int column = mapping.columnOfField[f];
            if (column >= 0 && column < cells.length && !schema.isMissing(cells[column])) {
                values[f] = fields[f].check(cells[column], violations);
                violations.clear();
            }
        }
        copyKept(cells, values);
        var error = new FieldError(null, ErrorCode.FIELD_COUNT,
                "expected %d fields, got %d".formatted(mapping.headerSize, cells.length), -1);
        return new RowResult(rowIndex, record.line(), values, List.of(error));
    }

    private void copyKept(String[] cells, Object[] values) {
        int[] kept = mapping.keptColumns;
        for (int k = 0; k < kept.length; k++) {
            values[mapping.keptStart + k] = kept[k] < cells.length ? cells[kept[k]] : null;
        }
    }

    private Object[] keysOf(RowResult row) {
        Object[] keys = new Object[uniques.size()];
        for (int u = 0; u < keys.length; u++) {
            keys[u] = keyOf(row, uniques.get(u));
        }
        return keys;
    }

    private Object keyOf(RowResult row, UniqueConstraint unique) {
        int[] indexes = unique.fieldIndexes();
        Object[] parts = new Object[indexes.length];
        for (int p = 0; p < indexes.length; p++) {
            int f = indexes[p];
            Object value = row.values()[f];
            if (value == null || hasError(row, f)) {
                return null;
            }
            parts[p] = fields[f].uniqueKey(value);
        }
        return parts.length == 1 ? parts[0] : List.of(parts);
    }

    private static boolean hasError(RowResult row, int fieldIndex) {
        for (FieldError error : row.errors()) {
            if (error.order() == fieldIndex && (error.code() == ErrorCode.TYPE || error.code() == ErrorCode.FORMAT)) {
                return true;
            }
        }
        return false;
    }

    private static List<FieldError> add(List<FieldError> errors, FieldError error) {
        List<FieldError> grown = errors.isEmpty() ? new ArrayList<>(4) : errors;
        grown.add(error);
        return grown;
    }
}
