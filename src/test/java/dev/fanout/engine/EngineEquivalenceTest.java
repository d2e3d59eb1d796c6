package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.fanout.schema.Schema;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

/// Whatever the split — one worker or several, any chunk size, input arriving a byte at a time —
/// the output is the same bytes. Files are random mixes of valid rows, invalid cells, duplicate
/// keys, quoted newlines and commas, and rows with the wrong number of cells.
class EngineEquivalenceTest {
    static final Schema SCHEMA = Schema.parse("""
            {"fields":[
              {"name":"id","type":"integer","constraints":{"minimum":1}},
              {"name":"name","type":"string","constraints":{"required":true}},
              {"name":"email","type":"string","format":"email"},
              {"name":"age","type":"integer","constraints":{"minimum":0,"maximum":150}},
              {"name":"code","type":"string","constraints":{"unique":true,"maxLength":8}}],
             "primaryKey":"id"}""".getBytes(StandardCharsets.UTF_8));

    @Property(tries = 60)
    void outputIsIdenticalForAnySplit(@ForAll long seed, @ForAll @IntRange(min = 0, max = 400) int rows,
            @ForAll @IntRange(min = 1, max = 50) int chunkRows, @ForAll @IntRange(min = 1, max = 4) int workers,
            @ForAll @IntRange(min = 1, max = 6) int chunksInFlight) {
        byte[] csv = randomCsv(new Random(seed), rows);
        var base = EngineOptions.defaults().withSummary(true).withWorkers(1).withChunkRows(100_000);
        String expected = run(csv, base, false);
        var split = base.withWorkers(workers).withChunkRows(chunkRows).withChunksInFlight(chunksInFlight);
        assertEquals(expected, run(csv, split, false));
        assertEquals(expected, run(csv, split, true));
        for (Mode mode : Mode.values()) {
            assertEquals(run(csv, base.withMode(mode), false), run(csv, split.withMode(mode), false));
        }
    }

    static String run(byte[] csv, EngineOptions options, boolean oneByteAtATime) {
        var in = oneByteAtATime
                ? new EngineFixture.OneByteAtATime(new ByteArrayInputStream(csv))
                : new ByteArrayInputStream(csv);
        return EngineFixture.run(in, SCHEMA, options).stable();
    }

    static byte[] randomCsv(Random random, int rows) {
        var text = new StringBuilder("id,name,email,age,code\r\n".substring(0, random.nextBoolean() ? 23 : 24));
        if (!text.toString().endsWith("\n")) {
            text.append('\n');
        }
        List<String> previousIds = new ArrayList<>();
        for (int r = 0; r < rows; r++) {
            String id = switch (random.nextInt(10)) {
                case 0 -> previousIds.isEmpty() ? "1" : previousIds.get(random.nextInt(previousIds.size()));
                case 1 -> "x" + r;
                case 2 -> "0";
                case 3 -> "";
                default -> Integer.toString(r + 2);
            };
            previousIds.add(id);
            String name = switch (random.nextInt(8)) {
                case 0 -> "";
                case 1 -> "\"Ada\nLovelace\"";
                case 2 -> "\"Smith, \"\"Bob\"\"\"";
                case 3 -> "Zoë 李";
                default -> "n" + random.nextInt(1000);
            };
            String email = random.nextInt(6) == 0 ? "bad" : "p" + r + "@example.org";
            String age = switch (random.nextInt(7)) {
                case 0 -> "abc";
                case 1 -> "200";
                case 2 -> "";
                default -> Integer.toString(random.nextInt(100));
            };
            String code = random.nextInt(4) == 0 ? "c" + random.nextInt(20) : (random.nextInt(5) == 0 ? "" : "u" + r);
            List<String> cells = new ArrayList<>(List.of(id, name, email, age, code));
            int shape = random.nextInt(25);
            if (shape == 0) {
                cells.removeLast();
            } else if (shape == 1) {
                cells.add("extra");
            }
            text.append(String.join(",", cells)).append(random.nextInt(5) == 0 ? "\r\n" : "\n");
            if (random.nextInt(40) == 0) {
                text.append('\n');
            }
        }
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }
}
