package dev.fanout.engine;

import dev.fanout.csv.RecordBatch;
import dev.fanout.output.FieldError;
import dev.fanout.output.NdjsonRenderer;
import dev.fanout.output.RowValues;
import dev.fanout.schema.Cell;
import dev.fanout.schema.JsonNumber;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/// The validated rows of one chunk, between validation and rendering: for each row and each key
/// of `data`, how its value is had — most often "the cell's own bytes, as a string" or "as a
/// number", so that rendering copies them from the record batch — and each row's errors.
///
/// Written by the chunk's validating thread, then read by it (rendering) and by the writer (which
/// renders a row again when it turns out to be a duplicate); one thread at a time.
final class RowTable {
    private static final byte NULL = RowValues.NULL;
    private static final byte TEXT = RowValues.TEXT;
    private static final byte NUMBER = RowValues.NUMBER;
    private static final byte TRUE = RowValues.TRUE;
    private static final byte FALSE = RowValues.FALSE;
    private static final byte VALUE = RowValues.VALUE;

    private final Chunk chunk;
    private final int[] columnOfSlot;
    private final int width;
    private final byte[] forms;
    private Object[] values;
    // Each row's List<FieldError>, or null. An Object[] rather than a List<?>[]: a store into the
    // latter is checked against its element type, and C2's check, specialised to the list class
    // seen first, traps and recompiles the row loop when a row's errors come in another.
    private final Object[] errors;
    private final Row current = new Row();

    RowTable(Chunk chunk, ColumnMapping mapping) {
        this.chunk = chunk;
        this.columnOfSlot = mapping.columnOfSlot;
        this.width = columnOfSlot.length;
        this.forms = new byte[chunk.size() * width];
        this.errors = new Object[chunk.size()];
    }

    /// The value of `slot` in row `r` is the checked `cell`'s typed value.
    void set(int r, int slot, Cell cell) {
        byte form = form(cell.form());
        if (form == VALUE) {
            setValue(r, slot, cell.value());
        } else {
            forms[r * width + slot] = form;
        }
    }

    /// How the table holds a value of this form.
    static byte form(Cell.Form form) {
        return switch (form) {
            case TEXT -> TEXT;
            case NUMBER -> NUMBER;
            case TRUE -> TRUE;
            case FALSE -> FALSE;
            case VALUE -> VALUE;
        };
    }

    /// The forms of every row, row `r`'s slots at `r * width()`: the quick path writes a row's
    /// forms here itself, and sets its made values with [#setMadeValues].
    byte[] forms() {
        return forms;
    }

    /// Slots per row.
    int width() {
        return width;
    }

    /// Sets the values of row `r`'s first `slots` slots whose form is [#VALUE] to `rowValues`'.
    void setMadeValues(int r, Object[] rowValues, int slots) {
        int base = r * width;
        for (int slot = 0; slot < slots; slot++) {
            if (forms[base + slot] == VALUE) {
                setValue(r, slot, rowValues[slot]);
            }
        }
    }

    /// The value of `slot` in row `r` is the text of its column's cell.
    void setText(int r, int slot) {
        forms[r * width + slot] = TEXT;
    }

    /// The value of `slot` in row `r` is `value` (`null`, a `String`, a `JsonNumber`, a `Boolean`).
    void setValue(int r, int slot, Object value) {
        if (value == null) {
            forms[r * width + slot] = NULL;
            return;
        }
        if (values == null) {
            values = new Object[forms.length];
        }
        values[r * width + slot] = value;
        forms[r * width + slot] = VALUE;
    }

    /// Sets row `r`'s errors; null or empty when it has none.
    void setErrors(int r, List<FieldError> rowErrors) {
        errors[r] = rowErrors == null || rowErrors.isEmpty() ? null : rowErrors;
    }

    /// Adds `error` to row `r`'s errors, in schema field order (after the field's own).
    void addError(int r, FieldError error) {
        List<FieldError> all = new ArrayList<>(errors(r));
        all.add(error);
        all.sort(Comparator.comparingInt(FieldError::order));
        errors[r] = all;
    }

    /// Row `r`'s errors, in schema field order; empty when it is valid.
    @SuppressWarnings("unchecked")
    List<FieldError> errors(int r) {
        List<FieldError> rowErrors = (List<FieldError>) errors[r];
        return rowErrors == null ? List.of() : rowErrors;
    }

    /// Whether a value of row `r` is made ([#VALUE]) rather than its cell's text or a constant.
    boolean hasMadeValue(int r) {
        int base = r * width;
        for (int slot = 0; slot < width; slot++) {
            if (forms[base + slot] == VALUE) {
                return true;
            }
        }
        return false;
    }

    boolean valid(int r) {
        return errors[r] == null;
    }

    /// The typed value of `slot` in row `r`, as the engine's other stages see values.
    Object typed(int r, int slot) {
        int at = r * width + slot;
        return switch (forms[at]) {
            case NULL -> null;
            case TEXT -> cellText(r, slot);
            case NUMBER -> new JsonNumber(cellText(r, slot));
            case TRUE -> true;
            case FALSE -> false;
            default -> values[at];
        };
    }

    /// Renders row `r` with `rowErrors` as its errors.
    void render(int r, List<FieldError> rowErrors, NdjsonRenderer.Lines lines) {
        RecordBatch batch = chunk.batch();
        current.select(r);
        lines.row(chunk.firstRow() + r, batch.line(r), current, rowErrors);
    }

    /// One row of the table as the renderer reads it; [#select] moves it to another row.
    private final class Row implements RowValues {
        private byte[] bytes;
        private int[] bounds;
        private int firstBound;
        private int base;
        private int span;

        void select(int r) {
            RecordBatch batch = chunk.batch();
            bytes = batch.bytes();
            bounds = batch.cellBounds();
            firstBound = 2 * batch.firstCellIndex(r);
            base = r * width;
            span = batch.cellSpan(r);
        }

        @Override
        public byte form(int key) {
            return forms[base + key];
        }

        @Override
        public byte[] bytes() {
            return bytes;
        }

        @Override
        public int start(int key) {
            return bounds[firstBound + 2 * columnOfSlot[key]];
        }

        @Override
        public int end(int key) {
            return bounds[firstBound + 2 * columnOfSlot[key] + 1];
        }

        @Override
        public Object value(int key) {
            return values[base + key];
        }

        @Override
        public int bytesBound() {
            return span;
        }
    }

    private String cellText(int r, int slot) {
        return chunk.batch().cellText(r, columnOfSlot[slot]);
    }
}
