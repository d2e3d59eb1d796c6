package dev.fanout.cli;

import dev.fanout.engine.EngineOptions;
import dev.fanout.engine.ExtraColumns;
import dev.fanout.engine.HeaderException;
import dev.fanout.engine.Mode;
import dev.fanout.engine.RunOutcome;
import dev.fanout.engine.Summary;
import dev.fanout.engine.ValidationEngine;
import dev.fanout.engine.ValidationRun;
import dev.fanout.metrics.ValidationMetrics;
import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.Schema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/// `fanout validate`: runs the server's engine over a file or standard input and writes the NDJSON
/// to standard output or `-o FILE`; the summary (and, on a terminal, a progress line) goes to
/// standard error. One instance per invocation; not thread-safe.
@Command(
        name = "validate",
        description = {
            "Validates a CSV file against a Table Schema and writes one NDJSON line per row.",
            "",
            "Exit status: 0 when every row is valid, 1 when some are not, 2 on a usage,",
            "schema, header or I/O error, or when the output ends with an error line."
        })
final class ValidateCommand implements Callable<Integer> {
    /// Output buffer: large writes keep the engine, not the pipe, the bottleneck.
    static final int OUTPUT_BUFFER_BYTES = 64 * 1024;
    private static final String BUNDLED_SCHEMA = "people";
    private static final Pattern SCHEMA_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    @ParentCommand
    private Main parent;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE|-", description = "The CSV file, or - for standard input.")
    private String input;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private SchemaSource schemaSource;

    @Option(names = "--schemas", paramLabel = "DIR", defaultValue = "schemas",
            description = "Folder of registered schemas, NAME.json each (default: ${DEFAULT-VALUE}).")
    private Path schemasDir;

    @Option(names = "--mode", paramLabel = "MODE", defaultValue = "all", converter = ModeConverter.class,
            description = "Which rows to write: all, invalid or valid (default: ${DEFAULT-VALUE}).")
    private Mode mode;

    @Option(names = "--summary", description = "End the NDJSON with the summary line.")
    private boolean summary;

    @Option(names = "--delimiter", paramLabel = "C", defaultValue = ",", converter = DelimiterConverter.class,
            description = "Field delimiter, one character or \\t (default: ${DEFAULT-VALUE}).")
    private char delimiter;

    @Option(names = "--extra", paramLabel = "POLICY", defaultValue = "error", converter = ExtraConverter.class,
            description = "Columns the schema does not define: error, ignore or keep (default: ${DEFAULT-VALUE}).")
    private ExtraColumns extra;

    @Option(names = "--workers", paramLabel = "N", description = "Chunks validated at once (default: one per core).")
    private Integer workers;

    @Option(names = "--chunk-rows", paramLabel = "N", description = "Rows per chunk (default: "
            + EngineOptions.DEFAULT_CHUNK_ROWS + ").")
    private Integer chunkRows;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the NDJSON to FILE instead of standard output.")
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

    @Override
    public Integer call() {
        CliContext context = parent.context();
        EngineOptions options = engineOptions();
        Schema schema = schema();
        long startNanos = System.nanoTime();
        try (RunHistograms histograms = RunHistograms.open(histogramLog);
                InputStream in = context.openInput(input);
                ValidationRun run = open(in, schema, options, histograms.metrics())) {
            RunOutcome outcome = write(run, context, histograms);
            histograms.runDone(startNanos, outcome);
            report(outcome, run.bytesRead(), context.stderr());
            return status(outcome).code();
        } catch (IOException e) {
            throw CliFailure.io("close", input, e);
        }
    }

