package dev.fanout.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/// Makes picocli's usage errors for the commands whose common path runs without picocli
/// (`fanout validate`, `fanout` alone), typed as a plain `RuntimeException` for their `throw`.
///
/// Why a class of its own: a class in the AOT cache that throws a `ParameterException` itself
/// carries the verifier's check that it is a `Throwable`, which the JVM makes as it loads that
/// class from the cache, at every start. That loads picocli's exception classes, which cannot be
/// in the cache (Java 5 class files), and the class loader finds them only after opening every jar
/// of the class path before picocli's: 56 jars, ~20 ms (~13 %) of a 20-row `fanout validate`
/// (bench/RESULTS.md, "Issue 11, thirty-third pass"). This class is loaded only when such an
/// error is made.
final class UsageErrors {
    private UsageErrors() {
    }

    /// A usage error of `spec`'s command, as picocli reports its own.
    static RuntimeException of(CommandSpec spec, String message) {
        return new ParameterException(spec.commandLine(), message);
    }
}
