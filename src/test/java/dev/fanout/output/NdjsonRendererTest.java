package dev.fanout.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.core.util.RecyclerPool;
import dev.fanout.schema.ErrorCode;
import dev.fanout.schema.JsonNumber;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

/// Row lines are written byte by byte into a `ByteSink` (see `NdjsonRenderer`); they must be the
/// lines jackson-core writes for the same row, for every form a value comes in, into sinks that
/// are exactly full. And the renderers `NdjsonRenderer.of` hands out: shared between runs with
/// the same keys, each writing its own keys however many different key lists have come and gone
/// (the cache is emptied when full).
class NdjsonRendererTest {
    private static final JsonFactory JACKSON = new JsonFactory();

    /// Random rows (keys, values of every form, errors) written one after another to one sink
    /// that starts small, so that row lines land in sinks with no room to spare.
    @Property(tries = 300)
    void rowLinesAreTheLinesJacksonWrites(@ForAll Random random) throws IOException {
        List<String> keys = new ArrayList<>();
        int width = random.nextInt(7);
        for (int k = 0; k < width; k++) {
            keys.add(k + awkwardText(random, 6));
        }
        var sink = new ByteSink(1);
        NdjsonRenderer.Lines lines = NdjsonRenderer.of(keys).open(sink);
        var expected = new StringBuilder();
        long row = random.nextBoolean() ? 1 : random.nextLong(Long.MAX_VALUE / 2);
        long line = row + random.nextInt(3);
        for (int r = 1 + random.nextInt(4); r > 0; r--) {
            Cells cells = Cells.random(random, width);
            List<FieldError> errors = errors(random, keys);
            lines.row(row, line, cells, errors);
            expected.append(jackson(row, line, keys, cells, errors));
            // Mostly the next row on the next line, as in a file; sometimes a jump (skipped rows).
            row += random.nextInt(4) == 0 ? 1 + random.nextInt(1000) : 1;
            line += random.nextInt(4) == 0 ? 1 + random.nextInt(1000) : 1;
        }
        assertEquals(expected.toString(), new String(sink.toByteArray(), StandardCharsets.UTF_8));
    }

    /// A valid row's line made invalid by errors found later (a duplicate key) is the line
    /// `Lines.row` writes for the same row with those errors, byte for byte, whatever lies before
    /// and after the line in its chunk; a line of another shape is refused, nothing written.
    @Property(tries = 300)
    void aValidLineInvalidatedIsTheLineRowWritesWithItsErrors(@ForAll Random random) {
        List<String> keys = new ArrayList<>();
        int width = random.nextInt(7);
        for (int k = 0; k < width; k++) {
            keys.add(k + awkwardText(random, 6));
        }
        NdjsonRenderer renderer = NdjsonRenderer.of(keys);
        long row = random.nextBoolean() ? 1 : random.nextLong(Long.MAX_VALUE / 2);
        long line = row + random.nextInt(3);
        Cells cells = Cells.random(random, width);
        List<FieldError> errors;
        do {
            errors = errors(random, keys);
        } while (errors.isEmpty());
        // The chunk: another row's line before it, a third after it.
        var chunk = new ByteSink(1);
        NdjsonRenderer.Lines chunkLines = renderer.open(chunk);
        chunkLines.row(Math.max(1, row - 1), line, Cells.random(random, width), errors(random, keys));
        int start = chunk.size();
        chunkLines.row(row, line, cells, List.of());
        int end = chunk.size();
        chunkLines.row(row + 1, line + 1, Cells.random(random, width), errors(random, keys));

        var invalidated = new ByteSink(1);
        assertTrue(renderer.open(invalidated).invalidated(chunk.array(), start, end, errors));
        var expected = new ByteSink(1);
        renderer.open(expected).row(row, line, cells, errors);
        assertEquals(new String(expected.toByteArray(), StandardCharsets.UTF_8),
                new String(invalidated.toByteArray(), StandardCharsets.UTF_8));

        // Not a valid row's line: an invalid one, one cut short, the line after it.
        var refused = new ByteSink(1);
        NdjsonRenderer.Lines refusing = renderer.open(refused);
        assertTrue(!refusing.invalidated(expected.array(), 0, expected.size(), errors), "an invalid row's line");
        assertTrue(!refusing.invalidated(chunk.array(), start, end - 1, errors), "a line cut short");
        assertTrue(!refusing.invalidated(chunk.array(), start + 1, end, errors), "a line without its start");
        assertEquals(0, refused.size(), "nothing written");
    }

