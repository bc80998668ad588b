package io.fleetplan.global.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes (POSIX sh) standing in for mocker workers. */
class LocalProcessExecutorIT {

    private static final TargetKey DECODE = new TargetKey("local", "pool", "decode");

    @TempDir
    Path dir;

    /** A worker that drains for 300 ms on SIGTERM and writes a file when it has finished. */
    private LocalProcessExecutor.CommandLineFactory drainingWorker() {
        return (key, type, index) -> List.of(
                "sh",
                "-c",
                "trap 'sleep 0.3; touch " + dir + "/drained-" + index + "; exit 0' TERM; echo " + key + " "
                        + type.wireName() + " " + index + "; while true; do sleep 0.05; done");
    }

    private static final class Done implements ScaleExecutor.Listener {
        final CompletableFuture<Observation> result = new CompletableFuture<>();
        final AtomicReference<String> failure = new AtomicReference<>();

        @Override
        public void completed(ScaleCommand command, Observation now) {
            result.complete(now);
        }

        @Override
        public void failed(ScaleCommand command, Observation now, String message) {
            failure.set(message);
            result.complete(now);
        }
    }

    @Test
    void startsReplicasAndDrainsTheNewestBeforeReleasing() throws Exception {
        try (LocalProcessExecutor ex = new LocalProcessExecutor(
                drainingWorker(),
                List.of(new LocalProcessExecutor.Target(DECODE, SubType.DECODE, 1, 1)),
                Duration.ofSeconds(10),
                dir)) {
            ex.start();
            assertThat(ex.discover())
                    .singleElement()
                    .satisfies(o -> assertThat(o.runningReplicas()).isEqualTo(1));

            Done up = new Done();
            ex.apply(new ScaleCommand("d1", DECODE, SubType.DECODE, 1, 3, 1), up);
            assertThat(up.result.get(10, TimeUnit.SECONDS).readyReplicas()).isEqualTo(3);
            assertThat(ex.pids(DECODE)).hasSize(3);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Files.exists(dir.resolve("pool-decode-2.log"))
                            && Files.readString(dir.resolve("pool-decode-2.log"))
                                    .contains("local/pool/decode decode 2"));

            Done down = new Done();
            ex.apply(new ScaleCommand("d2", DECODE, SubType.DECODE, 3, 1, 1), down);
            Observation after = down.result.get(10, TimeUnit.SECONDS);
            // completion only after the drained workers finished
            assertThat(dir.resolve("drained-1")).exists();
            assertThat(dir.resolve("drained-2")).exists();
            assertThat(dir.resolve("drained-0")).doesNotExist();
            assertThat(after.runningReplicas()).isEqualTo(1);
            assertThat(after.specReplicas()).isEqualTo(1);
        }
        assertThat(dir.resolve("drained-0")).exists();
    }

    @Test
    void aCommandThatCannotStartFails() throws Exception {
        try (LocalProcessExecutor ex = new LocalProcessExecutor(
                (k, t, i) -> List.of(dir + "/no-such-program"),
                List.of(new LocalProcessExecutor.Target(DECODE, SubType.DECODE, 1, 0)),
                Duration.ofSeconds(1),
                null)) {
            ex.start();
            Done up = new Done();
            ex.apply(new ScaleCommand("d", DECODE, SubType.DECODE, 0, 1, 1), up);
            up.result.get(10, TimeUnit.SECONDS);
            assertThat(up.failure.get()).contains("no-such-program");
        }
    }

    @Test
    void aWorkerThatDiesIsReported() throws Exception {
        try (LocalProcessExecutor ex = new LocalProcessExecutor(
                (k, t, i) -> List.of("sh", "-c", "sleep 0.2; exit 3"),
                List.of(new LocalProcessExecutor.Target(DECODE, SubType.DECODE, 2, 1)),
                Duration.ofSeconds(1),
                dir)) {
            CompletableFuture<Observation> changed = new CompletableFuture<>();
            ex.watch(new ScaleExecutor.ChangeListener() {
                @Override
                public void changed(Observation now) {
                    changed.complete(now);
                }

                @Override
                public void removed(TargetKey target) {}
            });
            ex.start();
            Observation o = changed.get(10, TimeUnit.SECONDS);
            assertThat(o.runningReplicas()).isZero();
            assertThat(o.specReplicas()).isEqualTo(1);
        }
    }

    @Test
    void aKilledWorkerIsReportedThenReplaced() throws Exception {
        Path pids = dir.resolve("pids");
        List<Observation> changes = new CopyOnWriteArrayList<>();
        try (LocalProcessExecutor ex = new LocalProcessExecutor(
                drainingWorker(),
                List.of(new LocalProcessExecutor.Target(DECODE, SubType.DECODE, 1, 1)),
                Duration.ofSeconds(5),
                dir,
                pids,
                null)) {
            ex.watch(recording(changes));
            ex.start();
            long first = ex.pids(DECODE).getFirst();
            assertThat(new WorkerPidFiles(pids).read())
                    .singleElement()
                    .satisfies(r -> assertThat(r.pid()).isEqualTo(first));

            ProcessHandle.of(first).orElseThrow().destroyForcibly(); // kill -9
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ex.pids(DECODE).size() == 1
                            && ex.pids(DECODE).getFirst() != first
                            && ProcessHandle.of(ex.pids(DECODE).getFirst()).isPresent());
            // the loss was reported (nothing running, spec kept), then the replacement
            assertThat(changes).anySatisfy(o -> {
                assertThat(o.specReplicas()).isEqualTo(1);
                assertThat(o.runningReplicas()).isZero();
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> changes.getLast().readyReplicas() == 1);
            assertThat(ex.discover())
                    .singleElement()
                    .satisfies(o -> assertThat(o.runningReplicas()).isEqualTo(1));
            // the pid files follow: the dead worker's file is gone, the replacement's is there
            assertThat(new WorkerPidFiles(pids).read())
                    .singleElement()
                    .satisfies(
                            r -> assertThat(r.pid()).isEqualTo(ex.pids(DECODE).getFirst()));
        }
        assertThat(new WorkerPidFiles(pids).read()).isEmpty();
    }

    @Test
    void aRestartedExecutorAdoptsLiveWorkersAndReplacesDeadOnesInsteadOfStartingTheInitialReplicas() throws Exception {
        Path pids = dir.resolve("pids");
        WorkerPidFiles files = new WorkerPidFiles(pids);
        // what a GlobalPlanner killed with -9 leaves: two workers still serving (orphans) and one that died too
        Process a = new ProcessBuilder(drainingWorker().command(DECODE, SubType.DECODE, 4)).start();
        Process b = new ProcessBuilder(drainingWorker().command(DECODE, SubType.DECODE, 5)).start();
        Process gone = new ProcessBuilder("true").start();
        gone.waitFor();
        files.write(DECODE, "decode", 4, a.toHandle());
        files.write(DECODE, "decode", 5, b.toHandle());
        files.write(DECODE, "decode", 6, gone.toHandle());
        // and one of a target this configuration no longer has
        Process stray = new ProcessBuilder(drainingWorker().command(DECODE, SubType.DECODE, 9)).start();
        files.write(new TargetKey("local", "old", "decode"), "decode", 0, stray.toHandle());
        try (LocalProcessExecutor ex = new LocalProcessExecutor(
                drainingWorker(),
                List.of(new LocalProcessExecutor.Target(DECODE, SubType.DECODE, 1, 1)),
                Duration.ofSeconds(5),
                dir,
                pids,
                null)) {
            ex.start();
            // spec = the replicas the dead planner had running (3), not the configured initial 1 on top of them
            assertThat(ex.discover()).singleElement().satisfies(o -> {
                assertThat(o.specReplicas()).isEqualTo(3);
                assertThat(o.runningReplicas()).isEqualTo(3);
            });
            assertThat(ex.pids(DECODE)).hasSize(3).contains(a.pid(), b.pid());
            // only the dead one was started again, with a new index (logs are not overwritten)
            assertThat(dir.resolve("pool-decode-7.log")).exists();
            assertThat(dir.resolve("pool-decode-0.log")).doesNotExist();
            assertThat(stray.waitFor(5, TimeUnit.SECONDS))
                    .as("worker of an unknown target stopped")
                    .isTrue();

            // an adopted worker (not our child) that dies is noticed and replaced too
            a.destroyForcibly();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> ex.pids(DECODE).size() == 3 && !ex.pids(DECODE).contains(a.pid()));
        }
        assertThat(b.isAlive()).as("adopted workers are drained on close").isFalse();
        assertThat(files.read()).isEmpty();
    }

    @Test
    void theSweepStopsWorkersWhosePlannerIsGone() throws Exception {
        Path pids = dir.resolve("pids");
        Process orphan = new ProcessBuilder(drainingWorker().command(DECODE, SubType.DECODE, 0)).start();
        new WorkerPidFiles(pids).write(DECODE, "decode", 0, orphan.toHandle());
        assertThat(WorkerPidFiles.sweep(pids, Duration.ofSeconds(5))).containsExactly(orphan.pid() + " stopped");
        assertThat(orphan.isAlive()).isFalse();
        assertThat(new WorkerPidFiles(pids).read()).isEmpty();
    }

    private static ScaleExecutor.ChangeListener recording(List<Observation> into) {
        return new ScaleExecutor.ChangeListener() {
            @Override
            public void changed(Observation now) {
                into.add(now);
            }

            @Override
            public void removed(TargetKey target) {}
        };
    }

    @Test
    void templatesFillThePlaceholders() {
        LocalProcessExecutor.CommandLineFactory f = LocalProcessExecutor.template(List.of(
                "fleetplan",
                "up",
                "worker",
                "--pool",
                "{dgd}",
                "--ns",
                "{namespace}",
                "{component}",
                "{sub_type}",
                "{index}",
                "{pool}"));
        assertThat(f.command(DECODE, SubType.AGGREGATED, 4))
                .containsExactly(
                        "fleetplan",
                        "up",
                        "worker",
                        "--pool",
                        "pool",
                        "--ns",
                        "local",
                        "decode",
                        "agg",
                        "4",
                        "local/pool");
    }
}
