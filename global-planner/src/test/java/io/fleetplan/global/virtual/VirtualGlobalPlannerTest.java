package io.fleetplan.global.virtual;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.global.arbiter.ArbiterSettings;
import io.fleetplan.global.arbiter.Ask;
import io.fleetplan.global.arbiter.Decision;
import io.fleetplan.global.arbiter.Observation;
import io.fleetplan.global.arbiter.Proposal;
import io.fleetplan.global.arbiter.ScaleCommand;
import io.fleetplan.global.arbiter.Status;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.executor.ScaleExecutor;
import io.fleetplan.global.executor.VirtualExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class VirtualGlobalPlannerTest {

    @Test
    void aTransferHappensInVirtualTime() {
        VirtualScheduler time = new VirtualScheduler();
        VirtualGlobalPlanner gp = new VirtualGlobalPlanner(
                ArbiterSettings.ofBudget(4, -1), time, Duration.ofSeconds(60), Duration.ofSeconds(30));
        TargetKey a = new TargetKey("sim", "a", "decode");
        TargetKey b = new TargetKey("sim", "b", "decode");
        gp.addTarget(a, SubType.DECODE, 3, 1);
        gp.addTarget(b, SubType.DECODE, 1, 1);
        List<Decision> pushes = new ArrayList<>();
        gp.onPush(pushes::add);

        Decision wait = gp.propose(
                new Proposal("b1", "", 1, "b", "sim", "b", 0, false, List.of(Ask.of(SubType.DECODE, "", 3))));
        assertThat(wait.status()).isEqualTo(Status.REJECTED);
        gp.propose(new Proposal("a1", "", 1, "a", "sim", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 1))));
        time.advanceBy(Duration.ofSeconds(29));
        assertThat(gp.running(a)).isEqualTo(3);
        assertThat(pushes).isEmpty();
        time.advanceBy(Duration.ofSeconds(1));
        assertThat(gp.running(a)).isEqualTo(1);
        assertThat(pushes).singleElement().satisfies(d -> assertThat(d.poolId()).isEqualTo("sim/b"));
        time.advanceBy(Duration.ofSeconds(60));
        assertThat(gp.running(b)).isEqualTo(3);
        assertThat(gp.budget().committedGpus()).isEqualTo(4);
        assertThat(((VirtualExecutor) gp.executor()).gpusInUse()).isEqualTo(4);
    }

    /** A simulator's own targets: writes take effect at once, replicas leave when the simulator says so. */
    static final class OwnTargets implements ScaleExecutor {
        final Map<TargetKey, int[]> specAndRunning = new TreeMap<>();
        ChangeListener listener;

        Observation observe(TargetKey k) {
            int[] t = specAndRunning.get(k);
            return new Observation(k, SubType.DECODE, t[0], t[1], Math.min(t[0], t[1]), 1);
        }

        @Override
        public List<Observation> discover() {
            return specAndRunning.keySet().stream().map(this::observe).toList();
        }

        @Override
        public void apply(ScaleCommand c, Listener l) {
            int[] t = specAndRunning.get(c.target());
            t[0] = c.toReplicas();
            t[1] = Math.max(t[1], t[0]); // a scale-down's replicas drain; they leave later
            l.completed(c, observe(c.target()));
        }

        @Override
        public void watch(ChangeListener l) {
            listener = l;
        }

        void drained(TargetKey k) {
            int[] t = specAndRunning.get(k);
            t[1] = t[0];
            listener.changed(observe(k));
        }
    }

    @Test
    void theCallersExecutorIsTheTargetAndItsDrainsFreeTheBudget() {
        VirtualScheduler time = new VirtualScheduler();
        OwnTargets pools = new OwnTargets();
        TargetKey a = new TargetKey("sim", "a", "decode");
        TargetKey b = new TargetKey("sim", "b", "decode");
        pools.specAndRunning.put(a, new int[] {3, 3});
        pools.specAndRunning.put(b, new int[] {1, 1});
        VirtualGlobalPlanner gp = new VirtualGlobalPlanner(ArbiterSettings.ofBudget(4, -1), time.clock(), pools);
        gp.restore();
        List<Decision> pushes = new ArrayList<>();
        gp.onPush(pushes::add);

        assertThat(gp.propose(new Proposal(
                                "b1", "", 1, "b", "sim", "b", 0, false, List.of(Ask.of(SubType.DECODE, "", 3))))
                        .status())
                .isEqualTo(Status.REJECTED);
        assertThat(gp.propose(new Proposal(
                                "a1", "", 1, "a", "sim", "a", 0, false, List.of(Ask.of(SubType.DECODE, "", 1))))
                        .status())
                .isEqualTo(Status.GRANTED);
        assertThat(pools.specAndRunning.get(a)).containsExactly(1, 3);
        assertThat(pushes)
                .as("a's GPUs are held until its workers have drained")
                .isEmpty();
        assertThat(gp.running(a)).isEqualTo(3);

        pools.drained(a);
        assertThat(pushes).singleElement().satisfies(d -> {
            assertThat(d.poolId()).isEqualTo("sim/b");
            assertThat(d.grants())
                    .singleElement()
                    .satisfies(g -> assertThat(g.grantedReplicas()).isEqualTo(3));
        });
        assertThat(pools.specAndRunning.get(b)).containsExactly(3, 3);
        assertThat(gp.budget().committedGpus()).isEqualTo(4);
    }
}
