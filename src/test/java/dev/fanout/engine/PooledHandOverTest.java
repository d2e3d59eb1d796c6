package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.memory.PooledArrayOutput;
import dev.fanout.schema.Schema;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/// The writer hands whole chunks' arrays over to an output that takes them (the gateway's answer
/// queue) and never touches them again: an output that keeps every array it was given and reads
/// them only at the end gets exactly what a plain stream gets, over many chunks and workers — an
/// array the engine reused after handing it over would show up as changed bytes. Each array comes
/// with the free room before its bytes that the gateway frames a chunk in; the output scribbles
/// over that room, and over the room after, as the gateway does.
class PooledHandOverTest {
    /// Keeps what it is given, as given: arrays taken over by reference (their free room
    /// scribbled over), plain writes as copies.
    private static final class KeepingOutput extends OutputStream implements PooledArrayOutput {
        private final List<byte[]> arrays = new ArrayList<>();
        private final List<Integer> froms = new ArrayList<>();
        private final List<Integer> lengths = new ArrayList<>();
        private int takenOver;

        @Override
        public void writeTakingOver(byte[] array, int from, int to) {
            assertTrue(from >= ROOM_BEFORE, "room before the bytes: " + from);
            Arrays.fill(array, from - ROOM_BEFORE, from, (byte) '#');
            Arrays.fill(array, to, Math.min(array.length, to + ROOM_AFTER), (byte) '#');
            arrays.add(array);
            froms.add(from);
            lengths.add(to - from);
            takenOver++;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            arrays.add(Arrays.copyOfRange(b, off, off + len));
            froms.add(0);
            lengths.add(len);
        }

        String text() {
            var all = new ByteArrayOutputStream();
            for (int i = 0; i < arrays.size(); i++) {
                all.write(arrays.get(i), froms.get(i), lengths.get(i));
            }
            return all.toString(StandardCharsets.UTF_8).replaceAll("\"elapsedMs\":[0-9.]+", "\"elapsedMs\":0");
        }
    }

    private static byte[] people(int rows) {
        var csv = new StringBuilder("id,name,email,age,city\n");
        for (int i = 1; i <= rows; i++) {
            // Every seventh row invalid, every fifth id repeated: the key schema has duplicates.
            csv.append(i % 5 == 0 ? i - 1 : i).append(",Name").append(i).append(",n").append(i)
                    .append(i % 7 == 0 ? "@" : "@example.org").append(',').append(i % 90).append(",Town\n");
        }
        return csv.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static KeepingOutput runKeeping(byte[] csv, Schema schema, EngineOptions options) throws IOException {
        var out = new KeepingOutput();
        try (var run = new ValidationEngine().open(new ByteArrayInputStream(csv), schema, options)) {
            run.writeTo(out);
        }
        return out;
    }

    @Test
    void wholeChunksAreHandedOverAndNeverReused() throws IOException {
        byte[] csv = people(20_000);
        var options = EngineOptions.defaults().withChunkRows(100).withWorkers(4).withSummary(true);
        var keeping = runKeeping(csv, Schema.people(), options);
        String plain = EngineFixture.run(new ByteArrayInputStream(csv), Schema.people(), options).stable();
        assertEquals(plain, keeping.text());
        assertTrue(keeping.takenOver >= 200, "chunks handed over: " + keeping.takenOver);
    }

    /// Lines of invalid rows outgrow a chunk's first array (from the cells' size), and rows whose
    /// lines lengthen through each chunk outgrow the guess from the chunk before: the arrays the
    /// sinks grow out of go back to the pool while the chunks that grew are in flight.
    @Test
    void chunksWhoseLinesOutgrowTheirArraysAreHandedOverIntact() throws IOException {
        var csv = new StringBuilder("id,name,email,age,city\n");
        for (int i = 1; i <= 3_000; i++) {
            // Every row invalid (a city over 64 characters, quoted in the error), longer down each chunk.
            csv.append(i).append(",Name,n@example.org,200,").append("C".repeat(65 + 20 * (i % 100))).append('\n');
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        var options = EngineOptions.defaults().withChunkRows(100).withWorkers(4).withSummary(true);
        var keeping = runKeeping(bytes, Schema.people(), options);
        String plain = EngineFixture.run(new ByteArrayInputStream(bytes), Schema.people(), options).stable();
        assertTrue(plain.contains("\"invalid\":3000"), plain.substring(plain.length() - 300));
        assertEquals(plain, keeping.text());
        assertTrue(keeping.takenOver >= 30, "chunks handed over: " + keeping.takenOver);
    }

    @Test
    void chunksTheWriterEditsAreCopiedNotHandedOver() throws IOException {
        byte[] csv = people(2_000);
        var schema = Schema.parse(("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"},{\"name\":\"name\"},"
                + "{\"name\":\"email\",\"format\":\"email\"},{\"name\":\"age\",\"type\":\"integer\"},{\"name\":\"city\"}],"
                + "\"primaryKey\":[\"id\"]}").getBytes(StandardCharsets.UTF_8));
        var options = EngineOptions.defaults().withChunkRows(50).withWorkers(2).withSummary(true);
        var keeping = runKeeping(csv, schema, options);
        String plain = EngineFixture.run(new ByteArrayInputStream(csv), schema, options).stable();
        assertTrue(plain.contains("is a duplicate of row"), plain.substring(0, 300));
        assertEquals(plain, keeping.text());
        assertEquals(0, keeping.takenOver);
    }

    /// A keyed run's chunks without a duplicate are handed over whole, as an unkeyed run's are;
    /// only the chunk whose line the writer replaces is copied.
    @Test
    void keyedChunksWithoutADuplicateAreHandedOverWhole() throws IOException {
        var csv = new StringBuilder("id,name,email,age,city\n");
        for (int i = 1; i <= 2_000; i++) {
            // Row 20 repeats row 5's id: the first chunk of 50 rows has the one duplicate.
            csv.append(i == 20 ? 5 : i).append(",Name,n@example.org,30,Town\n");
        }
        byte[] bytes = csv.toString().getBytes(StandardCharsets.UTF_8);
        var schema = Schema.parse(("{\"fields\":[{\"name\":\"id\",\"type\":\"integer\"},{\"name\":\"name\"},"
                + "{\"name\":\"email\",\"format\":\"email\"},{\"name\":\"age\",\"type\":\"integer\"},{\"name\":\"city\"}],"
                + "\"primaryKey\":[\"id\"]}").getBytes(StandardCharsets.UTF_8));
        var options = EngineOptions.defaults().withChunkRows(50).withWorkers(2).withSummary(true);
        var keeping = runKeeping(bytes, schema, options);
        String plain = EngineFixture.run(new ByteArrayInputStream(bytes), schema, options).stable();
        assertTrue(plain.contains("\"row\":20,") && plain.contains("is a duplicate of row 5"), plain.substring(0, 300));
        assertEquals(plain, keeping.text());
        assertEquals(39, keeping.takenOver, "every chunk of 50 rows but the first");
    }

    @Test
    void theChunkTheErrorLimitCutsIsCopiedUpToTheCut() throws IOException {
        byte[] csv = people(2_000);
        var options = EngineOptions.defaults().withChunkRows(50).withWorkers(2).withMaxErrors(30).withSummary(true);
        var keeping = runKeeping(csv, Schema.people(), options);
        String plain = EngineFixture.run(new ByteArrayInputStream(csv), Schema.people(), options).stable();
        assertTrue(plain.contains("\"stopped\":\"max_errors\""), plain);
        assertEquals(plain, keeping.text());
        assertTrue(keeping.takenOver > 0);
    }
}
