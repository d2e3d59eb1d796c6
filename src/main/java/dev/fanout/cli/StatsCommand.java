package dev.fanout.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import dev.fanout.metrics.HistogramCodec;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/// `fanout stats`: the exact cluster-wide percentiles a capacity planner needs. It fetches each
/// instance's whole-run histogram (`GET /v1/stats/NAME.hdr`, HdrHistogram's compressed form), or
/// with `--window` the histogram of its last window (`?window=`), or reads `.hlog` files, adds
/// them up — HdrHistograms merge exactly, unlike percentiles — and prints each source's
/// percentiles and the merged ones, in microseconds.
@Command(name = "stats", description = {
    "Merges latency histograms from several instances (URLs) or .hlog files and prints exact",
    "percentiles in microseconds: each source's, then the merged ones.",
    "With --window, each instance's last window instead of its whole run: the cluster's p99 over",
    "the last minutes (an .hlog gives the intervals ending within the window before its last one)."})
final class StatsCommand implements Callable<Integer> {
    private static final Duration HTTP_TIMEOUT = Duration.ofSeconds(10);

    @ParentCommand
    private Main parent;

    @Parameters(paramLabel = "SOURCE", arity = "1..*",
            description = "An instance's base URL (http://host:8080) or an .hlog file written by --histogram-log.")
    private List<String> sources;

    @Option(names = "--name", paramLabel = "NAME", defaultValue = "request",
            description = "Which histogram: request, ttfb, rows, chunk_validate, queue_wait, upstream.NAME (default: ${DEFAULT-VALUE}).")
    private String name;

    @Option(names = "--window", paramLabel = "D", converter = LoadOptions.DurationConverter.class,
            description = "Only the last D (PT5M, 60s): each instance's window of whole slices (default: the whole run).")
    private Duration window;

    @Override
    public Integer call() {
        PrintStream out = parent.context().stdout();
        if (window != null && (window.isNegative() || window.isZero())) {
            throw new CliFailure("--window must be a positive duration");
        }
        Histogram merged = new Histogram(3);
        List<String> lines = new ArrayList<>();
        for (String source : sources) {
            Histogram histogram = isUrl(source) ? fetch(source) : readLog(Path.of(source));
            merged.add(histogram);
            lines.add(row(source, histogram));
        }
        out.println(header());
        lines.forEach(out::println);
        if (sources.size() > 1) {
            out.println(row("merged", merged));
        }
        out.flush();
        return ExitStatus.Common.OK.code();
    }

    private Histogram fetch(String baseUrl) {
        String url = baseUrl.replaceAll("/+$", "") + "/v1/stats/" + name + ".hdr"
                + (window == null ? "" : "?window=" + window);
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(HTTP_TIMEOUT).build()) {
            HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(HTTP_TIMEOUT).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new CliFailure("GET " + url + " answered " + response.statusCode());
            }
            if (window != null) {
                warnIfShort(baseUrl, response.headers().firstValue("Fanout-Window-Seconds"));
            }
            return decode(response.body().trim(), url);
        } catch (java.net.ConnectException e) {
            // The JDK's client says nothing more than the exception's type here.
            throw new CliFailure("cannot fetch " + url + ": connection refused", e);
        } catch (IOException e) {
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw new CliFailure("cannot fetch " + url + ": " + reason, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure("interrupted while fetching " + url, e);
        } catch (IllegalArgumentException e) {
            throw new CliFailure("bad URL " + url + ": " + e.getMessage(), e);
        }
    }

    /// The gateway keeps `slices × fanout.histograms.interval` of history (or less since its
    /// start or a reset): a window longer than that is said on stderr, not passed off as whole.
    private void warnIfShort(String source, java.util.Optional<String> coveredSeconds) {
        if (coveredSeconds.isEmpty()) {
            return;
        }
        double covered;
        try {
            covered = Double.parseDouble(coveredSeconds.get());
        } catch (NumberFormatException e) {
            return;
        }
        double asked = window.toMillis() / 1000.0;
        if (covered < asked) {
            parent.context().stderr().printf(Locale.ROOT,
                    "fanout stats: %s: its window covers only %.1f s of the %.1f s asked (its history is shorter: since"
                            + " start or reset, or 12 slices of fanout.histograms.interval)%n", source, covered, asked);
        }
    }

    private static Histogram decode(String base64, String where) {
        try {
            return HistogramCodec.decode(base64);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(where + " is not a compressed HdrHistogram: " + e.getMessage(), e);
        }
    }

    private Histogram readLog(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CliFailure("cannot read " + file + ": no such file");
        }
        List<Histogram> intervals = new ArrayList<>();
        try (InputStream in = Files.newInputStream(file)) {
            var reader = new HistogramLogReader(in);
            while (reader.hasNext()) {
                EncodableHistogram interval = reader.nextIntervalHistogram();
                if (interval instanceof Histogram h && name.equals(h.getTag())) {
                    intervals.add(h);
                }
            }
        } catch (IOException e) {
            throw CliFailure.io("read", file.toString(), e);
        }
        if (intervals.isEmpty()) {
            throw new CliFailure(file + " has no interval histogram tagged '" + name + "'");
        }
        // A log has no "now": its window is the intervals that end within it before its last end.
        long lastEnd = intervals.stream().mapToLong(Histogram::getEndTimeStamp).max().orElse(0);
        long from = window == null ? Long.MIN_VALUE : lastEnd - window.toMillis();
        Histogram total = new Histogram(3);
        for (Histogram interval : intervals) {
            if (interval.getEndTimeStamp() > from) {
                total.add(interval);
            }
        }
        return total;
    }

    private static boolean isUrl(String source) {
        return source.startsWith("http://") || source.startsWith("https://");
    }

    private static String header() {
        return String.format(Locale.ROOT, "%-40s %10s %10s %12s %10s %10s %10s %10s %10s %10s",
                "source", "count", "min", "mean", "p50", "p90", "p99", "p99.9", "p99.99", "max");
    }

    private static String row(String source, Histogram h) {
        return String.format(Locale.ROOT, "%-40s %10d %10d %12.1f %10d %10d %10d %10d %10d %10d",
                source, h.getTotalCount(), h.getTotalCount() == 0 ? 0 : h.getMinValue(), h.getMean(),
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getValueAtPercentile(99.9), h.getValueAtPercentile(99.99), h.getMaxValue());
    }
}