    /// The exit status of a run that went to the end of its output.
    static ExitStatus status(RunOutcome outcome) {
        if (outcome.failed()) {
            return ExitStatus.ERROR;
        }
        return outcome.summary().invalid() == 0 ? ExitStatus.ALL_VALID : ExitStatus.SOME_INVALID;
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
            return options;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
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
            throw new ParameterException(spec.commandLine(),
                    "invalid schema name '" + name + "': use letters, digits, '.', '_' and '-'");
        }
        Path file = schemasDir.resolve(name + ".json");
        if (!Files.isRegularFile(file)) {
            throw new CliFailure("unknown schema '" + name + "': there is no " + file);
        }
        return parseSchema(file);
    }

    private static Schema parseSchema(Path file) {
        byte[] json;
        try {
            json = Files.readAllBytes(file);
        } catch (IOException e) {
            throw CliFailure.io("read the schema file", file.toString(), e);
        }
        try {
            return Schema.parse(json);
        } catch (InvalidSchemaException e) {
            String where = e.field().filter(f -> !String.valueOf(e.getMessage()).contains(f))
                    .map(f -> " (field '" + f + "')").orElse("");
            throw new CliFailure("invalid schema " + file + where + ": " + e.getMessage(), e);
        }
    }

    private static ValidationRun open(InputStream in, Schema schema, EngineOptions options, ValidationMetrics metrics) {
        try {
            return new ValidationEngine(metrics).open(in, schema, options);
        } catch (HeaderException e) {
            throw new CliFailure(e.code() + ": " + e.getMessage(), e);
        }
    }

    /// Opens the output only now that the header was accepted, so a rejected file leaves no
    /// empty output file behind.
    private RunOutcome write(ValidationRun run, CliContext context, RunHistograms histograms) {
        String target = output == null ? "standard output" : output.toString();
        Progress progress = context.stderrIsTerminal()
                ? Progress.start(context.stderr(), run::rowsRead, run::bytesRead)
                : Progress.disabled();
        try (progress; OutputStream out = histograms.watchFirstByte(openOutput(context.stdout()))) {
            return run.writeTo(out);
        } catch (IOException e) {
            throw CliFailure.io("write", target, e);
        }
    }

    private OutputStream openOutput(PrintStream stdout) {
        if (output == null) {
            return new BufferedOutputStream(new StandardOutput(stdout), OUTPUT_BUFFER_BYTES);
        }
        try {
            return new BufferedOutputStream(Files.newOutputStream(output), OUTPUT_BUFFER_BYTES);
        } catch (IOException e) {
            throw CliFailure.io("write", output.toString(), e);
        }
    }

    private static void report(RunOutcome outcome, long bytesRead, PrintStream err) {
        Summary s = outcome.summary();
        double seconds = Math.max(s.elapsedMs(), 1e-3) / 1000;
        err.println(String.format(Locale.ROOT, "fanout: %d rows, %d valid, %d invalid in %.1f ms (%.1f MB/s)",
                s.rows(), s.valid(), s.invalid(), s.elapsedMs(), bytesRead / 1e6 / seconds));
        outcome.error().ifPresent(e ->
                err.println("fanout: " + e.code() + " at row " + e.row() + ": " + e.message()));
    }

    /// Standard output as a plain stream that reports write failures (a `PrintStream` only records
    /// them) and is flushed, not closed, at the end.
    private static final class StandardOutput extends OutputStream {
        private final PrintStream stdout;

        StandardOutput(PrintStream stdout) {
            this.stdout = stdout;
        }

        @Override
        public void write(int b) throws IOException {
            stdout.write(b);
            check();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            stdout.write(b, off, len);
            check();
        }

        @Override
        public void flush() throws IOException {
            check();
        }

        @Override
        public void close() throws IOException {
            flush();
        }

        private void check() throws IOException {
            // checkError() flushes; called once per buffer, so it costs little.
            if (stdout.checkError()) {
                throw new IOException("the stream was closed");
            }
        }
    }

    static final class ModeConverter implements ITypeConverter<Mode> {
        @Override
        public Mode convert(String value) {
            try {
                return Mode.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    static final class ExtraConverter implements ITypeConverter<ExtraColumns> {
        @Override
        public ExtraColumns convert(String value) {
            try {
                return ExtraColumns.parse(value);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
