package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fanout.schema.Schema;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/// A header is searched in place up to 16 columns and through a map beyond: both find the same
/// columns and the same repeated one, on either side of the boundary.
class ColumnMappingTest {
    private static final List<String> PEOPLE = List.of("id", "name", "email", "age", "city");

    /// The people fields in reverse order after `extras` other columns.
    private static String[] header(int extras) {
        List<String> columns = new ArrayList<>();
        for (int i = 0; i < extras; i++) {
            columns.add("extra" + i);
        }
        columns.addAll(PEOPLE.reversed());
        return columns.toArray(String[]::new);
    }

    @Test
    void everyFieldIsFoundWhateverTheHeaderWidth() {
        for (int extras = 0; extras <= 20; extras++) {
            var mapping = ColumnMapping.of(header(extras), Schema.people(), ExtraColumns.IGNORE);
            int last = extras + PEOPLE.size() - 1;
            assertArrayEquals(new int[] {last, last - 1, last - 2, last - 3, last - 4}, mapping.columnOfField,
                    extras + " extra columns");
            assertEquals(extras + PEOPLE.size(), mapping.headerSize);
        }
    }

    @Test
    void aRepeatedColumnIsRefusedWhateverTheHeaderWidth() {
        for (int extras = 0; extras <= 20; extras++) {
            String[] header = header(extras);
            String[] repeated = java.util.Arrays.copyOf(header, header.length + 1);
            repeated[header.length] = extras == 0 ? "id" : "extra0";
            var e = assertThrows(HeaderException.class, () -> ColumnMapping.of(repeated, Schema.people(), ExtraColumns.IGNORE),
                    header.length + 1 + " columns");
            assertEquals("duplicate_column", e.code());
            assertEquals("column '" + repeated[header.length] + "' appears more than once in the header", e.getMessage());
        }
    }
}
