package dev.fanout.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.util.Arrays;
import java.util.Random;

/// Coverage-guided fuzzing of the engine on arbitrary CSV bytes, against the schema of
/// [EngineEquivalenceTest] (integers with bounds, a required string, an e-mail, a unique code, a
/// primary key). Its contract: the header is accepted or refused with a [HeaderException] and
/// nothing else; the NDJSON is the same bytes whether the file is validated as one chunk by one
/// worker or streamed in small chunks by several, and whether the input arrives whole or a byte
/// at a time; and every line of it is a JSON object.
///
/// The split (workers, chunk size, chunks in flight), the mode and the extra-columns policy are
/// chosen from the input's hash, so that a finding replays.
///
/// Regression inputs: `src/test/resources/dev/fanout/engine/EngineFuzzTestInputs/engine/`;
/// `scripts/fuzz engine` searches for new ones.
class EngineFuzzTest {
    private static final JsonMapper JACKSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    @FuzzTest
    @SuppressWarnings("EnumOrdinal") // any constants will do; the index is only a way to pick them
    void engine(byte[] csv) {
        var random = new Random(Arrays.hashCode(csv));
        var base = EngineOptions.defaults().withSummary(true).withWorkers(1).withChunkRows(100_000)
                .withMode(Mode.values()[random.nextInt(Mode.values().length)])
                .withExtra(ExtraColumns.values()[random.nextInt(ExtraColumns.values().length)]);
        String oneChunk = run(csv, base, false);
        var streamed = base.withWorkers(1 + random.nextInt(4)).withChunkRows(1 + random.nextInt(7))
                .withChunksInFlight(1 + random.nextInt(6));
        assertEquals(oneChunk, run(csv, streamed, false), () -> "one chunk vs. " + streamed);
        assertEquals(oneChunk, run(csv, streamed, true), () -> "one chunk vs. a byte at a time in " + streamed);
        if (!oneChunk.startsWith("header ")) {
            for (String line : oneChunk.split("\n")) {
                assertTrue(isJsonObject(line), () -> "not a JSON object: " + line);
            }
        }
    }

    /// The run's NDJSON (with `elapsedMs` masked), or `header CODE` when the header is refused.
    private static String run(byte[] csv, EngineOptions options, boolean oneByteAtATime) {
        try {
            return EngineEquivalenceTest.run(csv, options, oneByteAtATime);
        } catch (HeaderException e) {
            return "header " + e.code();
        }
    }

    private static boolean isJsonObject(String line) {
        try {
            return JACKSON.readTree(line).isObject();
        } catch (JacksonException e) {
            return false;
        }
    }
}