    /// The line of a row without made values, written straight from its cells (`Lines.validRow`,
    /// or `Lines.invalidRow` with its errors), is the line `Lines.row` writes for it, byte for
    /// byte, row after row into one sink that starts small.
    @Property(tries = 300)
    void rowsFromCellsAreTheLinesRowWrites(@ForAll Random random) {
        List<String> keys = new ArrayList<>();
        int width = random.nextInt(7);
        for (int k = 0; k < width; k++) {
            keys.add(k + awkwardText(random, 6));
        }
        var quick = new ByteSink(1);
        var full = new ByteSink(1);
        NdjsonRenderer.Lines quickLines = NdjsonRenderer.of(keys).open(quick);
        NdjsonRenderer.Lines fullLines = NdjsonRenderer.of(keys).open(full);
        long row = random.nextBoolean() ? 1 : random.nextLong(Long.MAX_VALUE / 2);
        for (int r = 1 + random.nextInt(4); r > 0; r--) {
            Cells cells;
            do {
                cells = Cells.random(random, width);
            } while (cells.cells().stream().anyMatch(c -> c.form() == RowValues.VALUE));
            // As in a chunk: the row's forms after other rows', its cells' bounds after other
            // records' and in column order, which need not be key order.
            int formsAt = random.nextInt(3) * width;
            int firstBound = 2 * random.nextInt(4);
            int[] columns = columns(width);
            List<Integer> order = new ArrayList<>();
            for (int k = 0; k < width; k++) {
                order.add(k);
            }
            Collections.shuffle(order, random);
            for (int k = 0; k < width; k++) {
                columns[k] = order.get(k);
            }
            byte[] forms = new byte[formsAt + width];
            int[] bounds = new int[firstBound + 2 * width];
            for (int k = 0; k < width; k++) {
                forms[formsAt + k] = cells.form(k);
                bounds[firstBound + 2 * columns[k]] = cells.start(k);
                bounds[firstBound + 2 * columns[k] + 1] = cells.end(k);
            }
            long line = row + random.nextInt(3);
            List<FieldError> errors = errors(random, keys);
            if (errors.isEmpty()) {
                assertTrue(quickLines.validRow(row, line, cells.bytes(), forms, formsAt, bounds, firstBound, columns,
                        cells.bytesBound()));
            } else {
                assertTrue(quickLines.invalidRow(row, line, cells.bytes(), forms, formsAt, bounds, firstBound, columns,
                        cells.bytesBound(), errors));
            }
            fullLines.row(row, line, cells, errors);
            row += random.nextInt(4) == 0 ? 1 + random.nextInt(1000) : 1;
        }
        assertEquals(new String(full.toByteArray(), StandardCharsets.UTF_8),
                new String(quick.toByteArray(), StandardCharsets.UTF_8));
    }

    /// One chunk's rows with many different problems, more than a `Lines` keeps the bytes of and
    /// some alike but for a `String` of their own, some over the length kept: each error's message
    /// is its own, whichever problems share a slot or push another out.
    @Test
    void manyProblemsInOneChunkAreEachWrittenAsThemselves() throws IOException {
        var sink = new ByteSink(16);
        NdjsonRenderer.Lines lines = NdjsonRenderer.of(List.of("a")).open(sink);
        List<String> expected = new ArrayList<>();
        for (int r = 0; r < 3_000; r++) {
            // 500 problems over and over, a new String each time; every seventh over 256 chars.
            String problem = "is wrong in way " + r % 500 + (r % 7 == 0 ? "!".repeat(300) : "");
            byte[] quoted = r % 3 == 0 ? null : ("cell " + r).getBytes(StandardCharsets.UTF_8);
            lines.row(r + 1, r + 2, Cells.of(new Cell(RowValues.TEXT, "x", null)),
                    List.of(new FieldError("a", ErrorCode.TYPE, quoted, problem, 0)));
            expected.add(quoted == null ? problem : "\"cell " + r + "\" " + problem);
        }
        String[] written = new String(sink.toByteArray(), StandardCharsets.UTF_8).split("\n");
        assertEquals(expected.size(), written.length);
        for (int r = 0; r < written.length; r++) {
            try (JsonParser parser = JACKSON.createParser(written[r])) {
                String message = null;
                while (parser.nextToken() != null) {
                    if ("message".equals(parser.currentName()) && parser.currentToken() == JsonToken.VALUE_STRING) {
                        message = parser.getText();
                    }
                }
                assertEquals(expected.get(r), message, "row " + (r + 1));
            }
        }
    }

