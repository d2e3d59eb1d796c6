package dev.fanout.cli;

import dev.fanout.csv.CsvFailure;
import dev.fanout.schema.InvalidSchemaException;
import dev.fanout.schema.SchemaInference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/// `fanout infer`: reads a CSV file or standard input and prints a Table Schema that describes it,
/// fields in header order. One instance per invocation; not thread-safe.
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

    @Override
    public Integer call() {
        CliContext context = parent.context();
        if (sampleRows != null && sampleRows < 1) {
            throw new ParameterException(spec.commandLine(), "--sample-rows must be at least 1, not " + sampleRows);
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
