package io.fleetplan.global.executor;

import io.fleetplan.global.arbiter.TargetKey;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * One file per local worker ({@code {dgd}-{component}-{index}.pid}): its pid, when it started, its target and
 * whether it is draining. The files outlive the GlobalPlanner that wrote them, so a restarted GlobalPlanner finds
 * the workers still running (and adopts them instead of starting the initial replicas again), and
 * {@code fleetplan up} can stop workers whose GlobalPlanner died. The start time guards against a reused pid.
 */
public final class WorkerPidFiles {

    private static final Logger LOG = Logger.getLogger(WorkerPidFiles.class.getName());
    private static final String SUFFIX = ".pid";

    /** One worker as its file describes it. */
    public record Record(
            Path file, long pid, long startedMillis, TargetKey target, String subType, int index, boolean draining) {}

    private final Path dir;

    public WorkerPidFiles(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Records that {@code worker} serves replica {@code index} of {@code target}. */
    public Path write(TargetKey target, String subType, int index, ProcessHandle worker) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve(target.graphDeploymentName() + "-" + target.componentName() + "-" + index + SUFFIX);
        Properties p = new Properties();
        p.setProperty("pid", Long.toString(worker.pid()));
        p.setProperty("started_ms", Long.toString(startMillis(worker)));
        p.setProperty("k8s_namespace", target.k8sNamespace());
        p.setProperty("graph_deployment_name", target.graphDeploymentName());
        p.setProperty("component_name", target.componentName());
        p.setProperty("sub_component_type", subType);
        p.setProperty("index", Integer.toString(index));
        p.setProperty("draining", "false");
        store(file, p);
        return file;
    }

    /** The worker in {@code file} was told to drain: a restarted GlobalPlanner must not count it as serving. */
    public void markDraining(Path file) {
        try {
            Properties p = load(file);
            p.setProperty("draining", "true");
            store(file, p);
        } catch (IOException e) {
            LOG.warning("cannot mark " + file + " draining: " + e.getMessage());
        }
    }

    public void delete(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warning("cannot delete " + file + ": " + e.getMessage());
        }
    }

    /** Every readable record; an unreadable file is deleted (a write cut short by a kill). */
    public List<Record> read() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<Record> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX))
                    .sorted()
                    .toList()) {
                try {
                    Properties p = load(f);
                    out.add(new Record(
                            f,
                            Long.parseLong(p.getProperty("pid")),
                            Long.parseLong(p.getProperty("started_ms", "0")),
                            new TargetKey(
                                    p.getProperty("k8s_namespace"),
                                    p.getProperty("graph_deployment_name"),
                                    p.getProperty("component_name")),
                            p.getProperty("sub_component_type", ""),
                            Integer.parseInt(p.getProperty("index", "0")),
                            Boolean.parseBoolean(p.getProperty("draining"))));
                } catch (IOException | RuntimeException e) {
                    LOG.warning("ignoring unreadable worker pid file " + f + ": " + e);
                    delete(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return out;
    }

    /** The process of {@code r} if it still runs (the same process: a reused pid has another start time). */
    public static Optional<ProcessHandle> live(Record r) {
        return ProcessHandle.of(r.pid())
                .filter(ProcessHandle::isAlive)
                .filter(h -> r.startedMillis() == 0 || Math.abs(startMillis(h) - r.startedMillis()) < 1000);
    }

    /**
     * Stops every worker listed in {@code dir} that still runs (SIGTERM, a kill after {@code grace}) and deletes
     * the files: for {@code fleetplan up} at start (orphans of an earlier run in the same run directory) and at
     * stop (workers whose GlobalPlanner died or was killed before it could drain them).
     *
     * @return the pids and how each ended ("stopped" or "killed")
     */
    public static List<String> sweep(Path dir, Duration grace) {
        WorkerPidFiles files = new WorkerPidFiles(dir);
        List<Record> records = files.read();
        List<ProcessHandle> alive = new ArrayList<>();
        for (Record r : records) {
            live(r).ifPresent(h -> {
                h.destroy();
                alive.add(h);
            });
        }
        long deadline = System.nanoTime() + grace.toNanos();
        List<String> out = new ArrayList<>();
        for (ProcessHandle h : alive) {
            try {
                h.onExit().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                out.add(h.pid() + " stopped");
            } catch (Exception e) {
                h.destroyForcibly();
                out.add(h.pid() + " killed");
            }
        }
        records.forEach(r -> files.delete(r.file()));
        return out;
    }

    static long startMillis(ProcessHandle h) {
        return h.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        }
        return p;
    }

    // write then rename: a reader (or a restarted planner) never sees half a file
    private static void store(Path file, Properties p) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer out = Files.newBufferedWriter(tmp)) {
            p.store(out, "fleetplan local worker");
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
