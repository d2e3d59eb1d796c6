package dev.fanout.engine;

import dev.fanout.csv.StreamErrorCode;
import dev.fanout.memory.BufferPool;
import dev.fanout.memory.PooledArrayOutput;
import dev.fanout.output.ByteSink;
import dev.fanout.output.FieldError;
import dev.fanout.output.NdjsonRenderer;
import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.Violation;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/// Writes validated chunks to the output strictly in row order, deciding `unique` and
/// `primaryKey` on the way (first occurrence valid, later ones not, however the work was split)
/// and self-referencing foreign keys (a row may refer to a key of an earlier row or its own), and
/// ends the output with the summary line or the error line. With an error limit it is also where
/// the run stops: the cut must fall in input order, which only the writer sees.
///
/// The remembered keys grow with the number of distinct key values: uniqueness and references
/// cannot be decided in less. They are held compactly ([KeySet]: ~22 bytes for a key of up to
/// seven digits, with the row that first had it, against ~95 in a `HashMap<Object, Long>`) and paid
/// for from the run's [KeyBudget]; when that runs out, the run stops at the row being decided
/// with `too_many_keys`. Used by one thread at a time (the run's writer); not thread-safe.
final class OrderedWriter {
    /// Rows decided before the key sets are told how many keys to expect.
    private static final long EXPECT_AFTER_ROWS = 16_384;
    private final OutputStream out;
    private final Mode mode;
    private final boolean summary;
    private final List<UniqueConstraint> uniques;
    // Each uniqueness rule's keys so far, with the row that first had each.
    private final List<KeySet> firstRowOfKey;
    private final List<ForeignKeyCheck> selfKeys;
    // The keys rows so far offer to each self-reference, encoded compactly.
    private final List<KeySet> offeredKeys;
    private final NdjsonRenderer renderer;
    private long rows;
    private long valid;
    private long invalid;
    private final long maxErrors;
    /// The row at which the error limit stopped the output; 0 while it has not.
    private long stoppedAt;
    /// Why the keys stopped the output (their budget ran out), or null.
    private StreamError keysStopped;
    private final KeyBudget keyBudget;
    private final LongSupplier expectedRows;

    OrderedWriter(OutputStream out, Mode mode, boolean summary, List<UniqueConstraint> uniques, NdjsonRenderer renderer) {
        this(out, mode, summary, uniques, List.of(), renderer, EngineOptions.NO_ERROR_LIMIT, KeyBudget.UNLIMITED, () -> 0);
    }

    /// A writer that also decides self-referencing foreign keys (`selfKeys`), stops after
    /// `maxErrors` invalid rows (the row that makes them N is the last one written or counted,
    /// whatever chunks came after it: see [#stopped]) and holds its keys within `keyBudget`.
    /// [#releaseKeys] gives the budget back. `expectedRows` says how many rows the input likely
    /// has (0 when unknown), for the key sets to grow straight to their likely size.
    OrderedWriter(OutputStream out, Mode mode, boolean summary, List<UniqueConstraint> uniques,
            List<ForeignKeyCheck> selfKeys, NdjsonRenderer renderer, long maxErrors, KeyBudget keyBudget,
            LongSupplier expectedRows) {
        this.keyBudget = keyBudget;
        this.expectedRows = expectedRows;
        this.selfKeys = selfKeys;
        this.offeredKeys = new ArrayList<>();
        for (int i = 0; i < selfKeys.size(); i++) {
            offeredKeys.add(new KeySet(keyBudget));
        }
        this.out = out;
        this.mode = mode;
        this.summary = summary;
        this.uniques = uniques;
        this.renderer = renderer;
        this.maxErrors = maxErrors;
        this.firstRowOfKey = new ArrayList<>();
        for (int i = 0; i < uniques.size(); i++) {
            firstRowOfKey.add(new KeySet(keyBudget));
        }
    }

    /// Rows written or counted so far.
    long rows() {
        return rows;
    }

