package io.fleetplan.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** Parent of the benchmark commands each module contributes ({@code fleetplan bench engine}, ...). */
@Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class, description = {
    "Benchmarks. Each prints a readable table and ends with one JSON line of its figures."})
final class BenchCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
