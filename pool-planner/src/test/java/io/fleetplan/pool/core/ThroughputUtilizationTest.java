package io.fleetplan.pool.core;

import static io.fleetplan.pool.core.PoolPlannerTest.T0;
import static io.fleetplan.pool.core.PoolPlannerTest.config;
import static io.fleetplan.pool.core.PoolPlannerTest.planner;
import static io.fleetplan.pool.core.PoolPlannerTest.traffic;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import org.junit.jupiter.api.Test;

/** throughput_target_utilization: the throughput loop plans engines at a share of their capacity. */
class ThroughputUtilizationTest {

    private static final String THROUGHPUT = "optimization_target: sla\nload_predictor: constant\nmax_gpu_budget: -1\n";

    @Test
    void defaultIsDynamosFullCapacity() {
        assertThat(config("{}").throughputTargetUtilization()).isEqualTo(1.0);
        PoolPlanner p = planner(THROUGHPUT);
        p.observeTraffic(traffic(T0, 1800));
        // 10 req/s: 3 prefill (10000 tok/s each) and 5 decode (300 tok/s each), as in PoolPlannerTest
        assertThat(p.tick(T0, new ReplicaState(new Replicas(1, 1), false)).orElseThrow().recommended())
                .isEqualTo(new Replicas(3, 5));
    }

    @Test
    void halfUtilizationPlansTwiceTheEngines() {
        PoolPlanner p = planner(THROUGHPUT + "throughput_target_utilization: 0.5\n");
        p.observeTraffic(traffic(T0, 1800));
        PlannerDecision d = p.tick(T0, new ReplicaState(new Replicas(1, 1), false)).orElseThrow();
        assertThat(d.throughputReason()).isEqualTo(ThroughputReason.SCALE);
        assertThat(d.recommended()).isEqualTo(new Replicas(6, 10));
        // the reported forecast stays the traffic the planner expects, not the headroom it plans for
        assertThat(d.prediction().requestsPerSecond()).isEqualTo(10.0);
    }

    @Test
    void withTheLoadLoopItRaisesTheFloor() {
        PoolPlanner p = planner("optimization_target: sla\nload_predictor: constant\nmax_gpu_budget: -1\n"
                + "enable_load_scaling: true\nthroughput_target_utilization: 0.5\n");
        p.observeTraffic(traffic(T0, 1800));
        PlannerDecision d = p.tick(T0, new ReplicaState(new Replicas(1, 1), false)).orElseThrow();
        assertThat(d.throughputReason()).isEqualTo(ThroughputReason.SET_LOWER_BOUND);
        assertThat(d.throughputFloor()).isEqualTo(new Replicas(6, 10));
    }

    @Test
    void outOfRangeIsRejected() {
        assertThatThrownBy(() -> config("throughput_target_utilization: 0\n")).hasMessageContaining(
                "throughput_target_utilization");
        assertThatThrownBy(() -> config("throughput_target_utilization: 1.5\n")).hasMessageContaining(
                "throughput_target_utilization");
    }
}
