package dev.fanout.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/// `scripts/bench` rewrites what lies between `bench/RESULTS.md`'s "standard suite" markers with
/// its new figures. A section added by hand inside the markers (above the suite's heading, where
/// "before the standard suite" lands when the marker is not looked at) would go with them: it
/// once held 2,100 lines of measurements. So the block must be the suite's section alone.
class ResultsFileTest {
    private static final Path RESULTS = Path.of("bench/RESULTS.md");
    private static final String START = "<!-- standard suite: start";
    private static final String END = "<!-- standard suite: end -->";

    @Test
    void theStandardSuitesBlockHoldsTheSuitesSectionAlone() throws IOException {
        List<String> lines = Files.readAllLines(RESULTS);
        int start = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(START)) {
                assertEquals(-1, start, "one start marker");
                start = i;
            } else if (lines.get(i).equals(END)) {
                assertEquals(-1, end, "one end marker");
                end = i;
            }
        }
        assertTrue(start >= 0 && end > start, "the markers, in order");
        assertTrue(lines.get(start + 1).startsWith("## Standard suite"),
                "the suite's heading straight after the start marker, not: " + lines.get(start + 1));
        List<String> headings = lines.subList(start + 1, end).stream()
                .filter(line -> line.startsWith("## "))
                .toList();
        assertEquals(1, headings.size(), "no section but the suite's between the markers: " + headings);
    }
}
