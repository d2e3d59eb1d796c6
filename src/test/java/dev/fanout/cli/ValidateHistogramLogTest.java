package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/// `fanout validate --histogram-log FILE`: one run of the engine on a real file leaves an `.hlog`
/// that HdrHistogram's reader reads back, holding the run as one request of exactly its rows and
/// one `chunk_validate` value per chunk.
class ValidateHistogramLogTest {
    static final int ROWS = 1234;
    static final int CHUNK_ROWS = 100;

    @TempDir
    Path dir;

    static Map<String, Histogram> totalsByTag(Path hlog) throws Exception {
        Map<String, Histogram> byTag = new HashMap<>();
        try (var reader = new HistogramLogReader(hlog.toFile())) {
            EncodableHistogram interval;
            while ((interval = reader.nextIntervalHistogram()) != null) {
                var histogram = (Histogram) interval;
                byTag.computeIfAbsent(histogram.getTag(), tag -> new Histogram(3)).add(histogram);
            }
        }
        return byTag;
    }

    @Test
    void theLogHoldsTheRunAsOneRequestAndEachChunkOnce() throws Exception {
        var csv = new StringBuilder("id,name,email,age,city\n");
        for (int id = 1; id <= ROWS; id++) {
            csv.append(id).append(",Name").append(id).append(",user").append(id).append("@example.org,")
                    .append(id % 100).append(",City\n");
        }
        Path input = Files.writeString(dir.resolve("people.csv"), csv, StandardCharsets.UTF_8);
        Path output = dir.resolve("out.ndjson");
        Path hlog = dir.resolve("run.hlog");

        CliRun run = CliRun.of("validate", input.toString(), "--schema-name", "people",
                "--chunk-rows", Integer.toString(CHUNK_ROWS), "--workers", "2",
                "-o", output.toString(), "--histogram-log", hlog.toString());

        assertEquals(0, run.status(), run.stderr());
        assertEquals(ROWS, Files.readAllLines(output).size());
        Map<String, Histogram> byTag = totalsByTag(hlog);
        Histogram rows = byTag.get("rows");
        long chunks = (ROWS + CHUNK_ROWS - 1) / CHUNK_ROWS;
        assertAll(
                () -> assertEquals(1, rows.getTotalCount(), byTag.keySet().toString()),
                () -> assertEquals(ROWS, rows.getMinValue()),
                () -> assertEquals(ROWS, rows.getMaxValue()),
                () -> assertEquals(1, byTag.get("request").getTotalCount()),
                () -> assertEquals(1, byTag.get("ttfb").getTotalCount()),
                () -> assertEquals(chunks, byTag.get("chunk_validate").getTotalCount()),
                () -> assertEquals(chunks, byTag.get("queue_wait").getTotalCount()),
                // The first byte comes before the last one.
                () -> assertTrue(byTag.get("ttfb").getMaxValue() <= byTag.get("request").getMaxValue(),
                        "ttfb " + byTag.get("ttfb").getMaxValue() + " µs, request " + byTag.get("request").getMaxValue() + " µs"));
    }

    @Test
    void aLogThatCannotBeWrittenIsOneErrorLineAndExitTwo() throws Exception {
        Path input = Files.writeString(dir.resolve("people.csv"), "id,name,email,age,city\n1,Ada,ada@example.org,36,X\n");
        Path hlog = dir.resolve("no-such-folder").resolve("run.hlog");

        CliRun run = CliRun.of("validate", input.toString(), "--schema-name", "people", "--histogram-log", hlog.toString());

        assertEquals(2, run.status(), run.stdout() + run.stderr());
        assertEquals(1, run.errorLines().size(), run.stderr());
        assertTrue(run.errorLines().getFirst().startsWith("fanout: "), run.stderr());
        assertTrue(run.errorLines().getFirst().contains(hlog.toString()), run.stderr());
    }
}