    /// Whether the error limit was reached, or the keys' budget ran out: nothing more may be
    /// written but the last lines.
    boolean stopped() {
        return stoppedAt > 0 || keysStopped != null;
    }

    /// Gives back the keys' memory to the run's budget; the writer decides no more keys after.
    void releaseKeys() {
        firstRowOfKey.forEach(KeySet::release);
        offeredKeys.forEach(KeySet::release);
    }

    /// Writes the chunk's rows (up to the error limit), then gives its byte array back to the
    /// shared pool (an output stream keeps nothing of what it was given once `write` returns), or
    /// hands the array over when the whole chunk goes out to an output that takes arrays over.
    void write(ValidatedChunk chunk) throws IOException {
        if (stopped()) {
            throw new IllegalStateException("the error limit was reached: no more rows are written");
        }
        if (!writeRows(chunk)) {
            BufferPool.SHARED.give(chunk.bytes());
        }
    }

    /// Writes the chunk's rows; whether its array was handed over to the output.
    private boolean writeRows(ValidatedChunk chunk) throws IOException {
        if (uniques.isEmpty() && selfKeys.isEmpty()) {
            int chunkInvalid = chunk.rowCount() - chunk.validCount();
            if (invalid + chunkInvalid < maxErrors) {
                rows += chunk.rowCount();
                valid += chunk.validCount();
                invalid += chunkInvalid;
                // Not the empty chunk that only says the input ended: it has no room to hand over.
                if (out instanceof PooledArrayOutput taker && chunk.end() > chunk.start()) {
                    taker.writeTakingOver(chunk.bytes(), chunk.start(), chunk.end());
                    return true;
                }
                out.write(chunk.bytes(), chunk.start(), chunk.end() - chunk.start());
                return false;
            }
            // The limit falls in this chunk: on the invalid row that makes it N.
            int cut = chunk.invalidRows()[(int) (maxErrors - invalid - 1)];
            rows += cut + 1;
            valid += cut + 1 - (maxErrors - invalid);
            invalid = maxErrors;
            stoppedAt = chunk.firstRow() + cut;
            out.write(chunk.bytes(), chunk.start(), chunk.rowEnds()[cut] - chunk.start());
            return false;
        }
        ChunkKeys keys = chunk.keys();
        // None in the empty chunk that only says the input ended.
        if (keys != null) {
            expectKeys();
            warm(keys);
        }
        int start = chunk.start();
        int pendingFrom = start;
        RowTable rowTable = chunk.rows();
        for (int i = 0; i < chunk.rowCount(); i++) {
            int end = chunk.rowEnds()[i];
            long row = chunk.firstRow() + i;
            List<FieldError> duplicates;
            try {
                duplicates = duplicates(rowTable, i, row, keys);
            } catch (KeyBudget.Exhausted e) {
                // This row cannot be decided: the lines before it go out, and the run ends here.
                keysStopped = new StreamError(StreamErrorCode.TOO_MANY_KEYS, ("the keys remembered for unique, primaryKey"
                        + " and uniqueKeys (and self-referencing foreign keys) outgrew %s; the rows from here on were not"
                        + " checked").formatted(keyBudget.describe()), row);
                out.write(chunk.bytes(), pendingFrom, start - pendingFrom);
                return false;
            }
            rows++;
            if (duplicates.isEmpty()) {
                count(rowTable.valid(i));
            } else {
                count(false);
                // Flush the untouched rows before this one, then replace this row's line.
                out.write(chunk.bytes(), pendingFrom, start - pendingFrom);
                pendingFrom = end;
                if (mode.writes(false) && rowTable.valid(i) && end > start) {
                    // Written as valid (in mode=all): the same values, now with their errors.
                    writeInvalidated(chunk.bytes(), start, end, row, duplicates);
                } else if (mode.writes(false)) {
                    out.write(render(rowTable, i, withErrors(rowTable.errors(i), duplicates)));
                }
            }
            start = end;
            if (invalid >= maxErrors) {
                // Later rows claim no keys: they were never written.
                stoppedAt = row;
                out.write(chunk.bytes(), pendingFrom, end - pendingFrom);
                return false;
            }
        }
        // A chunk with no duplicate (the usual one) is handed over whole, as a chunk without keys
        // is, rather than copied.
        if (pendingFrom == chunk.start() && out instanceof PooledArrayOutput taker && chunk.end() > chunk.start()) {
            taker.writeTakingOver(chunk.bytes(), chunk.start(), chunk.end());
            return true;
        }
        out.write(chunk.bytes(), pendingFrom, chunk.end() - pendingFrom);
        return false;
    }

