package dev.fanout.cli;

import dev.fanout.engine.EngineOptions;
import dev.fanout.engine.ExtraColumns;
import dev.fanout.engine.HeaderException;
import dev.fanout.engine.KeyBudget;
import dev.fanout.engine.Lookups;
import dev.fanout.engine.Mode;
import dev.fanout.engine.References;
import dev.fanout.engine.RunOutcome;
import dev.fanout.engine.ValidationEngine;
import dev.fanout.engine.ValidationRun;
import dev.fanout.metrics.ValidationMetrics;
import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.Schema;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/// `fanout validate`: runs the server's engine over one or more files (or standard input) and
/// writes the NDJSON to standard output or `-o FILE`; a summary per file (and, on a terminal, a
/// progress line) goes to standard error. With several files, each file's NDJSON comes in turn,
/// after a line `{"file":NAME}`, and the exit status is the worst of theirs. This class parses
/// the options and runs the files; where the NDJSON goes is [ValidateOutput], and each run's
/// summary line and exit status [ValidateReport]. One instance per invocation; not thread-safe.
///
/// The common invocations are parsed by [#parseQuickly] without picocli, whose reflection over
/// the annotations cost ~150 ms of a 20-row run's start-up: a user who validates many small files
/// pays start-up every time. Anything it does not know (`--help`, a malformed value, an option
/// added later) goes to picocli, which parses the same fields and words errors and help.
@Command(
        name = "validate",
        description = {
            "Validates CSV files against a Table Schema and writes one NDJSON line per row.",
            "With several files, each file's lines follow a line {\"file\":NAME}.",
            "",
            "--max-errors N stops a file's validation at its Nth invalid row (each file has",
            "its own limit): its output ends with a max_errors error line.",
            "",
            "Exit status: 0 when every row is valid, 1 when some are not (or a file stopped",
            "at --max-errors), 2 on a usage, schema, header or I/O error, or when the output",
            "ends with another error line (with several files, the worst of theirs)."
        })
final class ValidateCommand implements Callable<Integer> {
    private static final String BUNDLED_SCHEMA = "people";
    private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    /// A schema file is read whole, and the CLI's heap is 64 MB: a data file given as the schema by
    /// mistake ran it out of memory (a stack trace, exit 1). Eight times the gateway's default
    /// `max-schema-bytes`.
    static final int MAX_SCHEMA_FILE_BYTES = 8 << 20;

    @ParentCommand
    private Main parent;

