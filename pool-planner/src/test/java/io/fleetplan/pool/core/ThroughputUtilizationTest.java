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
        assertThat(p.tick(T0, new ReplicaState(new Replicas(1, 1), false))
                        .orElseThrow()
                        .recommended())
                .isEqualTo(new Replicas(3, 5));
    }

    @Test
    void halfUtilizationPlansTwiceTheEngines() {
        PoolPlanner p = planner(THROUGHPUT + "throughput_target_utilization: 0.5\n");
        p.observeTraffic(traffic(T0, 1800));
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(1, 1), false)).orElseThrow();
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
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(1, 1), false)).orElseThrow();
        assertThat(d.throughputReason()).isEqualTo(ThroughputReason.SET_LOWER_BOUND);
        assertThat(d.throughputFloor()).isEqualTo(new Replicas(6, 10));
    }

    @Test
    void outOfRangeIsRejected() {
        assertThatThrownBy(() -> config("throughput_target_utilization: 0\n"))
                .hasMessageContaining("throughput_target_utilization");
        assertThatThrownBy(() -> config("throughput_target_utilization: 1.5\n"))
                .hasMessageContaining("throughput_target_utilization");
    }

    @Test
    void lateFractionSizesPrefillAsAQueueAboveTheUtilization() {
        assertThat(config("{}").prefillLateFraction()).isZero();
        PoolPlanner p = planner(THROUGHPUT + "throughput_target_utilization: 0.5\nprefill_late_fraction: 0.01\n");
        p.observeTraffic(traffic(T0, 1800));
        PlannerDecision d =
                p.tick(T0, new ReplicaState(new Replicas(1, 1), false)).orElseThrow();
        // prefill: 10 req/s on engines of 10000 tok/s for 3000-token prompts (mu 3.33/s, 300 ms each), 200 ms of
        // waiting room under the 500 ms SLO (offered load 3 engines): 6 engines leave C(6, 3) x e^-(20-10)0.2 =
        // 0.099 x 0.135 = 1.3 % of the prompts late, 7 leave 0.26 % (the utilisation would give 6); decode keeps
        // the utilisation (10 at 0.5)
        assertThat(d.recommended()).isEqualTo(new Replicas(7, 10));
    }

    @Test
    void forecastHorizonCoversTheTrendOverTheStartUp() {
        String kalman = "optimization_target: sla\nload_predictor: kalman\nkalman_min_points: 1\nmax_gpu_budget: -1\n"
                + "throughput_adjustment_interval_seconds: 60\n";
        PoolPlanner next = planner(kalman);
        PoolPlanner ahead = planner(kalman + "forecast_horizon_seconds: 120\n");
        PlannerDecision dn = null;
        PlannerDecision da = null;
        for (int k = 0; k < 8; k++) {
            java.time.Instant at = T0.plusSeconds(60L * k);
            ReplicaState state = new ReplicaState(new Replicas(1, 1), false);
            next.observeTraffic(traffic(at, 600 + 180 * k));
            ahead.observeTraffic(traffic(at, 600 + 180 * k));
            dn = next.tick(at, state).orElseThrow();
            da = ahead.tick(at, state).orElseThrow();
        }
        // +1 req/s per interval: 120 s of start-up past the next interval is two more intervals of the trend
        assertThat(da.prediction().requestsPerSecond() - dn.prediction().requestsPerSecond())
                .isBetween(1.8, 2.2);
        assertThat(da.recommended().prefill())
                .isGreaterThanOrEqualTo(dn.recommended().prefill());
        assertThat(da.recommended().decode()).isGreaterThan(dn.recommended().decode());
    }

    @Test
    void newFieldsOutOfRangeAreRejected() {
        assertThatThrownBy(() -> config("prefill_late_fraction: 0.6\n")).hasMessageContaining("prefill_late_fraction");
        assertThatThrownBy(() -> config("forecast_horizon_seconds: -1\n"))
                .hasMessageContaining("forecast_horizon_seconds");
        assertThatThrownBy(() -> config("decode_context_window_seconds: -5\n"))
                .hasMessageContaining("decode_context_window_seconds");
        assertThat(config("{}").prefillWaitingRoomTarget()).isFalse();
        assertThat(config("{}").decodeContextWindowSeconds()).isZero();
    }
}
