package dev.fanout.csv;

import de.siegmar.fastcsv.reader.CsvParseException;
import de.siegmar.fastcsv.reader.CsvReader;
import de.siegmar.fastcsv.reader.FieldMismatchStrategy;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Optional;

/// The reader Fanout used before `CsvSource`: FastCSV over a strict UTF-8 decoder, with the same
/// dialect, limits and failure codes. Kept as the oracle that `CsvSourceDifferentialTest` holds
/// the byte-level reader to. Not thread-safe.
final class FastCsvSource implements AutoCloseable {
    private final CountingInputStream counted;
    private final CsvReader<CsvRecord> reader;
    private final Iterator<CsvRecord> records;
    private final int maxFieldBytes;
    private long recordsRead;

    private FastCsvSource(InputStream in, char delimiter, int maxFieldBytes, int maxColumns) {
        this.counted = new CountingInputStream(in);
        this.maxFieldBytes = maxFieldBytes;
        Reader text = new StrictUtf8Reader(counted);
        var handler = new RecordHandler(maxColumns, maxFieldBytes);
        this.reader = CsvReader.builder()
                .fieldSeparator(delimiter)
                .skipEmptyLines(true)
                .allowUnclosedQuote(false)
                .extraFieldStrategy(FieldMismatchStrategy.IGNORE)
                .missingFieldStrategy(FieldMismatchStrategy.IGNORE)
                .maxBufferSize((int) Math.min(Integer.MAX_VALUE - 8, (long) maxFieldBytes * 4 + 65536))
                .build(handler, text);
        this.records = reader.iterator();
    }

    /// Opens a source over `in`. `maxFieldBytes` bounds one field, `maxColumns` one record.
    static FastCsvSource open(InputStream in, char delimiter, int maxFieldBytes, int maxColumns) {
        return new FastCsvSource(in, delimiter, maxFieldBytes, maxColumns);
    }

    /// The next record, or empty at the end of the input.
    ///
    /// @throws CsvFailure when the stream cannot go on
    public Optional<CsvRecord> next() {
        return hasNext() ? Optional.of(nextRecord()) : Optional.empty();
    }

    /// Whether a record follows; reads ahead.
    ///
    /// @throws CsvFailure when the stream cannot go on
    public boolean hasNext() {
        try {
            return records.hasNext();
        } catch (CsvParseException e) {
            throw parseFailure(e);
        } catch (UncheckedIOException e) {
            throw failure(e.getCause(), recordsRead + 1);
        }
    }

    /// The next record; call only after `hasNext()` returned true.
    public CsvRecord nextRecord() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more records");
        }
        CsvRecord record = records.next();
        recordsRead++;
        return record;
    }

    /// Bytes consumed from the input so far (read-ahead included), for progress reports.
    public long bytesRead() {
        return counted.bytesRead();
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing the CSV input failed", e);
        }
    }

    private CsvFailure parseFailure(CsvParseException e) {
        Throwable cause = e.getCause();
        if (cause instanceof CsvFailure failure) {
            return failure;
        }
        if (cause instanceof IOException io) {
            return failure(io, recordsRead + 1);
        }
        if (cause instanceof UncheckedIOException io) {
            return failure(io.getCause(), recordsRead + 1);
        }
        String detail = String.valueOf(e.getMessage());
        if (detail.contains("maximum buffer size")) {
            // The parser buffers a record before it hands over fields: a huge one overflows first.
            return new CsvFailure(StreamErrorCode.FIELD_TOO_LARGE, "record %d holds a field longer than the limit of %d bytes"
                    .formatted(recordsRead + 1, maxFieldBytes), e);
        }
        return new CsvFailure(StreamErrorCode.MALFORMED_CSV, "malformed CSV after record %d: %s"
                .formatted(recordsRead, detail), e);
    }

    private static CsvFailure failure(IOException e, long record) {
        if (e instanceof InputException input) {
            return new CsvFailure(input.code(), input.getMessage(), e);
        }
        if (e instanceof CharacterCodingException) {
            return new CsvFailure(StreamErrorCode.INVALID_UTF8,
                    "record %d contains bytes that are not valid UTF-8".formatted(record), e);
        }
        return new CsvFailure(StreamErrorCode.READ_FAILED,
                "the input could not be read past record %d: %s".formatted(record - 1, e.getMessage()), e);
    }
}
