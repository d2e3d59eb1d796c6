package dev.fanout.cli;

import dev.fanout.bench.LoadPlan;
import dev.fanout.bench.Slo;
import dev.fanout.bench.Sweep;
import dev.fanout.bench.SweepFile;
import dev.fanout.bench.TextReport;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/// `fanout bench sweep`: steps the open-loop rate up until the SLO is missed (the knee), runs a
/// few overload steps past it, and reports the highest rate that met it — the capacity of one
/// instance — with goodput and `503`s per step, an HTML report of the latency-vs-throughput curve
/// and each step's percentile spectrum, and a JSON file that `fanout bench plan` reads.
@Command(name = "sweep", description = {
    "Runs the open loop at each rate, lowest first, until a step misses the",
    "SLO (its percentile over the limit, or any error), then --past-knee",
    "overload steps (the asked rates after it, then x1.25 steps), and reports",
    "the highest rate that met it; per step the goodput (2xx answers per",
    "second), 503s, errors and latency.",
    "",
    "Exit status: 0 when some rate met the SLO, 1 when none did, 2 on a usage or I/O error."})
final class SweepCommand implements Callable<Integer> {
    private static final Duration DEFAULT_STEP = Duration.ofSeconds(10);

    @ParentCommand
    private BenchCommand bench;

    @Mixin
    private LoadOptions load;

    @Option(names = "--rates", paramLabel = "R1,R2,…", split = ",", required = true,
            description = "Open-loop rates to try, in requests per second.")
    private List<Double> rates;

    @Option(names = "--slo", paramLabel = "pNN=D", required = true,
            description = "Latency objective, e.g. p99=50ms (p50, p90, p99, p999, p9999 or max).")
    private String slo;

    @Option(names = "--past-knee", paramLabel = "N", defaultValue = "2",
            description = "Overload steps to run after the first that misses the SLO (default: ${DEFAULT-VALUE}).")
    private int pastKnee;

    @Option(names = "--json", paramLabel = "FILE",
            description = "Write the whole sweep as JSON (rates, each step's figures, the SLO, the capacity) for fanout bench plan.")
    private Path json;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Write a report: FILE.html a page with the curve and spectra, FILE.svg the curve alone; repeatable.")
    private List<Path> report = List.of();

    @Override
    public Integer call() throws InterruptedException {
        Slo objective;
        try {
            objective = Slo.parse(slo);
        } catch (IllegalArgumentException e) {
            throw new CliFailure("--slo: " + e.getMessage(), e);
        }
        if (rates.stream().anyMatch(r -> !(r > 0))) {
            throw new CliFailure("--rates must be positive numbers of requests per second");
        }
        if (pastKnee < 0) {
            throw new CliFailure("--past-knee cannot be negative");
        }
        LoadPlan plan = load.plan(rates.getFirst(), 1, DEFAULT_STEP);
        PrintStream out = bench.main().context().stdout();
        PrintStream err = bench.main().context().stderr();
        Sweep.Result result;
        try {
            result = Sweep.run(plan, rates, objective, pastKnee, line -> err.println("fanout bench sweep: " + line));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new CliFailure(e.getMessage(), e);
        }
        out.println("fanout bench sweep: POST " + plan.url() + ", " + plan.connections() + " connections, "
                + (plan.requests() > 0 ? plan.requests() + " requests" : plan.duration().toMillis() / 1000.0 + " s")
                + " per step");
        TextReport.print(result, out);
        try {
            if (json != null) {
                SweepFile.write(result, plan, rates, pastKnee, json);
            }
            for (Path file : report) {
                Reports.sweep(result, file);
            }
        } catch (UncheckedIOException e) {
            throw new CliFailure(e.getMessage(), e);
        }
        return result.capacity().isPresent() ? ExitStatus.Capacity.FOUND.code() : ExitStatus.Capacity.NONE_MET_SLO.code();
    }
}
