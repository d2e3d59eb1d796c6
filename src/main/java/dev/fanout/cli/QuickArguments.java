package dev.fanout.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/// A subcommand's arguments in their plain forms, split without picocli: file names (and `-`),
/// flags, and options with a value (`--option value`, `--option=value`, `-o value`). The commands
/// users run over and over (`validate`, `infer`) and the gateway (`serve`) parse these first:
/// picocli's reflection over the annotations cost ~150 ms of a 20-row run's start-up and ~0.2 s
/// of the gateway's, and its classes cannot be in the AOT cache. Whatever is not plain (an `@file`, an option given twice, a flag with a value, an option
/// without its value) leaves the whole parse to picocli, which words the errors and the help.
///
/// @param positionals the arguments that are not options, in order
/// @param flags the flags given, by name
/// @param options each option given with its value, by name (an alias under the name it stands for)
record QuickArguments(List<String> positionals, Set<String> flags, Map<String, String> options) {
    /// Splits `args`, knowing `flagNames` as the options without a value and `aliases` as other
    /// names of options; empty when picocli must parse them. Which options exist is the command's
    /// to check: a name it does not know must also go to picocli.
    static Optional<QuickArguments> parse(List<String> args, Set<String> flagNames, Map<String, String> aliases) {
        var parsed = new QuickArguments(new ArrayList<>(), new HashSet<>(), new HashMap<>());
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.startsWith("@")) {
                // picocli reads arguments from an @file.
                return Optional.empty();
            }
            if (!arg.startsWith("-") || arg.equals(CliContext.STDIN)) {
                parsed.positionals.add(arg);
                continue;
            }
            int equals = arg.startsWith("--") ? arg.indexOf('=') : -1;
            String given = equals < 0 ? arg : arg.substring(0, equals);
            String name = aliases.getOrDefault(given, given);
            // picocli refuses an option given twice; so does this parser, by leaving it to picocli.
            if (parsed.flags.contains(name) || parsed.options.containsKey(name)) {
                return Optional.empty();
            }
            if (flagNames.contains(name)) {
                if (equals >= 0) {
                    return Optional.empty();
                }
                parsed.flags.add(name);
            } else if (equals >= 0) {
                parsed.options.put(name, arg.substring(equals + 1));
            } else if (i + 1 < args.size()) {
                parsed.options.put(name, args.get(++i));
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(parsed);
    }
}