    /// Cells of more than 64 KiB in all are left to `Lines.row`, which reserves room value by value.
    @Test
    void aRowOfHugeCellsIsLeftToTheRowWriter() {
        Cells cells = Cells.of(new Cell(RowValues.TEXT, "x".repeat(70_000), null));
        var sink = new ByteSink(16);
        NdjsonRenderer.Lines lines = NdjsonRenderer.of(List.of("huge")).open(sink);
        byte[] forms = {RowValues.TEXT};
        int[] bounds = {cells.start(0), cells.end(0)};
        assertEquals(false, lines.validRow(1, 2, cells.bytes(), forms, 0, bounds, 0, new int[] {0}, cells.bytesBound()));
        assertEquals(false, lines.invalidRow(1, 2, cells.bytes(), forms, 0, bounds, 0, new int[] {0}, cells.bytesBound(),
                List.of(new FieldError("huge", ErrorCode.MAX_LENGTH, "too long", 0))));
        assertEquals(0, sink.size());
    }

    /// A row of huge cells (more than 64 KiB in all) is written as any other, and reserves room
    /// value by value, for what each needs: its sink does not grow to six times the line (the
    /// bound of an ordinary row, whose every byte might need a six-byte escape). Each huge value
    /// is larger than all before it, so that room reserved from the wrong place would not do.
    @Test
    void aRowOfHugeCellsReservesRoomForWhatEachValueNeeds() throws IOException {
        List<String> keys = List.of("number", "escapes", "text", "last", "made", "flag", "nothing");
        // Escapes of six bytes (control characters) and of two (the rest), for the room a
        // string's escapes need.
        Cells cells = Cells.of(new Cell(RowValues.NUMBER, "7".repeat(70_000), null),
                new Cell(RowValues.TEXT, "\u0001\u001fx".repeat(25_000) + "\"\\\t\r\b\f\n", null),
                new Cell(RowValues.TEXT, "Zoë \"".repeat(60_000), null),
                new Cell(RowValues.NUMBER, "-" + "8".repeat(2_000_000), null),
                new Cell(RowValues.VALUE, null, "made \u0001"), new Cell(RowValues.TRUE, null, null),
                new Cell(RowValues.NULL, null, null));
        var sink = new ByteSink(64);
        NdjsonRenderer.of(keys).open(sink).row(3, 4, cells, List.of());
        String expected = jackson(3, 4, keys, cells, List.of());
        assertEquals(expected, new String(sink.toByteArray(), StandardCharsets.UTF_8));
        // Growing by doubling may leave up to twice what is used, never six times.
        assertTrue(sink.array().length < 3 * sink.size(), "capacity " + sink.array().length + " for " + sink.size());
    }

    @Test
    void theSummaryLineHasTheCountsAndTheTimeToATenthOfAMillisecond() {
        assertEquals("{\"summary\":{\"rows\":3,\"valid\":2,\"invalid\":1,\"elapsedMs\":12.3}}\n",
                new String(NdjsonRenderer.summaryLine(3, 2, 1, 12.345), StandardCharsets.UTF_8));
        assertEquals("{\"summary\":{\"rows\":0,\"valid\":0,\"invalid\":0,\"elapsedMs\":0.0}}\n",
                new String(NdjsonRenderer.summaryLine(0, 0, 0, 0), StandardCharsets.UTF_8));
    }

    @Test
    void theErrorLineHasTheCodeTheMessageAndTheRow() {
        assertEquals("{\"error\":{\"code\":\"csv_malformed\",\"message\":\"bad \\\"quote\\\"\\n\",\"row\":41}}\n",
                new String(NdjsonRenderer.errorLine("csv_malformed", "bad \"quote\"\n", 41), StandardCharsets.UTF_8));
    }

    /// The cache holds up to 64 renderers and is emptied when one more comes. The test first
    /// waits for an emptying, so that whatever other tests left in the cache does not count;
    /// then a renderer is kept while the cache fills up to 64 and made anew after the 65th.
    @Test
    void theCacheHoldsSixtyFourRenderersThenStartsAfresh() {
        List<String> keys = List.of("kept", "then", "forgotten");
        NdjsonRenderer first = NdjsonRenderer.of(keys);
        int other = 0;
        while (NdjsonRenderer.of(keys) == first) {
            NdjsonRenderer.of(List.of("before", Integer.toString(other++)));
            assertTrue(other <= 64, "the cache was never emptied");
        }
        // Emptied by the last `before` list: the cache holds it and the renderer just made.
        NdjsonRenderer renderer = NdjsonRenderer.of(keys);
        for (int i = 0; i < 62; i++) {
            NdjsonRenderer.of(List.of("after", Integer.toString(i)));
        }
        assertSame(renderer, NdjsonRenderer.of(keys));
        NdjsonRenderer.of(List.of("after", "62"));
        assertNotSame(renderer, NdjsonRenderer.of(keys));
    }

