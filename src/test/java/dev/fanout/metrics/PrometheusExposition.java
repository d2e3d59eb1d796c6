package dev.fanout.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/// A strict reader of the Prometheus text format 0.0.4, as far as `PrometheusText` and
/// `RuntimeMetrics` use it: every line must be `# HELP`, `# TYPE` or a sample of the family most
/// recently typed; histograms must have strictly ascending `le`, non-decreasing cumulative counts,
/// a final `+Inf` bucket equal to `_count`, and a `_sum`; summaries have `_count` and `_sum` only.
/// Throws `AssertionError` on the first violation.
final class PrometheusExposition {
    private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
    private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") (\\S.*)");
    private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
    private static final Pattern SAMPLE = Pattern.compile(
            "(" + NAME + ")(?:\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*)\\})? "
                    + "([-+]?(?:[0-9]+(?:\\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|\\.[0-9]+|Inf|NaN))");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /// One histogram series: its buckets (upper bound → cumulative count), `_sum` and `_count`.
    record Histogram(TreeMap<Double, Long> buckets, double sum, long count) {
    }

    final Map<String, Histogram> histograms = new LinkedHashMap<>();
    final Map<String, Double> samples = new LinkedHashMap<>();
    final Map<String, String> types = new HashMap<>();

    static PrometheusExposition parse(String text) {
        var exposition = new PrometheusExposition();
        exposition.read(text);
        return exposition;
    }

    private void read(String text) {
        check(text.endsWith("\n"), "text ends with a line feed");
        String family = null;
        Set<String> helped = new HashSet<>();
        Map<String, List<double[]>> bucketLines = new LinkedHashMap<>();
        Map<String, Double> sums = new HashMap<>();
        Map<String, Long> counts = new HashMap<>();
        int lineNumber = 0;
        for (String line : text.split("\n", -1)) {
            lineNumber++;
            if (line.isEmpty() && lineNumber == text.split("\n", -1).length) {
                break;
            }
            String where = "line " + lineNumber + " \"" + line + "\": ";
            Matcher help = HELP.matcher(line);
            if (help.matches()) {
                check(helped.add(help.group(1)), where + "second HELP");
                continue;
            }
            Matcher typeLine = TYPE.matcher(line);
            if (typeLine.matches()) {
                family = typeLine.group(1);
                check(helped.contains(family), where + "HELP before TYPE");
                check(types.put(family, typeLine.group(2)) == null, where + "family typed twice");
                continue;
            }
            Matcher matcher = SAMPLE.matcher(line);
            check(matcher.matches(), where + "not a HELP, TYPE or sample line");
            check(family != null, where + "sample before any TYPE");
            String name = matcher.group(1);
            Map<String, String> labels = labels(matcher.group(2) == null ? "" : matcher.group(2), where);
            double value = value(matcher.group(3));
            String type = types.get(family);
            if (type.equals("histogram")) {
                String le = labels.remove("le");
                String series = family + labels;
                if (name.equals(family + "_bucket")) {
                    check(le != null, where + "bucket without le");
                    check(value == Math.rint(value) && value >= 0, where + "bucket count is a whole number");
                    bucketLines.computeIfAbsent(series, s -> new ArrayList<>()).add(new double[] {value(le), value});
                } else if (name.equals(family + "_sum")) {
                    check(le == null && sums.put(series, value) == null, where + "one _sum without le");
                } else if (name.equals(family + "_count")) {
                    check(le == null && counts.put(series, (long) value) == null, where + "one _count without le");
                } else {
                    throw new AssertionError(where + "not a sample of histogram " + family);
                }
            } else if (type.equals("summary")) {
                // Only the quantile-free form RuntimeMetrics writes: _count and _sum per series.
                check(name.equals(family + "_count") || name.equals(family + "_sum"), where + "not a sample of summary " + family);
                check(samples.put(name + labels, value) == null, where + "duplicate series");
            } else {
                check(name.equals(family), where + "not a sample of " + family);
                check(samples.put(family + labels, value) == null, where + "duplicate series");
            }
        }
        for (var entry : bucketLines.entrySet()) {
            String series = entry.getKey();
            List<double[]> buckets = entry.getValue();
            TreeMap<Double, Long> cumulative = new TreeMap<>();
            for (int i = 0; i < buckets.size(); i++) {
                double[] bucket = buckets.get(i);
                if (i > 0) {
                    check(bucket[0] > buckets.get(i - 1)[0], series + ": le ascending at " + bucket[0]);
                    check(bucket[1] >= buckets.get(i - 1)[1], series + ": cumulative counts never decrease at le=" + bucket[0]);
                }
                cumulative.put(bucket[0], (long) bucket[1]);
            }
            check(buckets.getLast()[0] == Double.POSITIVE_INFINITY, series + ": last bucket is +Inf");
            check(counts.containsKey(series) && sums.containsKey(series), series + ": has _sum and _count");
            check(buckets.getLast()[1] == counts.get(series), series + ": +Inf bucket == _count");
            histograms.put(series, new Histogram(cumulative, sums.get(series), counts.get(series)));
        }
        check(sums.keySet().equals(histograms.keySet()) && counts.keySet().equals(histograms.keySet()),
                "every _sum and _count belongs to a histogram with buckets");
    }

    private static Map<String, String> labels(String text, String where) {
        Map<String, String> labels = new TreeMap<>();
        Matcher matcher = LABEL.matcher(text);
        int end = 0;
        while (matcher.find()) {
            check(matcher.start() == end, where + "label syntax");
            check(labels.put(matcher.group(1), matcher.group(2)) == null, where + "duplicate label");
            end = matcher.end() < text.length() && text.charAt(matcher.end()) == ',' ? matcher.end() + 1 : matcher.end();
        }
        check(end == text.length(), where + "label syntax");
        return labels;
    }

    private static double value(String text) {
        return switch (text) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            default -> Double.parseDouble(text);
        };
    }

    /// Prometheus' `histogram_quantile`: linear interpolation within the bucket holding the rank,
    /// the first bucket starting at 0, and the highest finite bound for a rank in the `+Inf` bucket.
    static double histogramQuantile(double quantile, Histogram histogram) {
        double rank = quantile * histogram.count();
        double lowerBound = 0;
        long countBelow = 0;
        for (var bucket : histogram.buckets().entrySet()) {
            double upperBound = bucket.getKey();
            long cumulative = bucket.getValue();
            if (cumulative >= rank) {
                if (upperBound == Double.POSITIVE_INFINITY) {
                    return lowerBound;
                }
                return lowerBound + (upperBound - lowerBound) * (rank - countBelow) / (cumulative - countBelow);
            }
            lowerBound = upperBound;
            countBelow = cumulative;
        }
        throw new AssertionError("no +Inf bucket");
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError(what);
        }
    }
}
