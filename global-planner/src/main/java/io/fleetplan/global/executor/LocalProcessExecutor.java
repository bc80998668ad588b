package io.fleetplan.global.executor;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.supervision.RestartBackoff;
import io.fleetplan.common.time.Scheduler;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.config.GlobalPlannerConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Runs each replica as a local process (a {@code fleetplan mocker} worker, as {@code fleetplan up} does). A
 * scale-up starts processes; a scale-down drains the newest: SIGTERM (the mocker stops taking requests and
 * finishes its in-flight ones), then a kill after the drain timeout. A scale-down completes, and its GPUs are
 * released, only when the processes have exited.
 *
 * <p>A serving process that dies on its own is reported at once (running and ready drop) and started again after a
 * backoff ({@link RestartBackoff}): the replica is still granted, so its GPUs stay charged and the replacement
 * needs no new grant. With a pid directory every worker has a pid file there ({@link WorkerPidFiles}); a
 * GlobalPlanner started again over the same directory adopts the workers still running and replaces the ones that
 * are gone, instead of starting the configured initial replicas next to them.
 */
public final class LocalProcessExecutor implements ScaleExecutor {

    private static final Logger LOG = Logger.getLogger(LocalProcessExecutor.class.getName());

    /** Restarts of a dead worker: 1 s doubling to 30 s, never given up (the pool needs its granted workers). */
    public static final RestartBackoff.Policy WORKER_RESTARTS =
            new RestartBackoff.Policy(Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofSeconds(60), 0);

    /** The command line of replica {@code index} (0, 1, ... never reused) of a target. */
    @FunctionalInterface
    public interface CommandLineFactory {
        List<String> command(TargetKey target, SubType subType, int index);
    }

    /** A target and how many replicas it starts with. */
    public record Target(TargetKey key, SubType subType, int gpusPerReplica, int replicas) {}

    /** One worker: started here ({@code process} set) or adopted from a pid file (only its handle). */
    private record Worker(ProcessHandle handle, Process process, int index, Path pidFile, Instant startedAt) {
        String exitStatus() {
            return process == null
                    ? "an unknown status (adopted, not our child)"
                    : Integer.toString(process.exitValue());
        }
    }

    private static final class Replicas {
        final Target target;
        final List<Worker> serving = new ArrayList<>();
        final List<Worker> draining = new ArrayList<>();
        final ExecutorService lane =
                Executors.newSingleThreadExecutor(Thread.ofVirtual().factory());
        final RestartBackoff backoff = new RestartBackoff(WORKER_RESTARTS);
        int spec;
        int nextIndex;
        boolean restartScheduled;

        Replicas(Target target) {
            this.target = target;
        }
    }

    private final CommandLineFactory commands;
    private final Duration drainTimeout;
    private final Path logDir;
    private final WorkerPidFiles pidFiles;
    private final Scheduler scheduler;
    private final boolean ownScheduler;
    private final Map<TargetKey, Replicas> targets = new TreeMap<>();
    private volatile ChangeListener changes;
    private volatile boolean closed;

    /**
     * @param logDir where each process's output goes ({@code {dgd}-{component}-{index}.log}); null = inherit
     */
    public LocalProcessExecutor(CommandLineFactory commands, List<Target> initial, Duration drainTimeout, Path logDir) {
        this(commands, initial, drainTimeout, logDir, null, null);
    }

    /**
     * @param pidDir    where the workers' pid files go, to be adopted after a restart; null = none
     * @param scheduler times the restarts of dead workers; null = a scheduler of its own
     */
    public LocalProcessExecutor(
            CommandLineFactory commands,
            List<Target> initial,
            Duration drainTimeout,
            Path logDir,
            Path pidDir,
            Scheduler scheduler) {
        this.commands = commands;
        this.drainTimeout = drainTimeout;
        this.logDir = logDir;
        this.pidFiles = pidDir == null ? null : new WorkerPidFiles(pidDir);
        this.ownScheduler = scheduler == null;
        this.scheduler = scheduler != null ? scheduler : new WallClockScheduler("local-executor", 1);
        for (Target t : initial) {
            targets.put(t.key(), new Replicas(t));
        }
    }

    /** Fills {@code {pool}, {namespace}, {dgd}, {component}, {sub_type}, {index}} into a command template. */
    public static CommandLineFactory template(List<String> template) {
        return (key, subType, index) -> template.stream()
                .map(arg -> arg.replace("{pool}", key.defaultPoolId())
                        .replace("{namespace}", key.k8sNamespace())
                        .replace("{dgd}", key.graphDeploymentName())
                        .replace("{component}", key.componentName())
                        .replace("{sub_type}", subType.wireName())
                        .replace("{index}", Integer.toString(index)))
                .toList();
    }

