package dev.fanout.engine;

import dev.fanout.schema.Field;
import dev.fanout.schema.FieldsMatch;
import dev.fanout.schema.Schema;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/// How a CSV header lines up with a schema: the column of each schema field (-1 when the header
/// lacks it), the extra columns kept in `data`, and the keys of `data` in output order.
///
/// Building it checks the header and throws `HeaderException` with the SPEC's `422` codes.
/// Immutable after construction.
final class ColumnMapping {
    final int headerSize;
    final int[] columnOfField;
    final int[] keptColumns;
    final List<String> dataNames;
    /// Where each field's `enrich` values start in `data` (-1 for a field without a lookup).
    final int[] enrichStart;
    /// Where the kept extra columns start in `data`: after the fields and the enrich values.
    final int keptStart;
    /// The column each key of `data` comes from (a field's or a kept one), -1 for enrich values.
    final int[] columnOfSlot;

    private ColumnMapping(int headerSize, int[] columnOfField, int[] keptColumns, List<String> dataNames,
            int[] enrichStart, int keptStart) {
        this.headerSize = headerSize;
        this.columnOfField = columnOfField;
        this.keptColumns = keptColumns;
        this.dataNames = List.copyOf(dataNames);
        this.enrichStart = enrichStart;
        this.keptStart = keptStart;
        this.columnOfSlot = new int[dataNames.size()];
        Arrays.fill(columnOfSlot, -1);
        System.arraycopy(columnOfField, 0, columnOfSlot, 0, columnOfField.length);
        System.arraycopy(keptColumns, 0, columnOfSlot, keptStart, keptColumns.length);
    }

    /// Headers of up to this many columns are searched in place rather than through a map: every
    /// request builds a mapping, and for a 20-row request the map was ~3 % of its garbage.
    private static final int SCANNED_HEADER = 16;

    static ColumnMapping of(String[] header, Schema schema, ExtraColumns extra) {
        Map<String, Integer> columns = header.length <= SCANNED_HEADER ? null : new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            boolean repeated = columns == null ? indexOf(header, header[i], i) >= 0 : columns.putIfAbsent(header[i], i) != null;
            if (repeated) {
                throw new HeaderException(HeaderCode.DUPLICATE_COLUMN, "column '%s' appears more than once in the header".formatted(header[i]));
            }
        }
        List<Field> fields = schema.fields();
        FieldsMatch match = schema.fieldsMatch().orElse(null);
        int[] columnOfField = new int[fields.size()];
        List<String> dataNames = new ArrayList<>(fields.size());
        boolean anyField = false;
        for (int i = 0; i < fields.size(); i++) {
            Field field = fields.get(i);
            Integer column = columns != null ? columns.get(field.name()) : column(header, field.name());
            if (column == null && field.required()) {
                throw new HeaderException(HeaderCode.MISSING_COLUMN, "required field '%s' has no column in the header".formatted(field.name()));
            }
            if (column == null && match != null && match.requiresEveryField()) {
                throw new HeaderException(HeaderCode.MISSING_COLUMN, "field '%s' has no column in the header (fieldsMatch: %s)"
                        .formatted(field.name(), match.schemaName()));
            }
            anyField |= column != null;
            columnOfField[i] = column == null ? -1 : column;
            dataNames.add(field.name());
        }
        if (match == FieldsMatch.PARTIAL && !anyField) {
            throw new HeaderException(HeaderCode.MISSING_COLUMN, "no field of the schema has a column in the header (fieldsMatch: partial)");
        }
        // With a fieldsMatch, the schema decides whether extra columns are allowed; where they
        // are, the request's `extra` says only whether they are kept (its default, error, ignores).
        ExtraColumns extras = match == null ? extra
                : !match.allowsExtraColumns() ? ExtraColumns.ERROR
                : extra == ExtraColumns.KEEP ? ExtraColumns.KEEP : ExtraColumns.IGNORE;
        String because = match == null ? "" : " (fieldsMatch: " + match.schemaName() + ")";
        int[] enrichStart = new int[fields.size()];
        for (int i = 0; i < fields.size(); i++) {
            var enrich = fields.get(i).lookup().map(lookup -> lookup.enrich().keySet());
            enrichStart[i] = enrich.isPresent() ? dataNames.size() : -1;
            enrich.ifPresent(dataNames::addAll);
        }
        int keptStart = dataNames.size();
        int[] kept = new int[header.length];
        int keptCount = 0;
        for (int i = 0; i < header.length; i++) {
            if (schema.indexOf(header[i]) >= 0) {
                continue;
            }
            switch (extras) {
                case ERROR -> throw new HeaderException(HeaderCode.UNKNOWN_COLUMN, "column '%s' is not in the schema%s".formatted(header[i], because));
                case IGNORE -> { }
                case KEEP -> {
                    if (dataNames.contains(header[i])) {
                        throw new HeaderException(HeaderCode.DUPLICATE_COLUMN,
                                "column '%s' would hide the lookup value of the same name".formatted(header[i]));
                    }
                    kept[keptCount++] = i;
                    dataNames.add(header[i]);
                }
            }
        }
        if (match == FieldsMatch.EXACT) {
            // Every field has a column and no column is extra: only the order can differ.
            for (int i = 0; i < header.length; i++) {
                if (!header[i].equals(fields.get(i).name())) {
                    throw new HeaderException(HeaderCode.COLUMN_ORDER, "column %d is '%s' where the schema has field '%s' (fieldsMatch: exact)"
                            .formatted(i + 1, header[i], fields.get(i).name()));
                }
            }
        }
        return new ColumnMapping(header.length, columnOfField, Arrays.copyOf(kept, keptCount), dataNames,
                enrichStart, keptStart);
    }

    /// The first of `header`'s first `before` columns named `name`, or -1.
    private static int indexOf(String[] header, String name, int before) {
        for (int i = 0; i < before; i++) {
            if (header[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /// The column named `name` in a header without repeats, or null.
    private static Integer column(String[] header, String name) {
        int i = indexOf(header, name, header.length);
        return i < 0 ? null : i;
    }

    @Override
    public String toString() {
        return "ColumnMapping" + Arrays.toString(columnOfField) + " kept " + Arrays.toString(keptColumns);
    }
}
