package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

/// Reads a streamed `mode=all&summary=true` response for a `People.Stream` upload line by line,
/// without holding it, and checks each row line byte for byte against the row it must be.
final class NdjsonCheck {
    private NdjsonCheck() {
    }

    /// What a whole response said.
    record Result(long rowLines, String summary) {
    }

    /// Checks that `body` is row 1, 2, … of `People.mixed` exactly, then a summary line; returns
    /// the number of row lines and the summary line (masked).
    static Result rowsThenSummary(InputStream body) throws IOException {
        var lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8), 1 << 16);
        long rows = 0;
        String line;
        while ((line = lines.readLine()) != null) {
            if (line.startsWith("{\"summary\"")) {
                assertEquals(null, lines.readLine(), "nothing after the summary line");
                return new Result(rows, TestGateway.masked(line + "\n"));
            }
            long row = ++rows;
            String expected = People.ndjsonRow(row, row, People.mixed(row));
            if (!expected.regionMatches(0, line, 0, line.length()) || expected.length() != line.length() + 1) {
                assertEquals(expected, line + "\n", "line " + row + " of the response");
            }
        }
        return fail("the response ended after " + rows + " rows without a summary line");
    }
}
