package dev.fanout.cli;

final class Reports {
    static void bench(dev.fanout.bench.BenchResult r, java.util.Optional<dev.fanout.bench.BenchResult.Summary> b, java.nio.file.Path f) {
        throw new CliFailure("--report: not yet");
    }
    static void sweep(dev.fanout.bench.Sweep.Result r, java.nio.file.Path f) {
        throw new CliFailure("--report: not yet");
    }
}
