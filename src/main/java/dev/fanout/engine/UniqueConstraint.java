package dev.fanout.engine;

import dev.fanout.schema.Field;
import dev.fanout.schema.Schema;
import java.util.ArrayList;
import java.util.List;

/// One uniqueness rule of a schema: a field's `unique` constraint, the (possibly composite)
/// `primaryKey`, or one of v2's `uniqueKeys` (a row with a missing value in any of its fields is
/// not compared, as with `unique`). `fieldIndexes` are schema positions; `label` is what a `unique` error names as its
/// field (the field, or the key's fields joined by commas); `order` places the error among the
/// row's errors (after those of the key's last field).
record UniqueConstraint(int[] fieldIndexes, String label, int order) {

    static List<UniqueConstraint> of(Schema schema) {
        List<UniqueConstraint> constraints = new ArrayList<>();
        List<Field> fields = schema.fields();
        List<String> key = schema.primaryKey();
        int[] keyIndexes = new int[key.size()];
        for (int k = 0; k < keyIndexes.length; k++) {
            keyIndexes[k] = schema.indexOf(key.get(k));
        }
        for (int i = 0; i < fields.size(); i++) {
            boolean sameAsKey = keyIndexes.length == 1 && keyIndexes[0] == i;
            if (fields.get(i).unique() && !sameAsKey) {
                constraints.add(new UniqueConstraint(new int[] {i}, fields.get(i).name(), i));
            }
        }
        if (keyIndexes.length > 0) {
            int order = 0;
            for (int index : keyIndexes) {
                order = Math.max(order, index);
            }
            constraints.add(new UniqueConstraint(keyIndexes, String.join(",", key), order));
        }
        for (List<String> uniqueKey : schema.uniqueKeys()) {
            int[] indexes = uniqueKey.stream().mapToInt(schema::indexOf).toArray();
            boolean sameAsField = indexes.length == 1 && fields.get(indexes[0]).unique();
            // The same fields in another order are the same key.
            boolean sameAsPrimaryKey = sameFields(indexes, keyIndexes);
            boolean repeated = constraints.stream().anyMatch(c -> sameFields(c.fieldIndexes, indexes));
            if (sameAsField || sameAsPrimaryKey || repeated) {
                continue;
            }
            constraints.add(new UniqueConstraint(indexes, String.join(",", uniqueKey),
                    java.util.Arrays.stream(indexes).max().orElseThrow()));
        }
        constraints.sort((a, b) -> Integer.compare(a.order, b.order));
        return List.copyOf(constraints);
    }

    private static boolean sameFields(int[] a, int[] b) {
        int[] x = a.clone();
        int[] y = b.clone();
        java.util.Arrays.sort(x);
        java.util.Arrays.sort(y);
        return java.util.Arrays.equals(x, y);
    }
}
