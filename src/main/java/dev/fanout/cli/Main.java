package dev.fanout.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine;

/// The `fanout` command line: parses the arguments, hands the process's streams to the chosen
/// subcommand and turns every failure into one `fanout: <message>` line and `ExitStatus.Common.ERROR`.
///
/// A subcommand is a picocli `@Command` class in this package that reaches the streams through
/// `@ParentCommand Main`; adding one means adding its class to [#SUBCOMMANDS]. Only the
/// subcommand an invocation names is given to picocli (all of them when it names none, for help):
/// picocli reads every registered command's annotations by reflection before it parses anything,
/// which took 200 ms of a 20-row `validate`. `validate`, `infer` and `serve` parse their common
/// forms without picocli at all ([QuickArguments]). One instance serves one invocation; not
/// thread-safe.
@Command(
        name = "fanout",
        mixinStandardHelpOptions = true,
        // Subcommands inherit --help, --version and the version provider.
        scope = CommandLine.ScopeType.INHERIT,
        versionProvider = Main.Version.class,
        description = "Validates CSV against Table Schema and streams the results as NDJSON.")
public final class Main implements Callable<Integer> {
    /// The subcommands' names, in the order `--help` lists them (each its class's `@Command` name).
    static final List<String> SUBCOMMANDS = List.of("validate", "infer", "serve", "stats", "bench");
    /// The system property through which the launcher says whether standard error is a terminal.
    static final String STDERR_TERMINAL_PROPERTY = "fanout.stderr.terminal";

    private final CliContext context;

    @Spec
    private CommandSpec spec;

    Main(CliContext context) {
        this.context = context;
    }

    public static void main(String[] args) {
        int status;
        try {
            status = run(args, System.in, System.out, System.err);
        } catch (OutOfMemoryError e) {
            // One line, as for every error, and the error's status rather than the JVM's 1 (which
            // reads as "some rows invalid"). What ran out is gone by now: there is room to say so.
            System.err.println(outOfMemory(e));
            status = ExitStatus.Common.ERROR.code();
        }
        if (mayHalt(args)) {
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(status);
        }
        System.exit(status);
    }

    /// Whether this run may end by `Runtime.halt` rather than `System.exit`, which first logs the
    /// exit through `System.Logger`: that logger's first use looks for a logging provider in
    /// every jar of the class path, ~6 ms of a 20-row `fanout validate`. `validate` and `infer`
    /// register no shutdown hook and have closed everything they wrote when they return, so the
    /// one hook halting would skip is a flight recording's dump on exit: with JFR on, they exit.
    static boolean mayHalt(String[] args) {
        if (args.length == 0 || !(args[0].equals("validate") || args[0].equals("infer"))) {
            return false;
        }
        // A runtime made without jdk.jfr (the image's) has no recording to lose.
        return ModuleLayer.boot().findModule("jdk.jfr").isEmpty() || !jdk.jfr.FlightRecorder.isInitialized();
    }

    /// Runs one `fanout` invocation and returns its exit status. A progress line is drawn only
    /// when `stderr` is the process's own standard error and that is a terminal.
    @SuppressWarnings("ReferenceEquality") // our own stderr, by identity
    static int run(String[] args, InputStream stdin, PrintStream stdout, PrintStream stderr) {
        boolean terminal = stderr == System.err && stderrIsTerminal();
        return run(args, new CliContext(stdin, stdout, stderr, terminal));
    }

    /// Whether the process's standard error is a terminal: as `scripts/fanout` found it
    /// (`[ -t 2 ]`, passed as `-Dfanout.stderr.terminal`), else as `System.console()` guesses it
    /// (standard input and output both terminals). The launcher's answer is free and exact;
    /// `System.console()` loads the JDK's console providers through a `ServiceLoader`, ~9 % of
    /// a 20-row `fanout validate`'s CPU samples.
    @SuppressWarnings("SystemConsoleNull") // System.console() may be null (jdk.console)
    static boolean stderrIsTerminal() {
        String known = System.getProperty(STDERR_TERMINAL_PROPERTY);
        if (known != null) {
            return Boolean.parseBoolean(known);
        }
        var console = System.console();
        return console != null && console.isTerminal();
    }