    /// Writes the last lines: the summary when asked (saying `"stopped":"max_errors"` when the
    /// error limit cut the run), then the error line when the input failed or the limit was
    /// reached. The error line is always last, so a client still knows a whole answer by its
    /// summary and no error line. It does not flush: the caller ends the output, and a small
    /// response can then go out in one piece.
    RunOutcome finish(Optional<StreamError> failure, long startNanos) throws IOException {
        var result = new Summary(rows, valid, invalid, (System.nanoTime() - startNanos) / 1e6);
        boolean atErrorLimit = stoppedAt > 0;
        Optional<StreamError> error = keysStopped != null ? Optional.of(keysStopped)
                : atErrorLimit ? Optional.of(new StreamError(StreamErrorCode.MAX_ERRORS, "stopped after %d invalid row%s (max-errors=%d)"
                        .formatted(invalid, invalid == 1 ? "" : "s", maxErrors), stoppedAt))
                : failure;
        if (atErrorLimit && keysStopped == null && summary) {
            out.write(NdjsonRenderer.summaryLine(result.rows(), result.valid(), result.invalid(), result.elapsedMs(),
                    StreamErrorCode.MAX_ERRORS.wireName()));
        }
        if (error.isPresent()) {
            StreamError e = error.get();
            out.write(NdjsonRenderer.errorLine(e.code().wireName(), e.message(), e.row()));
        } else if (summary) {
            out.write(NdjsonRenderer.summaryLine(result.rows(), result.valid(), result.invalid(), result.elapsedMs()));
        }
        return new RunOutcome(result, error);
    }

    void flush() throws IOException {
        out.flush();
    }

    /// Tells each key set how many keys it will likely hold ([KeySet#expect]): about as many more,
    /// for each row still to come, as it took for each row so far. Only once enough rows have come
    /// for that share to mean something; before that, the sets are small and doubling is cheap.
    private void expectKeys() {
        if (rows < EXPECT_AFTER_ROWS) {
            return;
        }
        long total = expectedRows.getAsLong();
        if (total <= rows) {
            return;
        }
        // A sixteenth less than the share says: past a power of two, an overestimate would double
        // the table (most of the set's memory) for nothing, where an underestimate costs one more
        // doubling at the end.
        double perRow = (double) total / rows * 15 / 16;
        for (KeySet keys : firstRowOfKey) {
            keys.expect((long) (keys.size() * perRow));
        }
        for (KeySet keys : offeredKeys) {
            keys.expect((long) (keys.size() * perRow));
        }
    }

    /// Reads ahead where the chunk's keys will be probed ([KeySet#warm]).
    private void warm(ChunkKeys keys) {
        int rows = keys.rows();
        for (int u = 0; u < uniques.size(); u++) {
            firstRowOfKey.get(u).warm(keys.hashes(), u * rows, (u + 1) * rows);
        }
        for (int s = 0; s < selfKeys.size(); s++) {
            int offered = uniques.size() + 2 * s;
            offeredKeys.get(s).warm(keys.hashes(), offered * rows, (offered + 2) * rows);
        }
    }

