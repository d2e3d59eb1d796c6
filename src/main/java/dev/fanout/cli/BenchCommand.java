package dev.fanout.cli;

import dev.fanout.bench.BenchResult;
import dev.fanout.bench.Benchmark;
import dev.fanout.bench.Comparison;
import dev.fanout.bench.LatencyLog;
import dev.fanout.bench.LoadPlan;
import dev.fanout.bench.ResultFile;
import dev.fanout.bench.TextReport;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/// `fanout bench`: the load generator. A closed loop over keep-alive connections, or with
/// `--rate` an open loop whose latency counts from each request's intended send time; prints
/// throughput, percentiles (and the gateway's own, from `/v1/stats`), errors by kind and the
/// generator's CPU; writes `--json`, `--hlog` and an HTML `--report`; weighs the run against a
/// `--baseline`. `fanout bench sweep` finds the highest rate that meets an SLO, and
/// `fanout bench plan` turns a sweep into a number of instances.
@Command(name = "bench", subcommands = {SweepCommand.class, PlanCommand.class}, description = {
    "Load generator: posts CSV files to URL and measures latency, throughput and errors.",
    "Without --rate a closed loop over C keep-alive connections; with --rate an open loop at R",
    "requests/s, latency measured from each request's intended send time (coordinated omission",
    "corrected; the uncorrected figures are shown too).",
    "",
    "Exit status: 0 when the run finished, 1 when --baseline says worse or no request got a 2xx",
    "answer, 2 on a usage or I/O error."})
final class BenchCommand implements Callable<Integer> {
    @ParentCommand
    private Main parent;

    @Mixin
    private LoadOptions load;

    @Option(names = "--rate", paramLabel = "R", description = "Open loop at R requests per second (default: closed loop).")
    private Double rate;

    @Option(names = "--rounds", paramLabel = "N", defaultValue = "1",
            description = "Measured rounds back to back; their spread is the noise band of --baseline (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON (usable as a later --baseline).")
    private Path json;

    @Option(names = "--hlog", paramLabel = "FILE", description = "Write one-second latency histograms in HdrHistogram's .hlog format.")
    private Path hlog;

    @Option(names = "--baseline", paramLabel = "FILE", description = "Compare with an earlier --json result and give a verdict.")
    private Path baseline;

    @Option(names = "--report", paramLabel = "FILE",
            description = "Write a report: FILE.html a page with the percentile spectrum, FILE.svg the chart alone; repeatable.")
    private List<Path> report = List.of();

    /// The parent of `bench sweep`, which reaches the streams through it.
    Main main() {
        return parent;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (rate != null && !(rate > 0)) {
            throw new CliFailure("--rate must be a positive number of requests per second");
        }
        LoadPlan plan = load.plan(rate == null ? 0 : rate, rounds, null);
        Optional<BenchResult.Summary> before = Optional.ofNullable(baseline).map(BenchCommand::readBaseline);
        PrintStream out = parent.context().stdout();
        PrintStream err = parent.context().stderr();
        BenchResult result;
        try (LatencyLog log = hlog == null ? null : LatencyLog.create(hlog)) {
            result = Benchmark.run(plan, log, line -> err.println("fanout bench: " + line));
        } catch (UncheckedIOException | IllegalArgumentException e) {
            throw new CliFailure(e.getMessage(), e);
        }
        TextReport.print(result, out);
        Optional<Comparison> comparison = before.map(b -> Comparison.of(b, result.summary()));
        comparison.ifPresent(c -> TextReport.print(c, baseline.toString(), out));
        try {
            if (json != null) {
                ResultFile.write(result, json);
            }
            for (Path file : report) {
                Reports.bench(result, before, file);
            }
        } catch (UncheckedIOException e) {
            throw new CliFailure(e.getMessage(), e);
        }
        boolean worse = comparison.map(c -> c.verdict() == Comparison.Verdict.WORSE).orElse(false);
        boolean allFailed = result.errors() == result.requests();
        if (allFailed) {
            err.println("fanout bench: no request got a 2xx answer");
        }
        if (worse) {
            return ExitStatus.Bench.WORSE_THAN_BASELINE.code();
        }
        return allFailed ? ExitStatus.Bench.NO_REQUEST_SUCCEEDED.code() : ExitStatus.Bench.OK.code();
    }

    private static BenchResult.Summary readBaseline(Path file) {
        try {
            return ResultFile.read(file);
        } catch (IllegalArgumentException e) {
            throw new CliFailure("--baseline: " + e.getMessage(), e);
        }
    }
}
