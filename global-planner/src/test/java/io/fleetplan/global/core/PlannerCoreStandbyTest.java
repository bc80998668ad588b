package io.fleetplan.global.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.WallClockScheduler;
import io.fleetplan.global.arbiter.ArbiterSettings;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.executor.ScaleExecutor;
import io.fleetplan.global.service.AuditLog;
import io.fleetplan.global.service.PlannerMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * A GlobalPlanner replica that is not leading follows the cluster but writes nothing: a spec pushed over the budget
 * by hand is scaled back by the leader only, never by the standby as well.
 */
class PlannerCoreStandbyTest {

    static final TargetKey DECODE = new TargetKey("fleetplan", "pool-a", "decode");

    /** Sees one target; records what it is asked to apply and never completes it. */
    static final class RecordingExecutor implements ScaleExecutor {
        final List<ScaleCommand> applied = new CopyOnWriteArrayList<>();
        volatile ChangeListener listener;
        volatile Observation current = Observation.steady(DECODE, SubType.DECODE, 2, 1);

        @Override
        public List<Observation> discover() {
            return List.of(current);
        }

        @Override
        public void apply(ScaleCommand command, Listener l) {
            applied.add(command);
        }

        @Override
        public void watch(ChangeListener l) {
            listener = l;
        }
    }

    @Test
    void onlyTheLeaderScalesBackASpecWrittenOverTheBudget() throws Exception {
        RecordingExecutor executor = new RecordingExecutor();
        try (WallClockScheduler scheduler = new WallClockScheduler("standby-test", 1);
                PlannerCore core = new PlannerCore(
                        ArbiterSettings.ofBudget(4, -1),
                        executor,
                        scheduler,
                        AuditLog.none(),
                        new PlannerMetrics(),
                        Duration.ofSeconds(5),
                        "s")) {
            // standby: never rebuilt. Someone writes 6 decode replicas (6 GPUs > max 4) and the watch reports it.
            executor.current = Observation.steady(DECODE, SubType.DECODE, 6, 1);
            executor.listener.changed(executor.current);
            core.state().get(); // the arbiter has handled the change
            assertThat(executor.applied).as("a standby scales nothing").isEmpty();

            // becoming leader: the rebuilt ledger is over the ceiling and is scaled back, by this replica now
            core.rebuild().get();
            core.state().get();
            assertThat(executor.applied)
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat(c.toReplicas()).isLessThanOrEqualTo(4));

            // stepping down stops it again
            executor.applied.clear();
            core.stepDown("test");
            executor.listener.changed(Observation.steady(DECODE, SubType.DECODE, 7, 1));
            core.state().get();
            assertThat(executor.applied).isEmpty();
        }
    }
}
