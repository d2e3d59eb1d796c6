package dev.fanout.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.metrics.HistogramCodec;
import dev.fanout.metrics.ManualSliceClock;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// `GET /v1/stats/NAME.hdr?window=` and `.hgrm?window=`: the histogram of the last window (whole
/// slices), which is what `fanout stats --window` merges across replicas; without `window` the
/// whole run, as before.
class StatsWindowTest {
    // Short slices, so that a request falls out of a small window after a second or so.
    private static final String INTERVAL = "PT0.2S";

    // Time moves only when a test moves it: the window's slices end where the test says.
    private static final ManualSliceClock clock = new ManualSliceClock();

    @RegisterExtension
    static final GatewayExtension gateway = GatewayExtension.withSchemas()
            .setting("fanout.histograms.interval", INTERVAL).sliceClock(clock);

    @Test
    void aSmallWindowHoldsOnlyTheRecentRequestsAndNoWindowHoldsTheRun() throws Exception {
        long runBefore = count("/v1/stats/request.hdr");
        for (int i = 0; i < 3; i++) {
            gateway.assertStillServes();
        }
        // Well past the small window's reach (its partial slice plus two completed ones: ≤ 0.6 s).
        clock.advance(Duration.ofMillis(1_500));
        gateway.assertStillServes();
        gateway.assertStillServes();

        assertEquals(2, count("/v1/stats/request.hdr?window=PT0.4S"), "only the two recent requests");
        assertEquals(runBefore + 5, count("/v1/stats/request.hdr"), "the whole run");
        assertEquals(runBefore + 5, count("/v1/stats/request.hdr?window=PT60S"),
                "a window longer than the kept history holds all of it (the history is 12 × 0.2 s)");
    }

    @Test
    void hgrmOfAWindowCountsTheWindowsRequests() throws Exception {
        clock.advance(Duration.ofSeconds(1)); // let other tests' requests fall out of the window
        gateway.assertStillServes();

        var response = gateway.get("/v1/stats/request.hgrm?window=PT0.4S");

        assertEquals(200, response.statusCode(), response.body());
        double covered = Double.parseDouble(response.headers().firstValue("Fanout-Window-Seconds").orElse("-1"));
        assertTrue(covered >= 0.4 && covered < 1.0, "two whole slices of 0.2 s and the partial one (ticker lag aside): " + covered);
        List<String> lines = response.body().lines().toList();
        Matcher total = Pattern.compile("#\\[Max\\s+=\\s+[0-9.]+, Total count\\s+=\\s+(\\d+)]").matcher(lines.get(lines.size() - 2));
        assertTrue(total.matches(), lines.get(lines.size() - 2));
        assertEquals(1, Long.parseLong(total.group(1)), response.body());
    }

    @Test
    void aWindowThatIsNotAPositiveDurationIsABadParameter() throws Exception {
        for (String window : List.of("soon", "PT0S", "-PT5S", "", "10")) {
            TestGateway.assertProblem(gateway.get("/v1/stats/request.hdr?window=" + window), 400, "bad_parameter");
            TestGateway.assertProblem(gateway.get("/v1/stats/request.hgrm?window=" + window), 400, "bad_parameter");
        }
    }

    private static long count(String path) throws Exception {
        var response = gateway.get(path);
        assertEquals(200, response.statusCode(), response.body());
        return HistogramCodec.decode(response.body()).getTotalCount();
    }
}
