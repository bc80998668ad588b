package io.fleetplan.global.executor;

import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.SubType;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Runs each replica as a local process (a {@code fleetplan mocker} worker, as {@code fleetplan up} does). A
 * scale-up starts processes; a scale-down drains the newest: SIGTERM (the mocker stops taking requests and
 * finishes its in-flight ones), then a kill after the drain timeout. A scale-down completes, and its GPUs are
 * released, only when the processes have exited. A process that dies on its own is reported as a change.
 */
public final class LocalProcessExecutor implements ScaleExecutor {

    private static final Logger LOG = Logger.getLogger(LocalProcessExecutor.class.getName());

    /** The command line of replica {@code index} (0, 1, ... never reused) of a target. */
    @FunctionalInterface
    public interface CommandLineFactory {
        List<String> command(TargetKey target, SubType subType, int index);
    }

    /** A target and how many replicas it starts with. */
    public record Target(TargetKey key, SubType subType, int gpusPerReplica, int replicas) {
    }

    private static final class Replicas {
        final Target target;
        final List<Process> serving = new ArrayList<>();
        final List<Process> draining = new ArrayList<>();
        final ExecutorService lane = Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
        int spec;
        int nextIndex;

        Replicas(Target target) {
            this.target = target;
        }
    }

    private final CommandLineFactory commands;
    private final Duration drainTimeout;
    private final Path logDir;
    private final Map<TargetKey, Replicas> targets = new TreeMap<>();
    private volatile ChangeListener changes;

    /**
     * @param logDir where each process's output goes ({@code {dgd}-{component}-{index}.log}); null = inherit
     */
    public LocalProcessExecutor(CommandLineFactory commands, List<Target> initial, Duration drainTimeout, Path logDir) {
        this.commands = commands;
        this.drainTimeout = drainTimeout;
        this.logDir = logDir;
        for (Target t : initial) {
            targets.put(t.key(), new Replicas(t));
        }
    }

    /** Fills {@code {pool}, {namespace}, {dgd}, {component}, {sub_type}, {index}} into a command template. */
    public static CommandLineFactory template(List<String> template) {
        return (key, subType, index) -> template.stream().map(arg -> arg
                .replace("{pool}", key.defaultPoolId()).replace("{namespace}", key.k8sNamespace())
                .replace("{dgd}", key.graphDeploymentName()).replace("{component}", key.componentName())
                .replace("{sub_type}", subType.wireName()).replace("{index}", Integer.toString(index))).toList();
    }

    public static LocalProcessExecutor from(GlobalPlannerConfig.Local cfg) {
        List<Target> initial = cfg.targets().stream().map(t -> new Target(new TargetKey(t.k8sNamespace(),
                t.graphDeploymentName(), t.componentName()), SubType.parse(t.subComponentType()), t.gpusPerReplica(),
                t.replicas())).toList();
        return new LocalProcessExecutor(template(cfg.command()), initial, Duration.ofSeconds(cfg.drainTimeoutSeconds()),
                cfg.logDir() == null ? null : Path.of(cfg.logDir()));
    }

    /** Starts every target's initial replicas; throws when one cannot be started. */
    public void start() throws IOException {
        for (Replicas r : targets.values()) {
            synchronized (r) {
                while (r.serving.size() < r.target.replicas()) {
                    launch(r);
                }
                r.spec = r.target.replicas();
            }
        }
    }

    @Override
    public List<Observation> discover() {
        List<Observation> all = new ArrayList<>();
        for (Replicas r : targets.values()) {
            all.add(observe(r));
        }
        return all;
    }

    @Override
    public void watch(ChangeListener listener) {
        this.changes = listener;
    }

    @Override
    public void apply(ScaleCommand c, Listener listener) {
        Replicas r = targets.get(c.target());
        if (r == null) {
            listener.failed(c, new Observation(c.target(), c.subType(), 0, 0, 0, c.gpusPerReplica()),
                    "no local target " + c.target() + "; declare it under executor.local.targets");
            return;
        }
        r.lane.execute(() -> {
            List<Process> leaving = new ArrayList<>();
            try {
                synchronized (r) {
                    r.spec = c.toReplicas();
                    while (r.serving.size() < c.toReplicas()) {
                        launch(r);
                    }
                    while (r.serving.size() > c.toReplicas()) {
                        Process p = r.serving.remove(r.serving.size() - 1);
                        r.draining.add(p);
                        leaving.add(p);
                    }
                }
            } catch (IOException e) {
                listener.failed(c, observe(r), "cannot start " + commands.command(c.target(), c.subType(), r.nextIndex)
                        + ": " + e.getMessage());
                return;
            }
            drain(leaving);
            synchronized (r) {
                r.draining.removeAll(leaving);
            }
            listener.completed(c, observe(r));
        });
    }

    private void launch(Replicas r) throws IOException {
        int index = r.nextIndex++;
        List<String> cmd = commands.command(r.target.key(), r.target.subType(), index);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (logDir == null) {
            pb.inheritIO();
        } else {
            Files.createDirectories(logDir);
            pb.redirectOutput(logDir.resolve(r.target.key().graphDeploymentName() + "-"
                    + r.target.key().componentName() + "-" + index + ".log").toFile());
        }
        Process p = pb.start();
        r.serving.add(p);
        p.onExit().thenRun(() -> exited(r, p));
    }

    // a serving process that exits by itself is capacity lost: tell the arbiter
    private void exited(Replicas r, Process p) {
        boolean unexpected;
        synchronized (r) {
            unexpected = r.serving.remove(p);
        }
        ChangeListener l = changes;
        if (unexpected) {
            LOG.warning(r.target.key() + ": worker pid " + p.pid() + " exited with " + p.exitValue());
            if (l != null) {
                l.changed(observe(r));
            }
        }
    }

    private void drain(List<Process> leaving) {
        for (Process p : leaving) {
            p.destroy();
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (Process p : leaving) {
            try {
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    p.descendants().forEach(ProcessHandle::destroyForcibly);
                    p.destroyForcibly();
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private Observation observe(Replicas r) {
        synchronized (r) {
            int serving = (int) r.serving.stream().filter(Process::isAlive).count();
            int draining = (int) r.draining.stream().filter(Process::isAlive).count();
            return new Observation(r.target.key(), r.target.subType(), r.spec, serving + draining, serving,
                    r.target.gpusPerReplica(), draining);
        }
    }

    /** Process ids serving {@code key} now (for tests and status pages). */
    public List<Long> pids(TargetKey key) {
        Replicas r = targets.get(key);
        synchronized (r) {
            return r.serving.stream().map(Process::pid).toList();
        }
    }

    /** Drains every process (SIGTERM, then kill after the drain timeout). */
    @Override
    public void close() {
        List<Process> all = new ArrayList<>();
        for (Replicas r : targets.values()) {
            synchronized (r) {
                all.addAll(r.serving);
                r.serving.clear();
            }
            r.lane.shutdownNow();
        }
        drain(all);
    }
}
