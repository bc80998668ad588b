package io.fleetplan.cli.up;

import io.fleetplan.common.supervision.RestartBackoff;
import io.fleetplan.common.time.Scheduler;
import io.fleetplan.global.executor.WorkerPidFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Starts the processes of a local stack and stops every one of them, including the processes they started
 * (the GlobalPlanner's workers): on {@link #close()} children get SIGTERM newest first (so the Frontend stops
 * taking requests before the pools go), have {@code grace} to finish, and whatever is still alive then (children
 * or their descendants, remembered before anyone exits) is killed. Each process writes {@code <name>.log} in the
 * run directory.
 *
 * <p>Once {@link #superviseRestarts} is called, a process that exits on its own is started again after a backoff
 * ({@link RestartBackoff}; a line says so), until it crashes too often in a row; then it is given up on, with a
 * line that says why. Workers listed in a pid directory ({@link #sweepOnClose}) are stopped with the rest even
 * when the GlobalPlanner that started them died (they are no longer anyone's descendants).
 */
public final class Supervisor implements AutoCloseable {

    /** A started process. */
    public static final class Running {
        private final Component component;
        private final Process process;
        private final Path log;
        private final CompletableFuture<String> readyLine = new CompletableFuture<>();
        private final Deque<String> tail = new ArrayDeque<>();
        private final Instant startedAt;

        Running(Component component, Process process, Path log, Instant startedAt) {
            this.component = component;
            this.process = process;
            this.log = log;
            this.startedAt = startedAt;
        }

        public Component component() {
            return component;
        }

        public Process process() {
            return process;
        }

        public Path log() {
            return log;
        }

        /** The line that matched {@link Component#readyLine()}, once it was printed. */
        public CompletableFuture<String> readyLine() {
            return readyLine;
        }

        synchronized String tail() {
            return String.join("\n", tail);
        }

        synchronized void remember(String line) {
            tail.addLast(line);
            if (tail.size() > 20) {
                tail.removeFirst();
            }
        }
    }

    private final Path runDir;
    private final List<String> launcher;
    private final Duration grace;
    private final List<Running> running = new ArrayList<>();
    private final List<String> forced = new CopyOnWriteArrayList<>();
    private final Map<String, RestartBackoff> backoffs = new HashMap<>();
    private final List<Path> pidDirs = new ArrayList<>();
    private Scheduler scheduler;
    private RestartBackoff.Policy restartPolicy;
    private Consumer<String> events = line -> {};
    private boolean closed;

    /**
     * @param runDir   where config files and logs go
     * @param launcher the command that runs {@code fleetplan} ({@link JavaLauncher#fleetplanCommand()})
     * @param grace    how long stopping processes may take before they are killed
     */
    public Supervisor(Path runDir, List<String> launcher, Duration grace) {
        this.runDir = runDir;
        this.launcher = List.copyOf(launcher);
        this.grace = grace;
    }

    // a secret: readable by this user only, from its first byte on disk
    private static void writeOwnerOnly(Path target, String content) throws IOException {
        Files.deleteIfExists(target);
        if (target.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(
                    target, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(target, content);
    }

    /**
     * From now on a process that exits while the supervisor runs is started again as {@code policy} says; each
     * restart and each give-up is a line to {@code events}. Times come from {@code scheduler}.
     */
    public synchronized void superviseRestarts(
            RestartBackoff.Policy policy, Scheduler scheduler, Consumer<String> events) {
        this.restartPolicy = policy;
        this.scheduler = scheduler;
        this.events = events;
        for (Running r : running) {
            watchExit(r);
        }
    }

    /** Workers with pid files in {@code dir} are stopped on {@link #close()} with everything else. */
    public synchronized void sweepOnClose(Path dir) {
        pidDirs.add(dir);
    }

    /** Writes the component's files and starts it; its output goes to {@code <name>.log}. */
    public synchronized Running start(Component c) throws IOException {
        if (closed) {
            throw new IllegalStateException("supervisor is stopped");
        }
        Running r = launch(c, false);
        running.add(r);
        if (restartPolicy != null) {
            watchExit(r);
        }
        return r;
    }

    private Running launch(Component c, boolean again) throws IOException {
        Files.createDirectories(runDir);
        for (Map.Entry<String, String> f : c.files().entrySet()) {
            Path target = runDir.resolve(f.getKey());
            Files.createDirectories(target.getParent());
            if (f.getKey().equals(StackLayout.POOL_TOKEN_FILE)) {
                writeOwnerOnly(target, f.getValue());
            } else {
                Files.writeString(target, f.getValue());
            }
        }
        List<String> cmd = new ArrayList<>(launcher);
        cmd.addAll(c.args());
        Path log = runDir.resolve(c.name() + ".log");
        Process p = new ProcessBuilder(cmd)
                .directory(runDir.toFile())
                .redirectErrorStream(true)
                .start();
        p.getOutputStream().close();
        Running r = new Running(c, p, log, scheduler == null ? Instant.now() : scheduler.now());
        Thread.ofVirtual().name("log-" + c.name()).start(() -> pump(r, again));
        return r;
    }

    private void watchExit(Running r) {
        r.process.onExit().thenRun(() -> exited(r));
    }

    private void exited(Running r) {
        RestartBackoff.Decision d;
        synchronized (this) {
            if (closed || !running.contains(r)) {
                return;
            }
            d = backoffs.computeIfAbsent(r.component.name(), n -> new RestartBackoff(restartPolicy))
                    .exited(r.startedAt, scheduler.now());
        }
        String what = r.component.name() + " (pid " + r.process.pid() + ") exited with code " + r.process.exitValue();
        if (!d.restart()) {
            events.accept(
                    "fleetplan up: " + what + "; giving up on it: " + d.reason() + ". The rest of the stack keeps "
                            + "running without it; see " + r.log + ", last lines:\n" + r.tail());
            return;
        }
        events.accept("fleetplan up: " + what + "; " + d.reason());
        scheduler.schedule(d.delay(), () -> restart(r));
    }

    private void restart(Running old) {
        Running fresh;
        synchronized (this) {
            int at = running.indexOf(old);
            if (closed || at < 0) {
                return;
            }
            try {
                fresh = launch(old.component, true);
            } catch (IOException e) {
                events.accept("fleetplan up: cannot restart " + old.component.name() + ": " + e.getMessage()
                        + "; giving up on it");
                return;
            }
            // same place in the list: the stop order stays the start order reversed
            running.set(at, fresh);
            watchExit(fresh);
        }
        events.accept("fleetplan up: restarted " + old.component.name() + " (pid " + fresh.process.pid() + ")");
    }

    private void pump(Running r, boolean append) {
        // a restarted process appends: the crash that caused the restart stays in the log
        StandardOpenOption[] mode = append
                ? new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.APPEND}
                : new StandardOpenOption[] {
                    StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE
                };
        try (BufferedReader in =
                        new BufferedReader(new InputStreamReader(r.process.getInputStream(), StandardCharsets.UTF_8));
                Writer out = Files.newBufferedWriter(r.log, StandardCharsets.UTF_8, mode)) {
            String line;
            while ((line = in.readLine()) != null) {
                out.write(line);
                out.write('\n');
                out.flush();
                r.remember(line);
                if (r.component.readyLine() != null
                        && !r.readyLine.isDone()
                        && r.component.readyLine().matcher(line).find()) {
                    r.readyLine.complete(line);
                }
            }
        } catch (IOException e) {
            // the process went away; its exit is reported by awaitReady or close
        } finally {
            r.readyLine.completeExceptionally(new IllegalStateException(r.component.name() + " exited"));
        }
    }

    /**
     * Waits until the component printed its ready line (or, with {@code port > 0}, accepts connections there).
     *
     * @throws IllegalStateException naming the component, its exit code and the end of its log, if it died or
     *                               was not ready within {@code timeout}
     */
    public void awaitReady(Running r, int port, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!r.process.isAlive()) {
                throw notReady(r, "exited with code " + r.process.exitValue());
            }
            if (port > 0 ? accepts(port) : r.readyLine.isDone() && !r.readyLine.isCompletedExceptionally()) {
                return;
            }
            try {
                r.readyLine.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // poll again
            }
        }
        throw notReady(r, "was not ready within " + timeout.toSeconds() + " s");
    }

    private IllegalStateException notReady(Running r, String what) {
        return new IllegalStateException(
                r.component.name() + " " + what + "; log " + r.log + ", last lines:\n" + r.tail());
    }

    static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(StackLayout.HOST, port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Every process of the stack that is alive: children and their descendants. */
    public synchronized List<ProcessHandle> processes() {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        for (Running r : running) {
            if (r.process.isAlive()) {
                all.add(r.process.toHandle());
            }
            r.process.descendants().filter(ProcessHandle::isAlive).forEach(all::add);
        }
        return List.copyOf(all);
    }

    public synchronized List<Running> running() {
        return List.copyOf(running);
    }

    /** Stops everything; safe to call twice (Ctrl-C hook and normal exit). */
    @Override
    public void close() {
        List<Running> toStop;
        List<ProcessHandle> everyone;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            toStop = new ArrayList<>(running);
            everyone = processes();
        }
        Set<ProcessHandle> orphans = orphanWorkers();
        long deadline = System.nanoTime() + grace.toNanos();
        Set<ProcessHandle> known = new LinkedHashSet<>(everyone);
        for (int i = toStop.size() - 1; i >= 0; i--) {
            Process p = toStop.get(i).process;
            if (p.isAlive()) {
                p.destroy(); // SIGTERM: workers drain, servers close
                try {
                    // the Frontend first, alone, so no new request reaches a pool that is going away
                    if (toStop.get(i).component.role() == Component.Role.FRONTEND) {
                        p.waitFor(Math.min(5_000, remainingMs(deadline)), TimeUnit.MILLISECONDS);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        // workers started while we were stopping are still children of their (not yet exited) parents
        known.addAll(processes());
        known.addAll(orphans);
        known.addAll(orphanWorkers());
        everyone = List.copyOf(known);
        // grandchildren (the GlobalPlanner's workers) get their own SIGTERM, so they drain instead of waiting
        // for a parent that may exit without stopping them
        for (ProcessHandle h : everyone) {
            if (h.isAlive()) {
                h.destroy();
            }
        }
        for (ProcessHandle h : everyone) {
            try {
                h.onExit().get(Math.max(0, remainingMs(deadline)), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // killed below
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (ProcessHandle h : everyone) {
            if (h.isAlive()) {
                forced.add(h.pid() + " " + describe(h));
                h.destroyForcibly();
            }
        }
        for (ProcessHandle h : everyone) {
            try {
                h.onExit().get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                // nothing more can be done for a process SIGKILL does not end
            }
        }
        for (Path dir : pidDirs) {
            // files of workers that ended without their GlobalPlanner to remove them
            WorkerPidFiles files = new WorkerPidFiles(dir);
            files.read().stream().filter(r -> WorkerPidFiles.live(r).isEmpty()).forEach(r -> files.delete(r.file()));
        }
    }

    /** Workers in the pid directories that still run (those of a dead GlobalPlanner are nobody's descendants). */
    private Set<ProcessHandle> orphanWorkers() {
        Set<ProcessHandle> out = new LinkedHashSet<>();
        for (Path dir : pidDirs) {
            for (WorkerPidFiles.Record r : new WorkerPidFiles(dir).read()) {
                WorkerPidFiles.live(r).ifPresent(out::add);
            }
        }
        return out;
    }

    /** Processes that did not stop within the grace period and were killed (pid and command). */
    public List<String> forced() {
        return List.copyOf(forced);
    }

    private String describe(ProcessHandle h) {
        for (Running r : running) {
            if (r.process.pid() == h.pid()) {
                return r.component.name();
            }
        }
        String cmd = h.info().commandLine().orElse("?");
        return cmd.length() > 120 ? "..." + cmd.substring(cmd.length() - 120) : cmd;
    }

    private static long remainingMs(long deadline) {
        return Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