    /// Only renderers of at most 64 KiB by the estimate (160 bytes a key and 8 a char) are kept:
    /// two keys of 8,152 chars in all, or 390 keys of one char.
    @Test
    void renderersWithLongKeysAreNotKept() {
        List<String> longest = List.of("a".repeat(4_000), "b".repeat(4_152));
        NdjsonRenderer kept = NdjsonRenderer.of(longest);
        assertSame(kept, NdjsonRenderer.of(longest));
        List<String> longer = List.of("a".repeat(4_000), "b".repeat(4_153));
        assertNotSame(NdjsonRenderer.of(longer), NdjsonRenderer.of(longer));
    }

    @Test
    void renderersWithManyKeysAreNotKept() {
        List<String> most = oneCharKeys(390);
        assertSame(NdjsonRenderer.of(most), NdjsonRenderer.of(most));
        List<String> more = oneCharKeys(391);
        assertNotSame(NdjsonRenderer.of(more), NdjsonRenderer.of(more));
    }

    /// A chunk's rows are as many as render within the bytes asked, counting an error for every
    /// key: thousands of keys leave one row, a few leave the most asked.
    @Test
    void rowsWithinCountsEveryKeyAndAnErrorForEach() {
        assertEquals(4096, NdjsonRenderer.of(List.of("id", "name", "email", "age", "city")).rowsWithin(8L << 20, 4096));
        assertEquals(1, NdjsonRenderer.of(oneCharKeys(16_000)).rowsWithin(8L << 20, 1024));
        int rows = NdjsonRenderer.of(oneCharKeys(1_000)).rowsWithin(8L << 20, 1024);
        // ~280 bytes a key with its error: 1,000 keys take ~280 KB a row.
        assertTrue(rows >= 27 && rows <= 32, "rows: " + rows);
    }

