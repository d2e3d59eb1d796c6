package dev.fanout.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.fanout.server.GatewayExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/// The gateway's histogram slices keep their length while a load keeps every carrier busy: the
/// `.hlog` of a saturating run is cut every interval, not once when the load stops. (With the
/// ticker on a virtual thread, its timed wake-up waited in the scheduler's submission queue for
/// the whole run: a 20 s W1 run gave one 20 s interval.)
class HistogramSlicesUnderLoadTest {
    private static final String PEOPLE = "/v1/validate?schema=people";
    private static final long INTERVAL_MILLIS = 200;

    @RegisterExtension
    static final GatewayExtension server = GatewayExtension.withSchemas()
            .setting("fanout.histograms.interval", "PT0.2S")
            .setting("fanout.histograms.log", () -> hlog().toString());
    static final Gateway gateway = new Gateway(server);

    private static Path hlog() {
        return server.dir().resolve("slices.hlog");
    }

    /// A copy of the log up to its last complete line: the gateway still writes it, and a slice
    /// longer than the writer's buffer can reach the file in parts.
    private static Path completeLines(Path log) throws IOException {
        byte[] bytes = Files.readAllBytes(log);
        int end = bytes.length;
        while (end > 0 && bytes[end - 1] != '\n') {
            end--;
        }
        return Files.write(server.dir().resolve("slices-complete.hlog"), Arrays.copyOf(bytes, end));
    }

    @Test
    void slicesAreCutOnTimeDuringASaturatingLoad() throws Exception {
        Path body = Gateway.people(server.dir(), "twenty.csv", 20);
        long loadStartMillis = System.currentTimeMillis();
        // Closed loop over many connections, as W1: every carrier always has a connection to serve.
        BenchResult result = LoadGeneratorTest.run(LoadGeneratorTest.plan(gateway.url(PEOPLE), List.of(body), 0,
                Duration.ofMillis(2_500), 300, 0, false));
        long loadEndMillis = System.currentTimeMillis();
        assertEquals(0, result.errors(), result.errorsByKind().toString());
        assertTrue(result.requests() > 1_000, "a load: " + result.requests() + " requests");

        long cutDuringLoad = 0;
        try (var reader = new HistogramLogReader(completeLines(hlog()).toFile())) {
            EncodableHistogram interval;
            while ((interval = reader.nextIntervalHistogram()) != null) {
                long endMillis = interval.getEndTimeStamp();
                if ("request".equals(interval.getTag()) && endMillis > loadStartMillis && endMillis < loadEndMillis) {
                    cutDuringLoad++;
                }
            }
        }
        long due = (loadEndMillis - loadStartMillis) / INTERVAL_MILLIS;
        // A loaded test machine may delay some ticks, but not most of them.
        assertTrue(cutDuringLoad >= due / 2, cutDuringLoad + " slices cut during the load, " + due + " due");
    }
}
