package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import java.util.Random;

/// Coverage-guided fuzzing of the load generator's push parser, [ResponseParser], on arbitrary
/// bytes as the server's answer, fed as the event loop feeds it: piece by piece, then the end of
/// the stream unless the answer is complete. Its contract: no exception but an [ExchangeFailure];
/// and the same verdict — status, whether the connection closes after, how many bytes the answer
/// took, or the failure's kind and reason — whether the bytes come whole, a byte at a time or in
/// random pieces; with the NDJSON check of 2xx bodies on (summary expected or not) and off.
///
/// Regression inputs: `src/test/resources/dev/fanout/bench/ResponseParserFuzzTestInputs/response/`;
/// `scripts/fuzz response` searches for new ones.
class ResponseParserFuzzTest {

    @FuzzTest
    void response(byte[] answer) {
        var random = new Random(Arrays.hashCode(answer));
        int[] cuts = random.ints(random.nextInt(1, 12), 0, answer.length + 1).sorted().toArray();
        int[] everyByte = new int[Math.max(0, answer.length - 1)];
        Arrays.setAll(everyByte, i -> i + 1);
        boolean[][] checks = {{false, false}, {true, false}, {true, true}};
        for (boolean[] check : checks) {
            String whole = verdict(answer, new int[0], check[0], check[1]);
            assertEquals(whole, verdict(answer, everyByte, check[0], check[1]), "one byte at a time");
            assertEquals(whole, verdict(answer, cuts, check[0], check[1]), () -> "cut at " + Arrays.toString(cuts));
        }
    }

    /// Feeds `answer` in pieces ending at each of `cuts` (ascending; empty pieces allowed) until
    /// the answer is complete, then ends the stream if it is not.
    private static String verdict(byte[] answer, int[] cuts, boolean verify, boolean expectSummary) {
        var parser = new ResponseParser(verify, expectSummary);
        int start = 0;
        int used = 0;
        try {
            for (int i = 0; i <= cuts.length && !parser.done(); i++) {
                int end = i < cuts.length ? cuts[i] : answer.length;
                int n = parser.feed(answer, start, end);
                assertTrue(n >= 0 && n <= end - start, "used " + n + " of " + (end - start) + " bytes");
                assertTrue(n == end - start || parser.done(), "left bytes before the answer is complete");
                used += n;
                start = end;
            }
            if (!parser.done()) {
                parser.endOfStream();
            }
            assertTrue(parser.done(), "not done after the end of the stream");
            return "status " + parser.status() + (parser.closeAfter() ? ", close" : ", keep") + ", took " + used;
        } catch (ExchangeFailure e) {
            return e.kind() + ": " + e.getMessage();
        }
    }
}