    /// The context when the arguments were parsed by [#parseQuickly] (there is no parent then).
    private CliContext quickContext;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0..*", arity = "1..*", paramLabel = "FILE|-",
            description = "CSV files, validated in turn; - for standard input.")
    private List<String> inputs;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private SchemaSource schemaSource;

    @Option(names = "--schemas", paramLabel = "DIR", defaultValue = "schemas",
            description = "Folder of registered schemas, NAME.json each (default: ${DEFAULT-VALUE}).")
    private Path schemasDir;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "all", converter = ModeConverter.class,
            description = "Which rows to write: all, invalid or valid (default: ${DEFAULT-VALUE}).")
    private Mode mode;

    @Option(names = "--summary", description = "End each file's NDJSON with its summary line.")
    private boolean summary;

    @Option(names = "--delimiter", paramLabel = "C", defaultValue = ",", converter = DelimiterConverter.class,
            description = "Field delimiter, one character or \\t (default: ${DEFAULT-VALUE}).")
    private char delimiter;

    @Option(names = "--extra", paramLabel = "POLICY", defaultValue = "error", converter = ExtraConverter.class,
            description = "Columns the schema does not define: error, ignore or keep (default: ${DEFAULT-VALUE}).")
    private ExtraColumns extra;

    @Option(names = "--max-errors", paramLabel = "N",
            description = "Stop each file at its Nth invalid row; the rest is neither read nor validated.")
    private Long maxErrors;

    @Option(names = "--fail-fast", description = "Stop each file at its first invalid row (--max-errors 1).")
    private boolean failFast;

    @Option(names = "--workers", paramLabel = "N", description = "Chunks validated at once (default: one per core).")
    private Integer workers;

    @Option(names = "--chunk-rows", paramLabel = "N", description = "Rows per chunk (default: "
            + EngineOptions.DEFAULT_CHUNK_ROWS + ").")
    private Integer chunkRows;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the NDJSON to FILE instead of standard output (- is standard output).")
    private Path output;

    /// `--schema FILE` or `--schema-name NAME`, exactly one.
    static final class SchemaSource {
        @Option(names = "--schema", paramLabel = "FILE", required = true, description = "A Table Schema JSON file.")
        private Path file;

        @Option(names = "--schema-name", paramLabel = "NAME", required = true,
                description = "A registered schema: people (bundled) or NAME.json in --schemas.")
        private String name;
    }

    @Option(names = "--histogram-log", paramLabel = "FILE",
            description = "Write this run's latency histograms (as the server records them) to an .hlog file.")
    private Path histogramLog;

    /// Parses the arguments after `validate` without picocli when they are all of the plain forms
    /// ([QuickArguments]) and valid; empty otherwise, and then picocli must parse them. The
    /// defaults are those of the annotations above.
    static Optional<ValidateCommand> parseQuickly(List<String> args, CliContext context) {
        var parsed = QuickArguments.parse(args, Set.of("--summary", "--fail-fast"), Map.of("-o", "--output"));
        if (parsed.isEmpty()) {
            return Optional.empty();
        }
        var command = new ValidateCommand();
        command.quickContext = context;
        command.inputs = parsed.get().positionals();
        command.schemaSource = new SchemaSource();
        command.schemasDir = Path.of("schemas");
        command.mode = Mode.ALL;
        command.delimiter = ',';
        command.extra = ExtraColumns.ERROR;
        command.summary = parsed.get().flags().contains("--summary");
        command.failFast = parsed.get().flags().contains("--fail-fast");
        try {
            for (var option : parsed.get().options().entrySet()) {
                if (!command.setQuickly(option.getKey(), option.getValue())) {
                    return Optional.empty();
                }
            }
            boolean oneSchema = (command.schemaSource.file == null) != (command.schemaSource.name == null);
            if (command.inputs.isEmpty() || !oneSchema || command.schemaSource.name != null
                    && !BUNDLED_SCHEMA.equals(command.schemaSource.name)
                    && !SCHEMA_NAME.matcher(command.schemaSource.name).matches()) {
                return Optional.empty();
            }
            command.engineOptions();
            return Optional.of(command);
        } catch (RuntimeException e) {
            // A value the converters or the engine refuse: picocli says why.
            return Optional.empty();
        }
    }

    /// Sets one option from its value; false for an option it does not know.
    private boolean setQuickly(String name, String value) {
        switch (name) {
            case "--schema" -> schemaSource.file = Path.of(value);
            case "--schema-name" -> schemaSource.name = value;
            case "--schemas" -> schemasDir = Path.of(value);
            case "--mode" -> mode = Mode.parse(value);
            case "--delimiter" -> delimiter = Delimiters.parse(value);
            case "--extra" -> extra = ExtraColumns.parse(value);
            case "--workers" -> workers = Integer.valueOf(value);
            case "--chunk-rows" -> chunkRows = Integer.valueOf(value);
            case "--max-errors" -> maxErrors = Long.valueOf(value);
            case "--output" -> output = Path.of(value);
            case "--histogram-log" -> histogramLog = Path.of(value);
            default -> {
                return false;
            }
        }
        return true;
    }

    @Override
    public Integer call() {
        CliContext context = quickContext != null ? quickContext : parent.context();
        EngineOptions options = engineOptions();
        Schema schema = schema();
        refuseLookups(schema);
        if (output != null && output.toString().equals("-")) {
            // As for the inputs: "-" is the standard stream, not a file named "-".
            output = null;
        }
        refuseWritingOverAnInput();
        References references = references(schema);
        boolean several = inputs.size() > 1;
        ExitStatus.Validate worst = ExitStatus.Validate.ALL_VALID;
        try (RunHistograms histograms = RunHistograms.open(histogramLog);
                ValidateOutput out = new ValidateOutput(context, output)) {
            for (String input : inputs) {
                ExitStatus.Validate status;
                try {
                    status = validate(input, schema, references, options, context, histograms, out, several);
                } catch (CliFailure e) {
                    // With one file, or once the output itself failed, there is nothing to go on with.
                    if (!several || out.failed()) {
                        throw e;
                    }
                    context.stderr().println("fanout: " + input + ": " + e.getMessage());
                    status = ExitStatus.Validate.ERROR;
                }
                if (status.code() > worst.code()) {
                    worst = status;
                }
            }
        }
        return worst.code();
    }

    /// Validates one input into `out`; with several inputs, its lines follow a `{"file":…}` line.
    private ExitStatus.Validate validate(String input, Schema schema, References references, EngineOptions options, CliContext context,
            RunHistograms histograms, ValidateOutput out, boolean several) {
        long startNanos = System.nanoTime();
        histograms.runStarted();
        try (InputStream in = context.openInput(input);
                ValidationRun run = open(in, schema, references, options, histograms.metrics())) {
            if (several) {
                out.writeFileLine(input);
            }
            run.expectInputBytes(context.inputSize(input));
            RunOutcome outcome = write(run, context, histograms, out);
            histograms.runDone(startNanos, outcome);
            ValidateReport.print(several ? input + ": " : "", outcome, run.bytesRead(), context.stderr());
            return ValidateReport.status(outcome);
        } catch (IOException e) {
            throw CliFailure.io("close", input, e);
        }
    }

    private EngineOptions engineOptions() {
        try {
            var options = EngineOptions.defaults().withMode(mode).withSummary(summary)
                    .withDelimiter(delimiter).withExtra(extra);
            if (workers != null) {
                options = options.withWorkers(workers).withChunksInFlight(Math.max(4, 4 * workers));
            }
            if (chunkRows != null) {
                options = options.withChunkRows(chunkRows);
            }
            if (failFast && maxErrors != null) {
                throw new IllegalArgumentException("--fail-fast is --max-errors 1: give one of them");
            }
            if (maxErrors != null && maxErrors < 1) {
                throw new IllegalArgumentException("--max-errors must be at least 1, not " + maxErrors);
            }
            if (failFast || maxErrors != null) {
                options = options.withMaxErrors(failFast ? 1 : maxErrors);
            }
            return options;
        } catch (IllegalArgumentException e) {
            if (spec == null) {
                throw e;
            }
            throw UsageErrors.of(spec, e.getMessage());
        }
    }

    private Schema schema() {
        if (schemaSource.file != null) {
            return parseSchema(schemaSource.file);
        }
        String name = schemaSource.name;
        if (BUNDLED_SCHEMA.equals(name)) {
            return Schema.people();
        }
        if (!SCHEMA_NAME.matcher(name).matches()) {
            throw UsageErrors.of(spec, "invalid schema name '" + name + "': use letters, digits, '.', '_' and '-'");
        }
        Path file = schemasDir.resolve(name + ".json");
        if (!Files.isRegularFile(file)) {
            throw new CliFailure("unknown schema '" + name + "': there is no " + file);
        }
        return parseSchema(file);
    }

    /// Lookups ask upstreams, which only the gateway's configuration names.
    private static void refuseLookups(Schema schema) {
        for (var field : schema.fields()) {
            if (field.lookup().isPresent()) {
                throw new CliFailure("field '" + field.name() + "' has an x-lookup, and fanout validate has no upstreams"
                        + " (they are configured for fanout serve)");
            }
        }
    }

    /// `-o` or `--histogram-log` naming one of the inputs would empty it before it is read.
    private void refuseWritingOverAnInput() {
        for (String input : inputs) {
            if (input.equals("-")) {
                continue;
            }
            for (Path written : java.util.Arrays.asList(output, histogramLog)) {
                if (written != null && sameFile(Path.of(input), written)) {
                    throw new CliFailure(written + " is also an input: writing it would destroy it before it is read");
                }
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            // Either cannot be looked at: the read or the write reports it, naming the file.
            return false;
        }
    }

    private static Schema parseSchema(Path file) {
        byte[] json;
        try (var in = Files.newInputStream(file)) {
            json = in.readNBytes(MAX_SCHEMA_FILE_BYTES + 1);
        } catch (IOException e) {
            throw CliFailure.io("read the schema file", file.toString(), e);
        }
        if (json.length > MAX_SCHEMA_FILE_BYTES) {
            throw new CliFailure("invalid schema " + file + ": over " + (MAX_SCHEMA_FILE_BYTES >> 20)
                    + " MiB, more than any schema needs (is it the CSV file?)");
        }
        try {
            return Schema.parse(json);
        } catch (InvalidSchemaException e) {
            String where = e.field().filter(f -> !String.valueOf(e.getMessage()).contains(f))
                    .map(f -> " (field '" + f + "')").orElse("");
            throw new CliFailure("invalid schema " + file + where + ": " + e.getMessage(), e);
        }
    }

    /// The reference tables of the schema's foreign keys: `RESOURCE.csv` beside the schema file
    /// (`--schema`), or in `--schemas` (`--schema-name`), read once for all the inputs and again
    /// when its file has changed by the time the next input opens.
    private References references(Schema schema) {
        if (!schema.referencesTables()) {
            return References.NONE;
        }
        Path dir = schemaSource.file != null
                ? java.util.Objects.requireNonNullElse(schemaSource.file.toAbsolutePath().getParent(), Path.of("."))
                : schemasDir;
        try {
            return References.load(schema, dir, References.DEFAULT_MAX_ROWS);
        } catch (InvalidSchemaException e) {
            throw new CliFailure("invalid schema: " + e.getMessage(), e);
        }
    }

    private static ValidationRun open(InputStream in, Schema schema, References references, EngineOptions options,
            ValidationMetrics metrics) {
        try {
            return new ValidationEngine(metrics).open(in, schema, options, Lookups.NONE, references);
        } catch (HeaderException e) {
            throw new CliFailure(e.code() + ": " + e.getMessage(), e);
        } catch (InvalidSchemaException e) {
            // A reference table whose file changed since the last input into one that cannot be used.
            throw new CliFailure("invalid schema: " + e.getMessage(), e);
        }
    }

    /// What a file's keys for `unique` and `primaryKey` may take: half the heap (the serial
    /// collector's old generation, where a large table goes, is two thirds of it), less on a small
    /// heap so that the 32 MB the run's chunks, the buffer pool and the rest need stay free, and at
    /// least a quarter of it. The launcher leaves the heap's bound to the JVM (a quarter of the
    /// memory), so a million keys fit.
    static KeyBudget keyBudget() {
        long heap = Runtime.getRuntime().maxMemory();
        long bytes = Math.max(heap / 4, Math.min(heap / 2, heap - (32L << 20)));
        // Concatenated, not formatted: `formatted` with a %d looked up the default locale's digits
        // (DecimalFormatSymbols and its locale providers), ~10 ms of every run's start.
        return KeyBudget.of(bytes, "the " + (bytes >> 20) + " MiB that the heap of " + (heap >> 20)
                + " MiB leaves for them (a larger -Xmx in FANOUT_JAVA_OPTS makes more)");
    }

    private RunOutcome write(ValidationRun run, CliContext context, RunHistograms histograms, ValidateOutput out) {
        Progress progress = context.stderrIsTerminal()
                ? Progress.start(context.stderr(), run::rowsRead, run::bytesRead)
                : Progress.disabled();
        try (progress) {
            RunOutcome outcome = run.writeTo(histograms.watchFirstByte(out.stream()), keyBudget());
            out.flush();
            return outcome;
        } catch (IOException e) {
            throw out.failure(e);
        }
    }
    static final class ModeConverter extends ParsingConverter<Mode> {
        ModeConverter() {
            super(Mode::parse);
        }
    }

    static final class ExtraConverter extends ParsingConverter<ExtraColumns> {
        ExtraConverter() {
            super(ExtraColumns::parse);
        }
    }
}
