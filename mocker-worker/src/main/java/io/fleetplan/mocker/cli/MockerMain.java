package io.fleetplan.mocker.cli;

import picocli.CommandLine;

/** Standalone entry point ({@code java -cp ... io.fleetplan.mocker.cli.MockerMain --grpc-port 0 ...}). */
public final class MockerMain {

    private MockerMain() {}

    public static void main(String[] args) {
        CommandLine cl = new CommandLine(new MockerCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        System.exit(cl.execute(args));
    }
}
