package io.fleetplan.cli.up;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * How to run another {@code fleetplan} process: the same Java runtime and class path as this one (the shaded jar
 * when started by ./fleetplan, the module class path in tests), with small heaps because a local stack runs a
 * dozen JVMs on a laptop. {@code FLEETPLAN_CHILD_JAVA_OPTS} replaces the default JVM flags.
 */
public final class JavaLauncher {

    static final String MAIN = "io.fleetplan.cli.Main";
    static final List<String> DEFAULT_OPTS =
            List.of("-XX:+UseSerialGC", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-Xss512k");

    private JavaLauncher() {}

    /** {@code java [opts] -cp CLASSPATH io.fleetplan.cli.Main}; append the subcommand and its arguments. */
    public static List<String> fleetplanCommand() {
        return command(System.getProperty("java.class.path"));
    }

    /**
     * Like {@link #fleetplanCommand()}, but when this process runs from one jar, the children run from a copy of it
     * in {@code runDir}: {@code ./fleetplan} rebuilds its jar when the sources change, and a child started later
     * (a worker the GlobalPlanner adds, a restart) must not load classes from a different build than the
     * processes already running. A module class path (tests) is used as it is.
     */
    public static List<String> pinnedCommand(Path runDir) {
        return command(pinnedClassPath(System.getProperty("java.class.path"), runDir));
    }

    static String pinnedClassPath(String classPath, Path runDir) {
        if (classPath == null || classPath.contains(File.pathSeparator) || !classPath.endsWith(".jar")) {
            return classPath;
        }
        Path jar = Path.of(classPath);
        if (!Files.isRegularFile(jar)) {
            return classPath;
        }
        Path copy = runDir.resolve("fleetplan.jar").toAbsolutePath();
        try {
            Files.createDirectories(runDir);
            Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + jar + " to " + copy + " for the stack's processes", e);
        }
        return copy.toString();
    }

    private static List<String> command(String classPath) {
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
        cmd.add(classPath);
        cmd.add(MAIN);
        return cmd;
    }
}