    /// `count` distinct keys of one char each (from U+4E00 on).
    private static List<String> oneCharKeys(int count) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            keys.add(Character.toString(0x4E00 + i));
        }
        return keys;
    }

    @Test
    void runsWithTheSameKeysShareOneRenderer() {
        List<String> keys = new ArrayList<>(List.of("id", "name"));
        NdjsonRenderer first = NdjsonRenderer.of(keys);
        keys.add("later");   // the caller's list may change afterwards: the renderer keeps its keys
        assertSame(first, NdjsonRenderer.of(List.of("id", "name")));
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"id\":\"7\",\"name\":\"Ann\"}}\n",
                render(first, "7", "Ann"));
    }

    @Test
    void everyRendererWritesItsOwnKeysPastTheCacheBound() {
        for (int i = 0; i < 200; i++) {
            String key = "k" + i + "\"é";
            assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"" + "k" + i + "\\\"é\":\"v\"}}\n",
                    render(NdjsonRenderer.of(List.of(key)), "v"));
        }
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"a\":\"x\",\"b\":\"y\"}}\n",
                render(NdjsonRenderer.of(List.of("a", "b")), "x", "y"));
    }

    @Test
    void longKeysAreRenderedButNotKept() {
        String longKey = "k".repeat(10_000);
        NdjsonRenderer first = NdjsonRenderer.of(List.of(longKey));
        assertEquals("{\"row\":1,\"line\":2,\"valid\":true,\"data\":{\"" + longKey + "\":\"v\"}}\n", render(first, "v"));
        assertNotSame(first, NdjsonRenderer.of(List.of(longKey)));
    }

    /// What jackson-core writes for the row line, with the SPEC's keys and order.
    private static String jackson(long row, long line, List<String> keys, Cells cells, List<FieldError> errors)
            throws IOException {
        var out = new ByteArrayOutputStream();
        try (JsonGenerator gen = JACKSON.createGenerator(out)) {
            gen.writeStartObject();
            gen.writeNumberField("row", row);
            gen.writeNumberField("line", line);
            gen.writeBooleanField("valid", errors.isEmpty());
            gen.writeObjectFieldStart("data");
            for (int k = 0; k < keys.size(); k++) {
                gen.writeFieldName(keys.get(k));
                Cell cell = cells.cells().get(k);
                switch (cell.form()) {
                    case RowValues.NULL -> gen.writeNull();
                    case RowValues.TEXT -> gen.writeString(cell.text());
                    case RowValues.NUMBER -> gen.writeNumber(cell.text());
                    case RowValues.TRUE -> gen.writeBoolean(true);
                    case RowValues.FALSE -> gen.writeBoolean(false);
                    default -> {
                        switch (cell.value()) {
                            case null -> gen.writeNull();
                            case JsonNumber n -> gen.writeNumber(n.text());
                            case Boolean b -> gen.writeBoolean(b);
                            default -> gen.writeString(cell.value().toString());
                        }
                    }
                }
            }
            gen.writeEndObject();
            if (!errors.isEmpty()) {
                gen.writeArrayFieldStart("errors");
                for (FieldError error : errors) {
                    gen.writeStartObject();
                    gen.writeFieldName("field");
                    if (error.field() == null) {
                        gen.writeNull();
                    } else {
                        gen.writeString(error.field());
                    }
                    gen.writeStringField("code", error.code().wireName());
                    gen.writeStringField("message", error.message());
                    gen.writeEndObject();
                }
                gen.writeEndArray();
            }
            gen.writeEndObject();
        }
        return out.toString(StandardCharsets.UTF_8) + "\n";
    }

    private static List<FieldError> errors(Random random, List<String> keys) {
        List<FieldError> errors = new ArrayList<>();
        ErrorCode[] codes = ErrorCode.values();
        for (int e = random.nextInt(2) * random.nextInt(4); e > 0; e--) {
            // Mostly a key of `data` (their pieces are encoded once), sometimes none, sometimes a
            // name that is not a key (encoded on the spot).
            int kind = random.nextInt(8);
            String field = kind < 2 ? null : kind == 2 || keys.isEmpty() ? awkwardText(random, 10)
                    : keys.get(random.nextInt(keys.size()));
            // The order of the key named, mostly (its piece found by position), or another.
            int order = field != null && keys.contains(field) && random.nextInt(4) > 0 ? keys.indexOf(field)
                    : random.nextInt(keys.size() + 2) - 1;
            // A message of a problem alone or quoting a cell's bytes (some long); problems often
            // from a few that come again (their bytes kept).
            String problem = random.nextBoolean() ? PROBLEMS.get(random.nextInt(PROBLEMS.size())) : awkwardText(random, 30);
            byte[] quoted = random.nextBoolean() ? null
                    : awkwardText(random, random.nextInt(4) == 0 ? 200 : 20).getBytes(StandardCharsets.UTF_8);
            errors.add(new FieldError(field, codes[random.nextInt(codes.length)], quoted, problem, order));
        }
        return errors;
    }

    /// Problems that come again and again, as a schema's do, one of them awkward.
    private static final List<String> PROBLEMS = List.of("is not an integer", "is above the maximum 150",
            "is not one of [\"a\", \"b\\\"]\u0001 é李");

    /// Short text that is often awkward: quotes, backslashes, control characters, multi-byte
    /// characters (none outside the BMP: Jackson 2 escapes those, the renderer does not).
    private static String awkwardText(Random random, int maxLength) {
        String awkward = "\"\\\n\t\u0000\u001f\u007féΩ李\u2028\uffff";
        var text = new StringBuilder();
        for (int i = random.nextInt(maxLength + 1); i > 0; i--) {
            text.append(random.nextInt(3) == 0 ? awkward.charAt(random.nextInt(awkward.length()))
                    : (char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }

    /// One value of a row: its form, its text (TEXT and NUMBER) or its made value (VALUE).
    private record Cell(byte form, String text, Object value) {
        static Cell random(Random random) {
            byte form = (byte) random.nextInt(6);
            return switch (form) {
                case RowValues.TEXT -> new Cell(form, awkwardText(random, 40), null);
                case RowValues.NUMBER -> new Cell(form, number(random), null);
                case RowValues.VALUE -> new Cell(form, null, switch (random.nextInt(6)) {
                    case 0 -> null;
                    case 1 -> new JsonNumber(number(random));
                    case 2 -> random.nextBoolean();
                    case 3 -> LocalDate.ofEpochDay(random.nextInt(100_000));
                    default -> awkwardText(random, 40);
                });
                default -> new Cell(form, null, null);
            };
        }

        private static String number(Random random) {
            return switch (random.nextInt(3)) {
                case 0 -> Integer.toString(random.nextInt());
                case 1 -> Long.toString(random.nextLong()) + "." + random.nextInt(1000);
                default -> "1".repeat(1 + random.nextInt(30));
            };
        }
    }

    /// A row as the engine's table hands it over: TEXT and NUMBER values are ranges of one byte
    /// array, with other bytes between and after them (quotes and newlines among them), as a
    /// CSV record's bytes have.
    private record Cells(byte[] bytes, List<Cell> cells, int[] starts, int[] ends) implements RowValues {
        private static final String FILLER = ",\"\n\\x";

        static Cells random(Random random, int width) {
            List<Cell> cells = new ArrayList<>();
            for (int k = 0; k < width; k++) {
                cells.add(Cell.random(random));
            }
            return layOut(cells, random);
        }

        static Cells of(Cell... cells) {
            return layOut(List.of(cells), new Random(1));
        }

        private static Cells layOut(List<Cell> cells, Random random) {
            var bytes = new ByteArrayOutputStream();
            int[] starts = new int[cells.size()];
            int[] ends = new int[cells.size()];
            for (int k = 0; k < cells.size(); k++) {
                filler(bytes, random);
                starts[k] = bytes.size();
                if (cells.get(k).text() != null) {
                    bytes.writeBytes(cells.get(k).text().getBytes(StandardCharsets.UTF_8));
                }
                ends[k] = bytes.size();
            }
            filler(bytes, random);
            return new Cells(bytes.toByteArray(), cells, starts, ends);
        }

        /// Up to eight filler bytes: none at all after the last cell puts it at the array's end.
        private static void filler(ByteArrayOutputStream bytes, Random random) {
            for (int i = random.nextInt(9); i > 0; i--) {
                bytes.write(FILLER.charAt(random.nextInt(FILLER.length())));
            }
        }

        @Override
        public byte form(int key) {
            return cells.get(key).form();
        }

        @Override
        public int start(int key) {
            return starts[key];
        }

        @Override
        public int end(int key) {
            return ends[key];
        }

        @Override
        public Object value(int key) {
            return cells.get(key).value();
        }

        @Override
        public int bytesBound() {
            int bound = 0;
            for (int k = 0; k < cells.size(); k++) {
                bound += ends[k] - starts[k];
            }
            return bound;
        }
    }

    /// One valid row whose values are the given strings.
    private static String render(NdjsonRenderer renderer, String... values) {
        var sink = new ByteSink(64);
        renderer.open(sink).row(1, 2, new Strings(values), List.of());
        return new String(sink.toByteArray(), StandardCharsets.UTF_8);
    }

    private record Strings(String[] values) implements RowValues {
        @Override
        public byte form(int key) {
            return VALUE;
        }

        @Override
        public byte[] bytes() {
            return new byte[0];
        }

        @Override
        public int start(int key) {
            return 0;
        }

        @Override
        public int end(int key) {
            return 0;
        }

        @Override
        public Object value(int key) {
            return values[key];
        }

        @Override
        public int bytesBound() {
            int bound = 0;
            for (String value : values) {
                bound += value.length();
            }
            return bound;
        }
    }

    /// Column `k` for key `k`: bounds laid out key by key.
    private static int[] columns(int width) {
        int[] columns = new int[width];
        for (int k = 0; k < width; k++) {
            columns[k] = k;
        }
        return columns;
    }

    /// Each connection runs on a virtual thread of its own: summary lines rendered on 300 threads
    /// that stay alive (connections kept open) take their buffers from Jackson's shared bounded
    /// pool and give them back, where Jackson's default pool kept a set (~12 KB) for each thread.
    @Test
    void summaryLinesOnManyThreadsShareOneBoundedPoolOfBuffers() throws Exception {
        var pool = (RecyclerPool.BoundedPoolBase<?>) JsonRecyclerPools.sharedBoundedPool();
        var rendered = new CountDownLatch(300);
        var release = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            long rows = i;
            threads.add(Thread.ofVirtual().start(() -> {
                byte[] line = NdjsonRenderer.summaryLine(rows, rows, 0, 1.0);
                assertTrue(new String(line, StandardCharsets.UTF_8).startsWith("{\"summary\":{\"rows\":" + rows + ","));
                rendered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }));
        }
        try {
            assertTrue(rendered.await(30, TimeUnit.SECONDS));
            int pooled = pool.pooledCount();
            assertTrue(pooled >= 1 && pooled <= pool.capacity(), "buffer sets pooled: " + pooled);
        } finally {
            release.countDown();
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }
}
