package dev.fanout.cli;

import dev.fanout.csv.CsvFailure;
import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.SchemaInference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/// `fanout infer`: reads a CSV file or standard input and prints a Table Schema that describes it,
/// fields in header order. The common invocations are parsed by [#parseQuickly] without picocli
/// (as `validate`'s are); the rest (`--help`, a malformed value) by picocli. One instance per
/// invocation; not thread-safe.
@Command(
        name = "infer",
        description = {
            "Prints a Table Schema inferred from CSV data: for each column the most specific type",
            "every value casts to, and required when no value is missing.",
            "",
            "Exit status: 0 on success, 2 on a usage or I/O error or unreadable CSV."
        })
final class InferCommand implements Callable<Integer> {
    @ParentCommand
    private Main parent;

    /// The context when the arguments were parsed by [#parseQuickly] (there is no parent then).
    private CliContext quickContext;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE|-", description = "The CSV file, or - for standard input.")
    private String input;

    @Option(names = "--delimiter", paramLabel = "C", defaultValue = ",", converter = DelimiterConverter.class,
            description = "Field delimiter, one character or \\t (default: ${DEFAULT-VALUE}).")
    private char delimiter;

    @Option(names = "--sample-rows", paramLabel = "N",
            description = "Look at the first N data rows only (default: all; only all guarantees that "
                    + "the file validates against the result).")
    private Long sampleRows;

    /// Parses the arguments after `infer` without picocli when they are all of the plain forms
    /// ([QuickArguments]) and valid; empty otherwise, and then picocli must parse them. The
    /// defaults are those of the annotations above.
    static Optional<InferCommand> parseQuickly(List<String> args, CliContext context) {
        var parsed = QuickArguments.parse(args, Set.of(), Map.of());
        if (parsed.isEmpty() || parsed.get().positionals().size() != 1) {
            return Optional.empty();
        }
        var command = new InferCommand();
        command.quickContext = context;
        command.input = parsed.get().positionals().getFirst();
        command.delimiter = ',';
        try {
            for (var option : parsed.get().options().entrySet()) {
                switch (option.getKey()) {
                    case "--delimiter" -> command.delimiter = Delimiters.parse(option.getValue());
                    case "--sample-rows" -> command.sampleRows = Long.valueOf(option.getValue());
                    default -> {
                        return Optional.empty();
                    }
                }
            }
        } catch (IllegalArgumentException e) {
            // A value picocli would refuse: it says why.
            return Optional.empty();
        }
        if (command.sampleRows != null && command.sampleRows < 1) {
            return Optional.empty();
        }
        return Optional.of(command);
    }

    @Override
    public Integer call() {
        CliContext context = quickContext != null ? quickContext : parent.context();
        if (sampleRows != null && sampleRows < 1) {
            throw UsageErrors.of(spec, "--sample-rows must be at least 1, not " + sampleRows);
        }
        String schema;
        try (InputStream in = context.openInput(input)) {
            schema = SchemaInference.infer(in, delimiter, sampleRows == null ? Long.MAX_VALUE : sampleRows);
        } catch (CsvFailure e) {
            throw new CliFailure(e.code().wireName() + ": " + e.getMessage(), e);
        } catch (InvalidSchemaException e) {
            throw new CliFailure("cannot infer a schema from " + input + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw CliFailure.io("close", input, e);
        }
        // Bytes, not print(): a column name is UTF-8 whatever the platform's console encoding.
        context.stdout().writeBytes(schema.getBytes(StandardCharsets.UTF_8));
        if (context.stdout().checkError()) {
            throw new CliFailure("cannot write standard output");
        }
        return ExitStatus.Common.OK.code();
    }
}
