package io.fleetplan.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.sim.replay.ReplayTest;
import org.junit.jupiter.api.Test;

class OracleTest {

    @Test
    void fillShortDips_keepsReplicasThroughDipsNoLongerThanTheStartupDelay() {
        // 60 s start-up, 60 s windows: a one-window dip costs its re-start, so the oracle keeps the replicas
        int[][] r = {{3, 1}, {1, 1}, {3, 1}, {2, 1}, {2, 1}, {1, 1}, {4, 1}};
        assertThat(Oracle.fillShortDips(ReplayTest.stack(), r, 60)).isTrue();
        assertThat(r).isDeepEqualTo(new int[][] {{3, 1}, {3, 1}, {3, 1}, {2, 1}, {2, 1}, {2, 1}, {4, 1}});
        assertThat(Oracle.fillShortDips(ReplayTest.stack(), r, 60)).isFalse();
    }

    @Test
    void fillShortDips_staysWithinTheBudget() {
        int[][] r = {{4, 2}, {1, 3}, {4, 2}};
        Oracle.fillShortDips(ReplayTest.stack(), r, 60); // 6 GPUs: prefill can only come back to 3 beside 3 decode
        assertThat(r[1]).containsExactly(3, 3);
    }

    @Test
    void fillShortDips_leavesDipsLongerThanTheStartupDelay() {
        StackConfig quick = ConfigLoader.parse("""
                budget: {max_total_gpus: 6}
                worker_startup_seconds: 30
                pools:
                  - {name: prefill, mode: prefill, min_replicas: 1, max_replicas: 4}
                  - {name: decode, mode: decode, min_replicas: 1, max_replicas: 4}
                """, "quick start-up", StackConfig.class);
        int[][] r = {{3, 1}, {1, 1}, {3, 1}};
        assertThat(Oracle.fillShortDips(quick, r, 60)).isFalse();
        assertThat(r[1]).containsExactly(1, 1);
    }
}
