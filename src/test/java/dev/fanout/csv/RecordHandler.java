package dev.fanout.csv;

import de.siegmar.fastcsv.reader.CsvCallbackHandler;
import de.siegmar.fastcsv.reader.RecordType;
import java.util.Arrays;

/// Builds our `CsvRecord` straight from the parser's callbacks and enforces the field-size (in
/// UTF-8 bytes) and column limits with our own codes. FastCSV's own record handler would copy every row twice more
/// (to a list and back to an array) and report limits only as message text.
/// Not thread-safe: one per reader.
final class RecordHandler extends CsvCallbackHandler<CsvRecord> {
    private final int maxFields;
    private final int maxFieldBytes;
    private String[] fields = new String[32];
    private int count;
    private long startingLine;
    private RecordType type = RecordType.DATA;

    RecordHandler(int maxFields, int maxFieldBytes) {
        this.maxFields = maxFields;
        this.maxFieldBytes = maxFieldBytes;
    }

    @Override
    protected RecordType getRecordType() {
        return type;
    }

    @Override
    protected int getFieldCount() {
        return count;
    }

    @Override
    protected void beginRecord(long startingLineNumber) {
        startingLine = startingLineNumber;
        count = 0;
        type = RecordType.DATA;
    }

    @Override
    protected void addField(char[] buf, int offset, int len, boolean quoted) {
        // A char is 1 to 3 UTF-8 bytes (a surrogate pair, 2 chars, is 4): count only near the limit.
        if (len > maxFieldBytes || (len > maxFieldBytes / 3 && utf8Length(buf, offset, len) > maxFieldBytes)) {
            throw new CsvFailure(StreamErrorCode.FIELD_TOO_LARGE,
                    "field %d of the record starting on line %d is longer than the limit of %d bytes"
                            .formatted(count + 1, startingLine, maxFieldBytes), null);
        }
        if (count == maxFields) {
            throw new CsvFailure(StreamErrorCode.TOO_MANY_COLUMNS,
                    "the record starting on line %d has more than %d fields".formatted(startingLine, maxFields), null);
        }
        if (count == fields.length) {
            fields = Arrays.copyOf(fields, fields.length * 2);
        }
        fields[count++] = len == 0 ? "" : new String(buf, offset, len);
    }

    private static long utf8Length(char[] buf, int offset, int len) {
        long bytes = 0;
        for (int i = offset; i < offset + len; i++) {
            char c = buf[i];
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }

    @Override
    protected void setComment(char[] buf, int offset, int len) {
        // Comments are not enabled; a comment character is data.
        type = RecordType.COMMENT;
    }

    @Override
    protected void setEmpty() {
        type = RecordType.EMPTY;
    }

    @Override
    protected CsvRecord buildRecord() {
        return new CsvRecord(startingLine, Arrays.copyOf(fields, count));
    }
}
