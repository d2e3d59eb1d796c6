package dev.fanout.engine;

import dev.fanout.schema.Field;
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

    private ColumnMapping(int headerSize, int[] columnOfField, int[] keptColumns, List<String> dataNames) {
        this.headerSize = headerSize;
        this.columnOfField = columnOfField;
        this.keptColumns = keptColumns;
        this.dataNames = List.copyOf(dataNames);
    }

    static ColumnMapping of(String[] header, Schema schema, ExtraColumns extra) {
        Map<String, Integer> columns = new HashMap<>();
        for (int i = 0; i < header.length; i++) {
            if (columns.putIfAbsent(header[i], i) != null) {
                throw new HeaderException("duplicate_column", "column '%s' appears more than once in the header".formatted(header[i]));
            }
        }
        List<Field> fields = schema.fields();
        int[] columnOfField = new int[fields.size()];
        List<String> dataNames = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            Field field = fields.get(i);
            Integer column = columns.get(field.name());
            if (column == null && field.required()) {
                throw new HeaderException("missing_column", "required field '%s' has no column in the header".formatted(field.name()));
            }
            columnOfField[i] = column == null ? -1 : column;
            dataNames.add(field.name());
        }
        List<Integer> kept = new ArrayList<>();
        for (int i = 0; i < header.length; i++) {
            if (schema.indexOf(header[i]) >= 0) {
                continue;
            }
            switch (extra) {
                case ERROR -> throw new HeaderException("unknown_column", "column '%s' is not in the schema".formatted(header[i]));
                case IGNORE -> { }
                case KEEP -> {
                    kept.add(i);
                    dataNames.add(header[i]);
                }
            }
        }
        return new ColumnMapping(header.length, columnOfField, kept.stream().mapToInt(Integer::intValue).toArray(), dataNames);
    }

    @Override
    public String toString() {
        return "ColumnMapping" + Arrays.toString(columnOfField) + " kept " + Arrays.toString(keptColumns);
    }
}
