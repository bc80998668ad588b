package io.fleetplan.e2e.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.cli.up.Component;
import io.fleetplan.cli.up.JavaLauncher;
import io.fleetplan.cli.up.Supervisor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code fleetplan up} as one process for a test: started with a stack file under the test's artifact directory
 * (run dir {@code run/}), its endpoint and GlobalPlanner ports read from the banner it prints when ready. Closing
 * it stops whatever is still running through the {@link Supervisor}.
 */
public final class UpStack implements AutoCloseable {

    private final Supervisor outer;
    private final Supervisor.Running up;
    private final Path runDir;
    private final int httpPort;
    private final int globalPlannerPort;
    private final String banner;

    private UpStack(Supervisor outer, Supervisor.Running up, Path runDir) throws IOException {
        this.outer = outer;
        this.up = up;
        this.runDir = runDir;
        this.banner = Files.readString(up.log());
        this.httpPort = port(banner, "endpoint\\s+http://127\\.0\\.0\\.1:(\\d+)/v1");
        this.globalPlannerPort = port(banner, "global planner\\s+grpc 127\\.0\\.0\\.1:(\\d+)");
    }

    /** Writes {@code stackYaml} to {@code dir/stack.yaml}, runs {@code fleetplan up} on it and waits for its banner. */
    public static UpStack start(Path dir, String stackYaml, Duration ready) throws IOException, InterruptedException {
        Path stack = dir.resolve("stack.yaml");
        Files.writeString(stack, stackYaml);
        Path runDir = dir.resolve("run");
        // a fresh run dir: the GlobalPlanner appends to its audit log, and a previous run's lines are not this run's
        deleteTree(runDir);
        // the outer grace covers the stack's own drain (drain_grace_seconds + 10 s) when a test fails before stop()
        Supervisor outer = new Supervisor(dir, JavaLauncher.fleetplanCommand(), Duration.ofSeconds(40));
        try {
            Supervisor.Running up = outer.start(new Component(
                    "up",
                    Component.Role.FRONTEND,
                    List.of("up", "--config", stack.toString(), "--port", "0", "--run-dir", runDir.toString()),
                    Map.of(),
                    Pattern.compile("^Ctrl-C stops everything")));
            outer.awaitReady(up, 0, ready);
            return new UpStack(outer, up, runDir);
        } catch (IOException | InterruptedException | RuntimeException e) {
            outer.close();
            throw e;
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + httpPort;
    }

    public int globalPlannerPort() {
        return globalPlannerPort;
    }

    /** The live dashboard of a pool's planner, {@code http://127.0.0.1:P/}. */
    public String dashboardUrl(String pool) {
        return "http://127.0.0.1:"
                + port(banner, "pool " + Pattern.quote(pool) + "\\s+planner dashboard http://127\\.0\\.0\\.1:(\\d+)/")
                + "/";
    }

    /** What {@code fleetplan up} printed when it was ready (the URLs of every component). */
    public String banner() {
        return banner;
    }

    public Path runDir() {
        return runDir;
    }

    /** The process of {@code fleetplan up} itself. */
    public ProcessHandle upProcess() {
        return up.process().toHandle();
    }

    /**
     * The live process of a component {@code fleetplan up} runs ({@code router-decode}, {@code global-planner},
     * {@code pool-planner-decode}, ...), found by its command line among up's children.
     */
    public Optional<ProcessHandle> component(String name) {
        String marker = switch (name.split("-")[0]) {
            case "router" -> "--router-id " + name;
            case "global" -> "global-planner --config";
            case "pool" -> "planner-" + name.substring("pool-planner-".length()) + ".yaml";
            default -> name + " --config";
        };
        return up.process()
                .children()
                .filter(ProcessHandle::isAlive)
                .filter(h -> commandLine(h).contains(marker))
                .findFirst();
    }

    /** Every live worker of this stack (also those no longer anyone's descendants), found by their command line. */
    public List<ProcessHandle> workers() {
        String marker = "up worker --run-dir " + runDir;
        return ProcessHandle.allProcesses()
                .filter(ProcessHandle::isAlive)
                .filter(h -> commandLine(h).contains(marker))
                .toList();
    }

    /** Live workers of one pool. */
    public List<ProcessHandle> workers(String pool) {
        return workers().stream()
                .filter(h -> commandLine(h).endsWith("--pool " + pool))
                .toList();
    }

    /**
     * The whole command line: ProcessHandle.Info cuts it at 4096 characters, before the arguments that follow a
     * long class path, so it is read from /proc where there is one.
     */
    static String commandLine(ProcessHandle h) {
        Path proc = Path.of("/proc", Long.toString(h.pid()), "cmdline");
        try {
            return new String(Files.readAllBytes(proc), StandardCharsets.UTF_8)
                    .replace('\0', ' ')
                    .trim();
        } catch (IOException | RuntimeException e) {
            return h.info().commandLine().orElse("");
        }
    }

    /** The GlobalPlanner's audit log: one JSON line per decision. */
    public Path auditLog() {
        return runDir.resolve("global-planner-audit.jsonl");
    }

    /** The last decision a pool's planner logged ({@code INFO: #...}), for failure messages. */
    public String lastDecision(String pool) throws IOException {
        Path log = runDir.resolve("pool-planner-" + pool + ".log");
        if (!Files.exists(log)) {
            return "(no " + log.getFileName() + ")";
        }
        return Files.readString(log)
                .lines()
                .filter(l -> l.startsWith("INFO: #"))
                .reduce((a, b) -> b)
                .orElse("(no decision logged)");
    }

    /**
     * SIGTERM to {@code fleetplan up}, as Ctrl-C in a shell would stop it: everything it started, and what the
     * GlobalPlanner started, must go away.
     */
    public void stopAndExpectNoneLeft(int atLeastProcesses)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<ProcessHandle> all = new ArrayList<>(up.process().descendants().toList());
        assertThat(all.size()).as("processes under fleetplan up").isGreaterThanOrEqualTo(atLeastProcesses);
        up.process().destroy();
        assertThat(up.process().waitFor(60, TimeUnit.SECONDS)).isTrue();
        for (ProcessHandle h : all) {
            h.onExit().get(10, TimeUnit.SECONDS);
            assertThat(h.isAlive())
                    .as("pid %d %s", h.pid(), h.info().commandLine().orElse(""))
                    .isFalse();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    static int port(String log, String regex) {
        Matcher m = Pattern.compile(regex).matcher(log);
        assertThat(m.find())
                .as("'" + regex + "' in fleetplan up output:\n" + log)
                .isTrue();
        return Integer.parseInt(m.group(1));
    }

    @Override
    public void close() {
        outer.close();
    }
}
