package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/// `fanout validate`, `infer` and `serve` parse their common forms without picocli (start-up time);
/// these hold those parses to picocli's reading of the same annotated fields, and check that
/// whatever they do not take falls through to picocli.
class QuickParseTest {
    private static final CliContext CONTEXT = new CliContext(InputStream.nullInputStream(),
            new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), false);

    @Test
    void readsEveryOptionAsPicocliDoes() throws Exception {
        List<List<String>> invocations = List.of(
                List.of("a.csv", "--schema-name", "people"),
                List.of("-", "--schema", "s.json"),
                List.of("a.csv", "b.csv", "c.csv", "--schema-name", "people", "--summary"),
                List.of("--schema-name=ids", "--schemas=dir", "a.csv", "--mode=invalid", "--extra", "keep"),
                List.of("a.csv", "--schema", "s.json", "--mode", "VALID", "--delimiter", "\\t", "--workers", "3",
                        "--chunk-rows", "17", "-o", "out.ndjson", "--histogram-log", "run.hlog"),
                List.of("a.csv", "--schema", "s.json", "--delimiter=;", "--output=x", "--extra=ignore", "--mode", "all"),
                List.of("a.csv", "--schema-name", "people", "--delimiter", "tab"));
        assertReadAsPicocliDoes(ValidateCommand.class, ValidateCommand::parseQuickly, invocations);
    }

    @Test
    void readsEveryInferOptionAsPicocliDoes() throws Exception {
        List<List<String>> invocations = List.of(
                List.of("a.csv"),
                List.of("-"),
                List.of("--delimiter", ";", "a.csv"),
                List.of("a.csv", "--delimiter=\\t", "--sample-rows", "100"),
                List.of("a.csv", "--sample-rows=1", "--delimiter", "tab"));
        assertReadAsPicocliDoes(InferCommand.class, InferCommand::parseQuickly, invocations);
    }

    @Test
    void leavesToPicocliWhatInferDoesNotKnow() {
        assertLeftToPicocli(InferCommand::parseQuickly, List.of(
                List.of("--help"),
                List.of("a.csv", "-h"),
                List.<String>of(),
                List.of("a.csv", "b.csv"),
                List.of("a.csv", "--delimiter", "ab"),
                List.of("a.csv", "--delimiter", "\""),
                List.of("a.csv", "--sample-rows", "0"),
                List.of("a.csv", "--sample-rows", "many"),
                List.of("a.csv", "--sample-rows"),
                List.of("a.csv", "--sample-rows", "1", "--sample-rows", "2"),
                List.of("a.csv", "--schema-name", "people"),
                List.of("@args.txt")));
    }

    @Test
    void leavesToPicocliWhatItDoesNotKnow() {
        assertLeftToPicocli(ValidateCommand::parseQuickly, List.of(
                List.of("--help"),
                List.of("a.csv", "--schema-name", "people", "--version"),
                List.of("a.csv"),
                List.of("--schema-name", "people"),
                List.of("a.csv", "--schema-name", "people", "--schema", "s.json"),
                List.of("a.csv", "--schema-name", "people", "--schema-name", "people"),
                List.of("a.csv", "--schema-name", "people", "--mode", "some"),
                List.of("a.csv", "--schema-name", "people", "--workers", "0"),
                List.of("a.csv", "--schema-name", "people", "--workers", "x"),
                List.of("a.csv", "--schema-name", "people", "--delimiter", "ab"),
                List.of("a.csv", "--schema-name", "people", "--summary=true"),
                List.of("a.csv", "--schema-name", "../etc"),
                List.of("a.csv", "--schema-name", "people", "-ofile"),
                List.of("a.csv", "--schema-name"),
                List.of("a.csv", "--schema-name", "people", "--frobnicate", "1"),
                List.of("@args.txt"),
                List.of("a.csv", "--schema-name", "people", "--mode", "all", "--mode=invalid"),
                List.of("a.csv", "--schema-name", "people", "-o", "x", "--output", "y"),
                List.of("a.csv", "--schema-name", "people", "--summary", "--summary")));
    }

    @Test
    void summaryFiguresHaveOneDecimalAsFormatWouldWriteThem() {
        for (double value : new double[] {0, 0.04, 0.06, 1, 12.34, 12.36, 999.95, 1234567.8, 3.0e-7}) {
            assertEquals(String.format(java.util.Locale.ROOT, "%.1f", value), ValidateReport.oneDecimal(value),
                    () -> Double.toString(value));
        }
    }

    @Test
    void readsEveryServeOptionAsPicocliDoes() throws Exception {
        List<List<String>> invocations = List.of(
                List.<String>of(),
                List.of("--port", "0"),
                List.of("--port=010", "--host", "127.0.0.1"),
                List.of("--host=::1", "--config", "c.yaml", "--schemas", "dir", "--histogram-log", "run.hlog"),
                List.of("--schemas=s", "--config=c.yaml", "--histogram-log=h.hlog", "--port", "8080"));
        assertReadAsPicocliDoes(ServeCommand.class, ServeCommand::parseQuickly, invocations);
    }

    @Test
    void leavesToPicocliWhatServeDoesNotKnow() {
        assertLeftToPicocli(ServeCommand::parseQuickly, List.of(
                List.of("--help"),
                List.of("--version"),
                List.of("8080"),
                List.of("--port", "http"),
                List.of("--port", "99999999999"),
                List.of("--port"),
                List.of("--port", "1", "--port", "2"),
                List.of("--host", "a", "--frobnicate", "1"),
                List.of("--schemas", "bad\0path"),
                List.of("@args.txt")));
    }

    /// Each of `invocations` is parsed by `quick` into the fields picocli sets from it.
    private static <C> void assertReadAsPicocliDoes(Class<C> command,
            BiFunction<List<String>, CliContext, Optional<C>> quick, List<List<String>> invocations) throws Exception {
        for (List<String> args : invocations) {
            C parsed = quick.apply(args, CONTEXT).orElseThrow(() -> new AssertionError("not parsed quickly: " + args));
            assertEquals(fields(picocli(command, args)), fields(parsed), args.toString());
        }
    }

    /// None of `invocations` is parsed by `quick`: each goes to picocli.
    private static void assertLeftToPicocli(BiFunction<List<String>, CliContext, ? extends Optional<?>> quick,
            List<List<String>> invocations) {
        for (List<String> args : invocations) {
            assertTrue(quick.apply(args, CONTEXT).isEmpty(), args.toString());
        }
    }

    /// The subcommand `command` as picocli parses `args` for it.
    private static Object picocli(Class<?> command, List<String> args) {
        var main = new CommandLine(new Main(CONTEXT));
        main.addSubcommand(command);
        List<String> all = new ArrayList<>(List.of(main.getSubcommands().keySet().iterator().next()));
        all.addAll(args);
        var parsed = main.parseArgs(all.toArray(String[]::new));
        return parsed.subcommand().commandSpec().userObject();
    }

    /// Every option field, the schema source's included, by name.
    private static Map<String, Object> fields(Object command) throws IllegalAccessException {
        Map<String, Object> values = new TreeMap<>();
        for (Field field : command.getClass().getDeclaredFields()) {
            if (java.lang.reflect.Modifier.isStatic(field.getModifiers())
                    || List.of("parent", "spec", "quickContext").contains(field.getName())) {
                continue;
            }
            field.setAccessible(true);
            Object value = field.get(command);
            if (value instanceof ValidateCommand.SchemaSource source) {
                for (Field inner : ValidateCommand.SchemaSource.class.getDeclaredFields()) {
                    inner.setAccessible(true);
                    values.put("schemaSource." + inner.getName(), Objects.toString(inner.get(source)));
                }
                continue;
            }
            values.put(field.getName(), value instanceof Object[] array ? Arrays.toString(array) : Objects.toString(value));
        }
        return values;
    }
}
