package io.fleetplan.cli.up;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fleetplan.common.supervision.RestartBackoff;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.executor.WorkerPidFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes (POSIX sh) standing in for the stack's components. */
class SupervisorIT {

    private static final RestartBackoff.Policy FAST =
            new RestartBackoff.Policy(Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(30), 3);

    @TempDir
    Path dir;

    private static Component sh(String name, String script) {
        return new Component(name, Component.Role.ROUTER, List.of(script), Map.of(), null);
    }

    @Test
    void aKilledComponentIsRestartedWithALogLine() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (WallClockScheduler clock = new WallClockScheduler("test", 1);
                Supervisor s = new Supervisor(dir, List.of("sh", "-c"), Duration.ofSeconds(5))) {
            Supervisor.Running first = s.start(sh("router-decode", "echo serving; exec sleep 60"));
            s.superviseRestarts(FAST, clock, events::add);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Files.readString(first.log()).contains("serving"));

            first.process().destroyForcibly(); // kill -9
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> s.running().getFirst() != first
                            && s.running().getFirst().process().isAlive());
            assertThat(events)
                    .anySatisfy(e -> assertThat(e)
                            .contains("router-decode (pid " + first.process().pid() + ") exited with code 137")
                            .contains("restarting after"));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> events.stream().anyMatch(e -> e.contains("restarted router-decode")));
            // the restarted process appends to the same log
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> Files.readString(first.log())
                                    .lines()
                                    .filter("serving"::equals)
                                    .count()
                            == 2);
        }
    }

    @Test
    void repeatedFastCrashesAreGivenUpOnWithAClearMessage() throws Exception {
        List<String> events = new CopyOnWriteArrayList<>();
        try (WallClockScheduler clock = new WallClockScheduler("test", 1);
                Supervisor s = new Supervisor(dir, List.of("sh", "-c"), Duration.ofSeconds(5))) {
            s.start(sh("pool-planner-decode", "echo bad config; sleep 0.1; exit 2"));
            s.superviseRestarts(FAST, clock, events::add);
            await().atMost(Duration.ofSeconds(15)).until(() -> events.stream().anyMatch(e -> e.contains("giving up")));
            String last = events.getLast();
            assertThat(last)
                    .contains("pool-planner-decode")
                    .contains("exited with code 2")
                    .contains("4 crashes in a row")
                    .contains("bad config");
            assertThat(events.stream().filter(e -> e.startsWith("fleetplan up: restarted")))
                    .hasSize(3);
            Thread.sleep(500);
            assertThat(events.getLast()).isEqualTo(last); // no restart after giving up
        }
    }

    @Test
    void closeAlsoStopsWorkersWhoseGlobalPlannerDied() throws Exception {
        Path pids = dir.resolve("worker-pids");
        // a worker started by a GlobalPlanner that was killed: not a descendant of anything the supervisor runs
        Process orphan = new ProcessBuilder("sh", "-c", "exec sleep 60").start();
        new WorkerPidFiles(pids).write(new TargetKey("ns", "decode", "decode"), "decode", 0, orphan.toHandle());
        Supervisor s = new Supervisor(dir, List.of("sh", "-c"), Duration.ofSeconds(5));
        s.sweepOnClose(pids);
        s.start(sh("global-planner", "exec sleep 60"));
        s.close();
        assertThat(orphan.isAlive()).isFalse();
        assertThat(new WorkerPidFiles(pids).read()).isEmpty();
    }
}