    public static LocalProcessExecutor from(GlobalPlannerConfig.Local cfg, Scheduler scheduler) {
        List<Target> initial = cfg.targets().stream()
                .map(t -> new Target(
                        new TargetKey(t.k8sNamespace(), t.graphDeploymentName(), t.componentName()),
                        SubType.parse(t.subComponentType()),
                        t.gpusPerReplica(),
                        t.replicas()))
                .toList();
        return new LocalProcessExecutor(
                template(cfg.command()),
                initial,
                Duration.ofSeconds(cfg.drainTimeoutSeconds()),
                cfg.logDir() == null ? null : Path.of(cfg.logDir()),
                cfg.pidDir() == null ? null : Path.of(cfg.pidDir()),
                scheduler);
    }

    /**
     * Starts every target's initial replicas; throws when one cannot be started. When the pid directory lists
     * workers (this GlobalPlanner replaces one that died), the targets start from them instead: live workers are
     * adopted, dead ones replaced, and workers of targets no longer configured are stopped.
     */
    public void start() throws IOException {
        List<WorkerPidFiles.Record> found = pidFiles == null ? List.of() : pidFiles.read();
        Set<Path> claimed = new HashSet<>();
        for (Replicas r : targets.values()) {
            synchronized (r) {
                int lost = 0;
                for (WorkerPidFiles.Record rec : found) {
                    if (!rec.target().equals(r.target.key())) {
                        continue;
                    }
                    claimed.add(rec.file());
                    r.nextIndex = Math.max(r.nextIndex, rec.index() + 1);
                    var live = WorkerPidFiles.live(rec);
                    if (live.isEmpty()) {
                        pidFiles.delete(rec.file());
                        lost += rec.draining() ? 0 : 1;
                        continue;
                    }
                    Worker w = new Worker(live.get(), null, rec.index(), rec.file(), scheduler.now());
                    (rec.draining() ? r.draining : r.serving).add(w);
                    w.handle().onExit().thenRun(() -> exited(r, w));
                    if (rec.draining()) {
                        // it was told to drain by the planner before us; it still gets no longer than the timeout
                        scheduler.schedule(drainTimeout, () -> w.handle().destroyForcibly());
                    }
                }
                r.spec = found.isEmpty() ? r.target.replicas() : r.serving.size() + lost;
                if (!found.isEmpty()) {
                    LOG.info(r.target.key() + ": adopted " + r.serving.size() + " serving and " + r.draining.size()
                            + " draining workers from " + pidFiles.dir() + "; starting " + lost
                            + " in place of those gone");
                }
                while (r.serving.size() < r.spec) {
                    launch(r);
                }
            }
        }
        for (WorkerPidFiles.Record rec : found) {
            if (!claimed.contains(rec.file())) {
                WorkerPidFiles.live(rec).ifPresent(h -> {
                    LOG.warning("stopping worker pid " + h.pid() + " of " + rec.target() + ", not a configured target");
                    h.destroy();
                });
                pidFiles.delete(rec.file());
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
            listener.failed(
                    c,
                    new Observation(c.target(), c.subType(), 0, 0, 0, c.gpusPerReplica()),
                    "no local target " + c.target() + "; declare it under executor.local.targets");
            return;
        }
        r.lane.execute(() -> {
            List<Worker> leaving = new ArrayList<>();
            try {
                synchronized (r) {
                    r.spec = c.toReplicas();
                    while (r.serving.size() < c.toReplicas()) {
                        launch(r);
                    }
                    while (r.serving.size() > c.toReplicas()) {
                        Worker w = r.serving.remove(r.serving.size() - 1);
                        r.draining.add(w);
                        leaving.add(w);
                    }
                }
            } catch (IOException e) {
                listener.failed(
                        c,
                        observe(r),
                        "cannot start " + commands.command(c.target(), c.subType(), r.nextIndex) + ": "
                                + e.getMessage());
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
                            + r.target.key().componentName() + "-" + index + ".log")
                    .toFile());
        }
        Process p = pb.start();
        Path pidFile = null;
        if (pidFiles != null) {
            try {
                pidFile = pidFiles.write(r.target.key(), r.target.subType().wireName(), index, p.toHandle());
            } catch (IOException e) {
                // a worker nobody could find again after a restart is worse than no worker
                p.destroyForcibly();
                throw new IOException(
                        "cannot write the pid file of " + cmd + " in " + pidFiles.dir() + ": " + e.getMessage(), e);
            }
        }
        Worker w = new Worker(p.toHandle(), p, index, pidFile, scheduler.now());
        r.serving.add(w);
        w.handle().onExit().thenRun(() -> exited(r, w));
    }

    // a serving process that exits by itself is capacity lost: tell the arbiter, then start a replacement
    private void exited(Replicas r, Worker w) {
        boolean unexpected;
        synchronized (r) {
            unexpected = r.serving.remove(w) && !closed;
        }
        if (w.pidFile() != null) {
            pidFiles.delete(w.pidFile());
        }
        if (!unexpected) {
            return;
        }
        RestartBackoff.Decision d;
        synchronized (r) {
            d = r.backoff.exited(w.startedAt(), scheduler.now());
            if (r.restartScheduled || r.serving.size() >= r.spec) {
                d = null;
            } else {
                r.restartScheduled = true;
            }
        }
        LOG.warning(r.target.key() + ": worker pid " + w.handle().pid() + " exited with " + w.exitStatus()
                + (d == null ? "" : "; " + d.reason()));
        ChangeListener l = changes;
        if (l != null) {
            l.changed(observe(r));
        }
        if (d != null) {
            scheduler.schedule(d.delay(), () -> r.lane.execute(() -> replace(r)));
        }
    }

    /** Starts workers up to the spec again (a scale-down in the meantime may have made that unnecessary). */
    private void replace(Replicas r) {
        List<Long> started = new ArrayList<>();
        synchronized (r) {
            r.restartScheduled = false;
            if (closed) {
                return;
            }
            try {
                while (r.serving.size() < r.spec) {
                    launch(r);
                    started.add(r.serving.getLast().handle().pid());
                }
            } catch (IOException e) {
                LOG.warning(r.target.key() + ": cannot start a replacement worker: " + e.getMessage());
                r.restartScheduled = true;
                scheduler.schedule(WORKER_RESTARTS.maxDelay(), () -> r.lane.execute(() -> replace(r)));
                return;
            }
        }
        if (!started.isEmpty()) {
            LOG.warning(r.target.key() + ": started replacement worker pid " + started);
            ChangeListener l = changes;
            if (l != null) {
                l.changed(observe(r));
            }
        }
    }

    private void drain(List<Worker> leaving) {
        for (Worker w : leaving) {
            if (w.pidFile() != null) {
                pidFiles.markDraining(w.pidFile());
            }
            w.handle().destroy();
        }
        long deadline = System.nanoTime() + drainTimeout.toNanos();
        for (Worker w : leaving) {
            try {
                w.handle().onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                w.handle().descendants().forEach(ProcessHandle::destroyForcibly);
                w.handle().destroyForcibly();
                try {
                    w.handle().onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // SIGKILL not answered within 10 s: nothing more to do from here
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            // the exit callback deletes the pid file too, but on another thread and maybe after this returns:
            // a drained worker's file must be gone when drain (and close) return
            if (w.pidFile() != null && !w.handle().isAlive()) {
                pidFiles.delete(w.pidFile());
            }
        }
    }

    private Observation observe(Replicas r) {
        synchronized (r) {
            int serving =
                    (int) r.serving.stream().filter(w -> w.handle().isAlive()).count();
            int draining =
                    (int) r.draining.stream().filter(w -> w.handle().isAlive()).count();
            return new Observation(
                    r.target.key(),
                    r.target.subType(),
                    r.spec,
                    serving + draining,
                    serving,
                    r.target.gpusPerReplica(),
                    draining);
        }
    }

    /** Process ids serving {@code key} now (for tests and status pages). */
    public List<Long> pids(TargetKey key) {
        Replicas r = targets.get(key);
        synchronized (r) {
            return r.serving.stream().map(w -> w.handle().pid()).toList();
        }
    }

    /** Drains every process (SIGTERM, then kill after the drain timeout). */
    @Override
    public void close() {
        closed = true;
        List<Worker> all = new ArrayList<>();
        for (Replicas r : targets.values()) {
            synchronized (r) {
                all.addAll(r.serving);
                all.addAll(r.draining);
                r.serving.clear();
            }
            r.lane.shutdownNow();
        }
        drain(all);
        if (ownScheduler) {
            ((WallClockScheduler) scheduler).close();
        }
    }
}
