package dev.fanout.http1;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.http1.ResponseCase.Answer;
import dev.fanout.http1.ResponseCase.Expected;
import dev.fanout.http1.ResponseCase.Failure;
import dev.fanout.http1.ResponseCase.Nothing;
import dev.fanout.http1.ResponseFraming.Event;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/// Every [ResponseCase] through [ResponseFraming] the two ways our clients drive it: pushed in
/// pieces as a non-blocking reader gets them (whole, one byte at a time, split in two at every
/// offset of a short case, in random pieces), and pulled by a loop of read, feed over a stream
/// that hands one byte per read. Each way must give the case's expected outcome.
class ResponseFramingTest {
    // The load generator's limits: lines of 16 KiB (the upstream client's are 8 KiB).
    private static final ResponseFraming.Limits LIMITS =
            new ResponseFraming.Limits(16 << 10, ResponseFraming.Limits.DEFAULT.headBytes(), ResponseFraming.Limits.DEFAULT.fields());

    static List<ResponseCase> cases() {
        return ResponseCase.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pushedWholeOrInAnyPiecesGivesTheExpectedOutcome(ResponseCase response) throws IOException {
        byte[] raw = response.raw();
        assertEquals(response.expected(), push(response, new int[0]), "whole");
        int[] everyByte = new int[Math.max(0, raw.length - 1)];
        Arrays.setAll(everyByte, i -> i + 1);
        assertEquals(response.expected(), push(response, everyByte), "one byte at a time");
        if (raw.length <= 512) {
            for (int cut = 0; cut <= raw.length; cut++) {
                assertEquals(response.expected(), push(response, new int[] {cut}), "split at " + cut);
            }
        }
        var random = new Random(response.name().hashCode());
        for (int round = 0; round < 20; round++) {
            int[] cuts = random.ints(random.nextInt(1, 12), 0, raw.length + 1).sorted().toArray();
            assertEquals(response.expected(), push(response, cuts), () -> "cut at " + Arrays.toString(cuts));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void pulledOneByteAtATimeGivesTheExpectedOutcome(ResponseCase response) throws IOException {
        assertEquals(response.expected(), pull(response, new OneByteAtATime(response.raw())));
    }

    @Test
    void responsesBackToBackOnOneConnectionAreFramedOneAfterTheOther() throws Exception {
        List<ResponseCase> keepAlive = new ArrayList<>();
        var wire = new ByteArrayOutputStream();
        for (ResponseCase response : ResponseCase.all()) {
            if (response.expected() instanceof Answer answer && answer.keepAlive()) {
                keepAlive.add(response);
                wire.writeBytes(response.raw());
            }
        }
        byte[] bytes = wire.toByteArray();
        var framing = new ResponseFraming(LIMITS);
        int position = 0;
        for (ResponseCase response : keepAlive) {
            framing.reset(response.headRequest());
            var body = new ByteArrayOutputStream();
            Event event;
            do {
                event = framing.feed(bytes, position, bytes.length);
                if (event == Event.BODY) {
                    body.write(bytes, framing.bodyStart(), framing.position() - framing.bodyStart());
                }
                position = framing.position();
            } while (event != Event.COMPLETE);
            assertEquals(response.expected(), new Answer(framing.status(), body.toString(StandardCharsets.ISO_8859_1),
                    framing.keepAlive(), framing.retryAfterSeconds()), response.name());
        }
        assertEquals(bytes.length, position);
        assertTrue(keepAlive.size() > 20, keepAlive.size() + " keep-alive cases");
    }

    @Test
    void limitsTooSmallToHoldAStatusLineAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ResponseFraming.Limits(16, 1024, 10));
    }

    /// Feeds `response` in pieces ending at each of `cuts` (ascending; empty pieces allowed), then
    /// ends the input unless the response is complete.
    private static Expected push(ResponseCase response, int[] cuts) {
        byte[] raw = response.raw();
        var framing = new ResponseFraming(LIMITS);
        framing.reset(response.headRequest());
        var body = new ByteArrayOutputStream();
        int start = 0;
        try {
            for (int i = 0; i <= cuts.length && !framing.complete(); i++) {
                int end = i < cuts.length ? cuts[i] : raw.length;
                int at = start;
                while (!framing.complete()) {
                    Event event = framing.feed(raw, at, end);
                    if (event == Event.BODY) {
                        body.write(raw, framing.bodyStart(), framing.position() - framing.bodyStart());
                    }
                    at = framing.position();
                    if (event == Event.MORE) {
                        assertEquals(end, at, "MORE before the end of what was fed");
                        break;
                    }
                }
                start = end;
            }
            if (!framing.complete() && !framing.endOfInput()) {
                return new Nothing();
            }
        } catch (ResponseFramingException e) {
            return new Failure(e.reason());
        }
        return new Answer(framing.status(), body.toString(StandardCharsets.ISO_8859_1), framing.keepAlive(),
                framing.retryAfterSeconds());
    }

    /// Reads `in` into a buffer and feeds it, reading again only when the framing asks for more,
    /// as a blocking client does.
    private static Expected pull(ResponseCase response, InputStream in) throws IOException {
        var framing = new ResponseFraming(LIMITS);
        framing.reset(response.headRequest());
        byte[] buffer = new byte[8192];
        int position = 0;
        int limit = 0;
        var body = new ByteArrayOutputStream();
        try {
            while (true) {
                Event event = framing.feed(buffer, position, limit);
                position = framing.position();
                if (event == Event.COMPLETE) {
                    break;
                }
                if (event == Event.BODY) {
                    body.write(buffer, framing.bodyStart(), position - framing.bodyStart());
                } else if (event == Event.MORE) {
                    int n = in.read(buffer, 0, buffer.length);
                    if (n < 0) {
                        if (!framing.endOfInput()) {
                            return new Nothing();
                        }
                        break;
                    }
                    position = 0;
                    limit = n;
                }
            }
        } catch (ResponseFramingException e) {
            return new Failure(e.reason());
        }
        assertEquals(limit, position, "bytes left after the response");
        return new Answer(framing.status(), body.toString(StandardCharsets.ISO_8859_1), framing.keepAlive(),
                framing.retryAfterSeconds());
    }
}
