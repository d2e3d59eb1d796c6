package dev.fanout.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;

/// The command line registers only the subcommand an invocation names (picocli's reflection over
/// every command was most of a small `validate`'s start-up); these pin that nothing is lost by it.
class MainTest {
    @Test
    void everySubcommandIsRegisteredUnderItsOwnName() {
        for (String name : Main.SUBCOMMANDS) {
            assertEquals(name, Main.subcommand(name).getAnnotation(Command.class).name());
        }
    }

    @Test
    void helpWithoutACommandListsThemAll() {
        CliRun run = CliRun.of("--help");
        assertEquals(0, run.status(), run.stderr());
        for (String name : Main.SUBCOMMANDS) {
            assertTrue(run.stdout().contains("  " + name), () -> name + " missing from:\n" + run.stdout());
        }
    }

    @Test
    void anUnknownCommandIsAUsageErrorThatNamesTheKnownOnes() {
        CliRun run = CliRun.of("valdiate", "x.csv");
        assertEquals(ExitStatus.Common.ERROR.code(), run.status());
        assertTrue(run.stderr().startsWith("fanout: "), run.stderr());
        assertTrue(run.stderr().contains("valdiate"), run.stderr());
    }

    @Test
    void aCommandsOwnHelpStillWorks() {
        CliRun run = CliRun.of("validate", "--help");
        assertEquals(0, run.status(), run.stderr());
        assertTrue(run.stdout().contains("--schema-name"), run.stdout());
    }
}
