package dev.fanout.engine;

import dev.fanout.schema.ForeignKey;
import dev.fanout.schema.Schema;
import java.util.ArrayList;
import java.util.List;

/// One foreign key of a run, compiled: schema positions of its local fields (`fieldIndexes`) and,
/// for a self-reference, of the fields it refers to (`referenceIndexes`, empty otherwise);
/// `table` is the reference table's key set (null for a self-reference, which the writer decides
/// in row order). `label` is what an error names as its field; `order` places the error after the
/// errors of the key's last field.
record ForeignKeyCheck(ForeignKey key, int[] fieldIndexes, int[] referenceIndexes, KeySet table, String label, int order) {

    static ForeignKeyCheck of(Schema schema, ForeignKey key, KeySet table) {
        int[] fields = indexes(schema, key.fields());
        int[] references = key.selfReference() ? indexes(schema, key.referenceFields()) : new int[0];
        int order = 0;
        for (int index : fields) {
            order = Math.max(order, index);
        }
        return new ForeignKeyCheck(key, fields, references, table, key.label(), order);
    }

    boolean selfReference() {
        return table == null;
    }

    /// The self-references among `keys`. A loop, not a stream: every request asks, most with no
    /// keys, and a stream's pipeline was a few percent of a 20-row request's garbage.
    static List<ForeignKeyCheck> selfReferences(List<ForeignKeyCheck> keys) {
        return keys.isEmpty() ? List.of() : where(keys, true);
    }

    /// The keys among `keys` into reference tables.
    static List<ForeignKeyCheck> toTables(List<ForeignKeyCheck> keys) {
        return keys.isEmpty() ? List.of() : where(keys, false);
    }

    /// The keys among `keys` that are self-references, or that are not, in their order.
    private static List<ForeignKeyCheck> where(List<ForeignKeyCheck> keys, boolean selfReferences) {
        List<ForeignKeyCheck> chosen = new ArrayList<>(keys.size());
        for (ForeignKeyCheck key : keys) {
            if (key.selfReference() == selfReferences) {
                chosen.add(key);
            }
        }
        return List.copyOf(chosen);
    }

    /// The message of a key not found, e.g. `parent "9" is not a key of this table (id)`.
    String message(String values) {
        return label + " " + values + " is not a key of " + key.describeReference();
    }

    private static int[] indexes(Schema schema, List<String> names) {
        int[] indexes = new int[names.size()];
        for (int k = 0; k < indexes.length; k++) {
            indexes[k] = schema.indexOf(names.get(k));
        }
        return indexes;
    }
}
