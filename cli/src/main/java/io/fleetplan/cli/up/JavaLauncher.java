package io.fleetplan.cli.up;

import java.util.ArrayList;
import java.util.List;

/**
 * How to run another {@code fleetplan} process: the same Java runtime and class path as this one (the shaded jar
 * when started by ./fleetplan, the module class path in tests), with small heaps because a local stack runs a
 * dozen JVMs on a laptop. {@code FLEETPLAN_CHILD_JAVA_OPTS} replaces the default JVM flags.
 */
public final class JavaLauncher {

    static final String MAIN = "io.fleetplan.cli.Main";
    static final List<String> DEFAULT_OPTS = List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1",
            "-Xss512k");

    private JavaLauncher() {
    }

    /** {@code java [opts] -cp CLASSPATH io.fleetplan.cli.Main}; append the subcommand and its arguments. */
    public static List<String> fleetplanCommand() {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        cmd.add("--enable-native-access=ALL-UNNAMED");
        String opts = System.getenv("FLEETPLAN_CHILD_JAVA_OPTS");
        if (opts != null && !opts.isBlank()) {
            cmd.addAll(List.of(opts.trim().split("\\s+")));
        } else {
            cmd.addAll(DEFAULT_OPTS);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(MAIN);
        return cmd;
    }
}
