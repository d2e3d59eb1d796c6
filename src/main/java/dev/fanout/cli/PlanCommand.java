package dev.fanout.cli;

import dev.fanout.bench.CapacityPlan;
import dev.fanout.bench.Slo;
import dev.fanout.bench.SweepFile;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/// `fanout bench plan`: "how many instances for R uploads/s at p99 < 50 ms?", answered from one
/// instance's `fanout bench sweep --json` with the arithmetic and its assumptions printed, so the
/// answer can be checked by hand and argued with.
@Command(name = "plan", description = {
    "Answers how many instances serve --rate R within the SLO, from a sweep",
    "of one instance (fanout bench sweep --json FILE), with the arithmetic:",
    "  capacity per instance = highest swept rate that met the SLO",
    "  usable per instance   = capacity x (1 - headroom)",
    "  instances             = ceil(R / usable) + spare",
    "",
    "Exit status: 0 with an answer, 1 when no step of the sweep met the SLO,",
    "2 on a usage error or a missing or malformed sweep file."})
final class PlanCommand implements Callable<Integer> {
    @ParentCommand
    private BenchCommand bench;

    @Option(names = "--sweep", paramLabel = "FILE", required = true,
            description = "The JSON written by fanout bench sweep --json.")
    private Path sweep;

    @Option(names = "--rate", paramLabel = "R", required = true,
            description = "Requests per second the cluster must serve.")
    private double rate;

    @Option(names = "--headroom", paramLabel = "P%", defaultValue = "30%",
            description = "Share of each instance's capacity kept free for bursts and noise, in percent (default: ${DEFAULT-VALUE}).")
    private String headroom;

    @Option(names = "--spare", paramLabel = "N", defaultValue = "0",
            description = "Instances added for a node lost or a rolling restart (default: ${DEFAULT-VALUE}).")
    private int spare;

    @Option(names = "--slo", paramLabel = "pNN=D",
            description = "Latency objective, e.g. p99=50ms (default: the sweep's own); each step is judged against it again.")
    private String slo;

    @Override
    public Integer call() {
        PrintStream out = bench.main().context().stdout();
        PrintStream err = bench.main().context().stderr();
        if (!(rate > 0) || Double.isInfinite(rate)) {
            throw new CliFailure("--rate must be a positive number of requests per second");
        }
        if (spare < 0) {
            throw new CliFailure("--spare cannot be negative");
        }
        double headroomFraction = headroom(headroom);
        SweepFile.Content content;
        try {
            content = SweepFile.read(sweep);
        } catch (IllegalArgumentException e) {
            throw new CliFailure(e.getMessage(), e);
        }
        if (content.steps().isEmpty()) {
            throw new CliFailure(sweep + " has no steps");
        }
        Slo objective = content.slo();
        if (slo != null) {
            try {
                objective = Slo.parse(slo);
            } catch (IllegalArgumentException e) {
                throw new CliFailure("--slo: " + e.getMessage(), e);
            }
        }
        Optional<CapacityPlan> answer = CapacityPlan.of(content, objective, rate, headroomFraction, spare);
        out.println("fanout bench plan: " + number(rate) + " req/s within " + objective + ", from " + sweep
                + (content.url().isEmpty() ? "" : " (a sweep of " + content.url() + ")"));
        if (answer.isEmpty()) {
            SweepFile.Step lowest = content.steps().getFirst();
            out.println("no step of the sweep met " + objective + ": at its lowest rate, " + number(lowest.rate())
                    + " req/s, one instance already missed it (" + objective.percentile() + " "
                    + micros(lowest.latencyUs().get(objective.percentile())) + ", " + lowest.errors()
                    + " errors); sweep lower rates, or give the instance more room");
            err.println("fanout: no capacity: no step of " + sweep + " met " + objective);
            return ExitStatus.Capacity.NONE_MET_SLO.code();
        }
        print(answer.get(), out);
        return ExitStatus.Capacity.FOUND.code();
    }

    private static void print(CapacityPlan plan, PrintStream out) {
        out.printf(Locale.ROOT, "  capacity per instance = %s req/s   (the highest swept rate that met %s%s)%n",
                number(plan.capacity()), plan.slo(),
                plan.knee().map(knee -> "; " + number(knee) + " req/s missed it").orElse(""));
        if (plan.lowerBound()) {
            out.println("                          every swept rate met it: the real capacity is higher; sweep higher rates to find the knee");
        }
        out.printf(Locale.ROOT, "  usable per instance   = %s × (1 − %s) = %s req/s%n",
                number(plan.capacity()), percent(plan.headroom()), number(plan.usable()));
        out.printf(Locale.ROOT, "  instances             = ceil(%s / %s) + %d spare = %d + %d = %d%n",
                number(plan.rate()), number(plan.usable()), plan.spare(), plan.needed(), plan.spare(), plan.instances());
        out.println("answer: " + plan.instances() + (plan.instances() == 1 ? " instance" : " instances"));
        out.println("assumes: instances scale linearly (no shared bottleneck: balancer, upstreams, network) and are"
                + " the same shape as the measured one (cores, memory, JVM settings); the balancer spreads requests evenly.");
    }

    /// `30%` or `30` (both percent) as a fraction.
    private static double headroom(String text) {
        String digits = text.strip();
        if (digits.endsWith("%")) {
            digits = digits.substring(0, digits.length() - 1).strip();
        }
        double percent;
        try {
            percent = Double.parseDouble(digits);
        } catch (NumberFormatException e) {
            throw new CliFailure("--headroom must be a percentage such as 30%, not '" + text + "'");
        }
        if (!(percent >= 0 && percent < 100)) {
            throw new CliFailure("--headroom must be at least 0% and below 100%, not '" + text + "'");
        }
        return percent / 100;
    }

    /// A rate as people write it: `1,680` or `12.5`.
    private static String number(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15
                ? String.format(Locale.ROOT, "%,d", (long) value)
                : String.format(Locale.ROOT, "%,.2f", value);
    }

    private static String percent(double fraction) {
        return number(fraction * 100) + " %";
    }

    private static String micros(long us) {
        return us >= 1000 ? String.format(Locale.ROOT, "%.1f ms", us / 1000.0) : us + " µs";
    }
}
