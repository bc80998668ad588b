package io.fleetplan.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Parent of the benchmark commands ({@code fleetplan bench engine}, ...), which the bench module contributes; cli
 * holds the group, as it holds {@code config}, so the tree has it whatever is on the classpath.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = {"Benchmarks. Each prints a readable table and ends with one JSON line of its figures."})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