    /// Row `i`'s `unique` and self-reference `foreign_key` errors.
    private List<FieldError> duplicates(RowTable rowTable, int i, long row, ChunkKeys keys) {
        List<FieldError> errors = List.of();
        byte[] bytes = keys.bytes();
        for (int s = 0; s < selfKeys.size(); s++) {
            int offered = uniques.size() + 2 * s;
            int wanted = offered + 1;
            KeySet offeredSoFar = offeredKeys.get(s);
            // Offered first: a row may refer to its own key.
            if (keys.has(i, offered)) {
                offeredSoFar.add(bytes, keys.start(i, offered), keys.end(i, offered), keys.hash(i, offered));
            }
            if (keys.has(i, wanted)
                    && !offeredSoFar.contains(bytes, keys.start(i, wanted), keys.end(i, wanted), keys.hash(i, wanted))) {
                ForeignKeyCheck key = selfKeys.get(s);
                if (errors.isEmpty()) {
                    errors = new ArrayList<>(2);
                }
                errors.add(new FieldError(key.label(), ErrorCode.FOREIGN_KEY,
                        key.message(describe(rowTable, i, key.fieldIndexes())), key.order()));
            }
        }
        for (int u = 0; u < uniques.size(); u++) {
            if (!keys.has(i, u)) {
                continue;
            }
            long first = firstRowOfKey.get(u).addFirst(bytes, keys.start(i, u), keys.end(i, u), keys.hash(i, u), row);
            if (first >= 0) {
                UniqueConstraint unique = uniques.get(u);
                if (errors.isEmpty()) {
                    errors = new ArrayList<>(2);
                }
                errors.add(new FieldError(unique.label(), ErrorCode.UNIQUE,
                        // Concatenated, not formatted: String.format was a fifth of the writer's work on
                        // a file of many duplicates.
                        unique.label() + " " + describe(rowTable, i, unique) + " is a duplicate of row " + first, unique.order()));
            }
        }
        return errors;
    }

    /// The key's values as the row has them, e.g. `"17"` or `("17", "a@b.org")`.
    private static String describe(RowTable rowTable, int i, UniqueConstraint unique) {
        return describe(rowTable, i, unique.fieldIndexes());
    }

    static String describe(RowTable rowTable, int i, int[] fieldIndexes) {
        var parts = new java.util.StringJoiner(", ", fieldIndexes.length > 1 ? "(" : "", fieldIndexes.length > 1 ? ")" : "");
        for (int index : fieldIndexes) {
            Object value = rowTable.typed(i, index);
            // Quoted and cut short like every cell in a message: a key can be a 1 MiB cell.
            parts.add(Violation.quote(value instanceof dev.fanout.schema.JsonNumber n ? n.text() : String.valueOf(value)));
        }
        return parts.toString();
    }

    private static List<FieldError> withErrors(List<FieldError> errors, List<FieldError> extra) {
        List<FieldError> all = new ArrayList<>(errors);
        all.addAll(extra);
        // Stable: errors of one field keep their order, unique comes after that field's others,
        // and foreign_key last (a reference table's is among the row's own errors, before unique).
        all.sort(Comparator.comparingInt(FieldError::order)
                .thenComparingInt(error -> error.code() == ErrorCode.FOREIGN_KEY ? 1 : 0));
        return all;
    }

    private byte[] render(RowTable rowTable, int i, List<FieldError> errors) {
        var sink = new ByteSink(256);
        rowTable.render(i, errors, renderer.open(sink));
        return sink.toByteArray();
    }

    /// Writes the line of a row its chunk wrote as valid, `bytes[start, end)`, made invalid by
    /// `errors` (its only ones): its values copied, not rendered again (see
    /// `NdjsonRenderer.Lines.invalidated`).
    private void writeInvalidated(byte[] bytes, int start, int end, long row, List<FieldError> errors) throws IOException {
        var sink = new ByteSink(end - start + 128);
        if (!renderer.open(sink).invalidated(bytes, start, end, errors.size() > 1 ? withErrors(List.of(), errors) : errors)) {
            throw new IllegalStateException("row " + row + " was not written as a valid row's line");
        }
        out.write(sink.array(), 0, sink.size());
    }

    private void count(boolean rowValid) {
        if (rowValid) {
            valid++;
        } else {
            invalid++;
        }
    }
}