    /// Runs one `fanout` invocation in `context` and returns its exit status.
    static int run(String[] args, CliContext context) {
        var out = new PrintWriter(context.stdout(), true, context.stdout().charset());
        var err = new PrintWriter(context.stderr(), true, context.stderr().charset());
        Optional<? extends Callable<Integer>> quick = parseQuickly(args, context);
        if (quick.isPresent()) {
            try {
                return quick.get().call();
            } catch (Exception e) {
                return failure(e, err);
            } finally {
                out.flush();
                err.flush();
            }
        }
        var cli = new CommandLine(new Main(context));
        if (args.length > 0 && SUBCOMMANDS.contains(args[0])) {
            cli.addSubcommand(subcommand(args[0]));
        } else {
            SUBCOMMANDS.forEach(name -> cli.addSubcommand(subcommand(name)));
        }
        cli.setOut(out)
                .setErr(err)
                .setParameterExceptionHandler((e, ignored) -> usageError(e, err))
                .setExecutionExceptionHandler((e, ignored, parsed) -> failure(e, err));
        int status = cli.execute(args);
        out.flush();
        err.flush();
        return status;
    }

    /// The subcommand `args` name, with the rest of them, when they parse without picocli
    /// ([QuickArguments]); empty otherwise, and for the subcommands that always go through picocli.
    private static Optional<? extends Callable<Integer>> parseQuickly(String[] args, CliContext context) {
        if (args.length == 0) {
            return Optional.empty();
        }
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (args[0]) {
            case "validate" -> ValidateCommand.parseQuickly(rest, context);
            case "infer" -> InferCommand.parseQuickly(rest, context);
            case "serve" -> ServeCommand.parseQuickly(rest, context);
            default -> Optional.empty();
        };
    }

    /// The class of a subcommand in [#SUBCOMMANDS]; a `switch` so that only the one asked for is loaded.
    static Class<?> subcommand(String name) {
        return switch (name) {
            case "validate" -> ValidateCommand.class;
            case "infer" -> InferCommand.class;
            case "serve" -> ServeCommand.class;
            case "stats" -> StatsCommand.class;
            case "bench" -> BenchCommand.class;
            default -> throw new IllegalArgumentException("no subcommand " + name);
        };
    }

    /// The streams and terminal flag of this invocation, for subcommands.
    CliContext context() {
        return context;
    }

    /// `fanout` without a subcommand is a usage error.
    @Override
    public Integer call() {
        throw UsageErrors.of(spec, "a command is required: " + String.join(", ", spec.subcommands().keySet()));
    }

    private static int usageError(ParameterException e, PrintWriter err) {
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        // picocli starts some messages with "Error: "; the "fanout: " prefix already says it.
        String message = e.getMessage().startsWith("Error: ") ? e.getMessage().substring(7) : e.getMessage();
        err.println("fanout: " + message + " (see '" + command + " --help')");
        return ExitStatus.Common.ERROR.code();
    }

    private static String outOfMemory(OutOfMemoryError e) {
        return "fanout: out of memory (" + e.getMessage() + "): the heap is " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MB (FANOUT_JAVA_OPTS replaces the JVM's options, -Xmx among them: src/docs/operations.md)";
    }

    private static int failure(Exception e, PrintWriter err) {
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof OutOfMemoryError)) {
            cause = cause.getCause();
        }
        if (e instanceof CliFailure failure) {
            err.println("fanout: " + failure.getMessage());
        } else if (cause instanceof OutOfMemoryError oom) {
            // Thrown in a chunk's subtask, it reaches here wrapped in the scope's FailedException.
            err.println(outOfMemory(oom));
        } else {
            // A bug: still no stack trace for the user, but enough to report it.
            err.println("fanout: internal error (" + e.getClass().getName() + "): " + e.getMessage());
        }
        return ExitStatus.Common.ERROR.code();
    }

    /// `--version`: the build's version (from the jar manifest when there is one) and the JVM's.
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Main.class.getPackage().getImplementationVersion();
            return new String[] {
                "fanout " + (version == null ? "(development build)" : version),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
            };
        }
    }
}
