package dev.fanout.cli;

import dev.fanout.engine.RunOutcome;
import dev.fanout.engine.Summary;
import java.io.PrintStream;

/// What `fanout validate` says about each run once it has ended: the summary line on standard
/// error (rows, valid, invalid, time, throughput, and the error that ended the run, if any) and
/// the run's exit status. Stateless.
final class ValidateReport {
    private ValidateReport() {
    }

    /// The exit status of a run that went to the end of its output. A run stopped at its error
    /// limit has invalid rows and nothing else wrong: 1.
    static ExitStatus.Validate status(RunOutcome outcome) {
        if (outcome.stoppedAtMaxErrors()) {
            return ExitStatus.Validate.SOME_INVALID;
        }
        if (outcome.failed()) {
            return ExitStatus.Validate.ERROR;
        }
        return outcome.summary().invalid() == 0 ? ExitStatus.Validate.ALL_VALID : ExitStatus.Validate.SOME_INVALID;
    }

    /// Prints the run's summary line to `err`, after `file` (`NAME: ` with several inputs, else empty).
    static void print(String file, RunOutcome outcome, long bytesRead, PrintStream err) {
        Summary s = outcome.summary();
        double seconds = Math.max(s.elapsedMs(), 1e-3) / 1000;
        // Concatenated rather than String.format: the formatter's first use is ~10 ms of a small run.
        err.println("fanout: " + file + s.rows() + " rows, " + s.valid() + " valid, " + s.invalid() + " invalid in "
                + oneDecimal(s.elapsedMs()) + " ms (" + oneDecimal(bytesRead / 1e6 / seconds) + " MB/s)");
        outcome.error().ifPresent(e ->
                err.println("fanout: " + e.code().wireName() + " at row " + e.row() + ": " + e.message()));
    }

    /// `value` rounded half up to one decimal, as `%.1f` writes it.
    static String oneDecimal(double value) {
        long tenths = Math.round(Math.abs(value) * 10);
        return (value < 0 && tenths != 0 ? "-" : "") + tenths / 10 + "." + tenths % 10;
    }
}
