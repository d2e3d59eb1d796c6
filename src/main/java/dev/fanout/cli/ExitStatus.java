package dev.fanout.cli;

/// The process exit status of a `fanout` command, as documented in `src/docs/cli.md`: one enum per
/// command family, each constant named for what its number means to that command.
///
/// Every command exits `0` when it did what was asked and `2` on a usage or I/O error (`Main`
/// answers every failure with [Common#ERROR]); `1` means something different to each family,
/// which is why it is not one enum: "some rows invalid" for `validate`, "worse than the baseline"
/// for `bench`, "no rate met the SLO" for `bench sweep` and `bench plan`. The numbers are a
/// contract with scripts and CI steps and never change. Immutable and thread-safe.
public sealed interface ExitStatus {
    /// The number handed to `System.exit`.
    int code();

    /// What every command means by `0` and `2`; `infer`, `serve` and `stats` use only these.
    enum Common implements ExitStatus {
        /// The command did what was asked.
        OK(0),
        /// A usage, schema, header or I/O error, or a bug: the command could not do its work.
        ERROR(2);

        private final int code;

        Common(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }
    }

    /// `validate`: the worst of its files' statuses is the process's.
    enum Validate implements ExitStatus {
        /// Every row was valid (or there was nothing to validate).
        ALL_VALID(0),
        /// The run went to its end, or to its error limit, and some rows were invalid.
        SOME_INVALID(1),
        /// A usage, schema, header or I/O error, or a stream that ended with an error line.
        ERROR(Common.ERROR.code());

        private final int code;

        Validate(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }
    }

    /// `bench`: `1` fails a CI step on a regression and on a gateway that answered nothing.
    enum Bench implements ExitStatus {
        /// The run went through (and, with `--baseline`, was not worse).
        OK(0),
        /// With `--baseline`: some figure is worse than the baseline's beyond its noise band.
        WORSE_THAN_BASELINE(1),
        /// No request got a `2xx` answer (a gateway that is down); the same number as a
        /// regression, since either should fail the step.
        NO_REQUEST_SUCCEEDED(1);

        private final int code;

        Bench(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }
    }

    /// `bench sweep` and `bench plan`: whether some swept rate met the SLO.
    enum Capacity implements ExitStatus {
        /// Some rate met the SLO: the sweep found a capacity, or the plan has an answer.
        FOUND(0),
        /// No step of the sweep met the SLO, so there is no capacity to plan with.
        NONE_MET_SLO(1);

        private final int code;

        Capacity(int code) {
            this.code = code;
        }

        @Override
        public int code() {
            return code;
        }
    }
}
