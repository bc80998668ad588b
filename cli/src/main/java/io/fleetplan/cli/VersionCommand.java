package io.fleetplan.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(
        name = "version",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Print fleetplan's version, the Java runtime and the wire contract version.")
final class VersionCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        for (String line : new Provider().getVersion()) {
            spec.commandLine().getOut().println(line);
        }
        return 0;
    }

    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "fleetplan " + version(),
                "wire contracts: fleetplan.v1",
                "java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
            };
        }

        static String version() {
            try (InputStream in = VersionCommand.class.getResourceAsStream("/fleetplan-version.properties")) {
                if (in != null) {
                    Properties p = new Properties();
                    p.load(in);
                    return p.getProperty("version", "unknown");
                }
            } catch (IOException ignored) {
                // fall through: a missing resource only means a development build
            }
            return "development";
        }
    }
}
