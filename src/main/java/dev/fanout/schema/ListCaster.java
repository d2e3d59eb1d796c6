package dev.fanout.schema;

import dev.fanout.output.ByteSink;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/// Casts `list` cells (Table Schema v2): the cell split at each `delimiter`, every item cast
/// with the `itemType`'s default caster. The typed value ([JsonText]) is the JSON array of the
/// cast items: strings, numbers and booleans as JSON, dates, times, years, year-months and
/// durations as their ISO-8601 text. Items are not trimmed, so `1, 2` is a `type` error for
/// integer items (item 2 is ` 2`); an empty item is a string `""` for string items and a `type`
/// error for the others. The first item that fails its cast fails the cell, with a `type` error
/// naming it. Immutable and thread-safe.
final class ListCaster implements Caster {
    private final String delimiter;
    private final FieldType itemType;
    private final Caster itemCaster;

    ListCaster(String delimiter, FieldType itemType, Caster itemCaster) {
        this.delimiter = delimiter;
        this.itemType = itemType;
        this.itemCaster = itemCaster;
    }

    @Override
    public void cast(Cell cell, List<Violation> violations) {
        String raw = cell.text();
        var sink = new ByteSink(raw.length() + 16);
        sink.write('[');
        var itemViolations = new ArrayList<Violation>(1);
        int items = 0;
        int from = 0;
        while (true) {
            int to = raw.indexOf(delimiter, from);
            String item = raw.substring(from, to < 0 ? raw.length() : to);
            items++;
            Cell itemCell = Cell.of(item);
            itemCaster.cast(itemCell, itemViolations);
            if (!itemViolations.isEmpty()) {
                violations.add(Violation.of(ErrorCode.TYPE, raw, "is not a list of " + itemType.schemaName()
                        + " items: item " + items + " " + itemViolations.getFirst().message()));
                return;
            }
            if (items > 1) {
                sink.write(',');
            }
            switch (itemCell.typed()) {
                case JsonNumber number -> sink.appendAscii(number.text());
                case Boolean bool -> sink.appendAscii(bool.toString());
                case Object other -> sink.appendJsonString(other.toString());
            }
            if (to < 0) {
                break;
            }
            from = to + delimiter.length();
        }
        sink.write(']');
        cell.typedAs(new JsonText(new String(sink.toByteArray(), StandardCharsets.UTF_8), items));
    }

    @Override
    public Object uniqueKey(Object typed) {
        return JsonCell.keyOf(typed);
    }

    @Override
    public int compare(Object left, Object right) {
        throw new UnsupportedOperationException("lists have no order");
    }

    @Override
    public String describe() {
        return "a list of " + itemType.schemaName() + " items separated by \"" + delimiter + "\"";
    }
}
