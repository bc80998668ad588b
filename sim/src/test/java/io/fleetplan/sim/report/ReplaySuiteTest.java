package io.fleetplan.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.policy.StaticPolicy;
import io.fleetplan.sim.replay.PolicyRun;
import io.fleetplan.sim.replay.Replay;
import io.fleetplan.sim.trace.SyntheticTraces;
import io.fleetplan.sim.trace.Trace;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class ReplaySuiteTest {

    @Test
    void meetsTarget_attainmentWithinAPointAndCostWithin115PercentUnlessClearlyAbove() {
        assertThat(ReplaySuite.meetsTarget(0.985, 1.10, 0.99, 1.0)).isTrue();
        assertThat(ReplaySuite.meetsTarget(0.975, 1.00, 0.99, 1.0))
                .as("2 points below")
                .isFalse();
        assertThat(ReplaySuite.meetsTarget(0.99, 1.20, 0.99, 1.0))
                .as("1.2x at equal attainment")
                .isFalse();
        assertThat(ReplaySuite.meetsTarget(0.85, 1.60, 0.80, 1.0))
                .as("5 points above may cost more")
                .isTrue();
    }

    @Test
    void withBudget_raisesPoolLimitsToWhatTheBudgetLeaves() {
        StackConfig s = ConfigLoader.parse("""
                budget: {max_total_gpus: 8}
                pools:
                  - {name: prefill, mode: prefill, min_replicas: 1, max_replicas: 7}
                  - {name: decode, mode: decode, min_replicas: 2, max_replicas: 6, gpus_per_replica: 2}
                """, "t", StackConfig.class);
        StackConfig loose = ReplaySuite.withBudget(s, 24);
        assertThat(loose.budget().maxTotalGpus()).isEqualTo(24);
        assertThat(loose.pools().get(0).maxReplicas()).isEqualTo(20); // 24 - decode's 2 x 2
        assertThat(loose.pools().get(1).maxReplicas()).isEqualTo(11); // (24 - 1) / 2
        assertThat(loose.pools().get(1).minReplicas()).isEqualTo(2);
    }

    @Test
    void requestClasses_countEveryRequestOnceAndSplitMissesByKind() {
        Trace t = SyntheticTraces.generate("phased:rate=2,duration=180", 3);
        StackConfig s = ConfigLoader.parse("""
                budget: {max_total_gpus: 4}
                pools:
                  - {name: prefill, mode: prefill, min_replicas: 1, max_replicas: 2}
                  - {name: decode, mode: decode, min_replicas: 1, max_replicas: 2}
                """, "t", StackConfig.class);
        PolicyRun run = Replay.run(t, s, new StaticPolicy("s", "s", new int[] {1, 1}), Replay.Settings.DEFAULTS, null);
        var classes = RequestClasses.of(t, run.requests(), 500, 50);
        assertThat(classes).extracting(RequestClasses.Figures::name).containsExactly("isl2k-8k", "isl>=8k", "osl>=2k");
        assertThat(classes.stream().mapToInt(RequestClasses.Figures::requests).sum())
                .isEqualTo(t.requests().size());
        PolicySummary all = PolicySummary.of(run, 500, 50);
        double good =
                classes.stream().mapToDouble(c -> c.attainment() * c.requests()).sum();
        assertThat(good / t.requests().size()).isCloseTo(all.sloAttainment(), Offset.offset(1e-9));
        for (RequestClasses.Figures c : classes) {
            assertThat(c.ttftMisses() + c.itlMisses() + c.failed())
                    .isEqualTo(c.requests() - (int) Math.round(c.attainment() * c.requests()));
        }
    }
}
