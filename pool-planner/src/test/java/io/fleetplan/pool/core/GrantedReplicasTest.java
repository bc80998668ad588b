package io.fleetplan.pool.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.pool.scaling.Replicas;
import java.util.List;
import org.junit.jupiter.api.Test;

class GrantedReplicasTest {

    @Test
    void aGrantNeverExceedsTheAskAndStaleOrEmptyErrorsChangeNothing() {
        GrantedReplicas g = new GrantedReplicas(new Replicas(1, 1));
        assertThat(g.absorb("PARTIAL", List.of(new GrantedReplicas.Grant(SubType.PREFILL, 3, 2))))
                .isEqualTo(new Replicas(2, 1));
        assertThat(g.absorb("GRANTED", List.of(new GrantedReplicas.Grant(SubType.DECODE, 2, 5))))
                .isEqualTo(new Replicas(2, 2));
        assertThat(g.absorb("GRANTED", List.of(new GrantedReplicas.Grant(SubType.DECODE, 0, 4))))
                .as("ask unknown")
                .isEqualTo(new Replicas(2, 4));
        assertThat(g.absorb("STALE", List.of(new GrantedReplicas.Grant(SubType.PREFILL, 9, 9))))
                .isEqualTo(new Replicas(2, 4));
        assertThat(g.absorb("ERROR", List.of())).isEqualTo(new Replicas(2, 4));
        assertThat(g.absorb("ERROR", List.of(new GrantedReplicas.Grant(SubType.PREFILL, 3, 1))))
                .as("the executor's truth")
                .isEqualTo(new Replicas(1, 4));
        assertThat(g.state().current()).isEqualTo(new Replicas(1, 4));
        assertThat(g.state().scalingInProgress()).isFalse();
    }

    @Test
    void answersMapToApplyStatuses() {
        assertThat(GrantedReplicas.applyStatus("GRANTED")).isEqualTo(ScalingConnector.Status.APPLIED);
        assertThat(GrantedReplicas.applyStatus("PARTIAL")).isEqualTo(ScalingConnector.Status.PARTIAL);
        assertThat(GrantedReplicas.applyStatus("REJECTED")).isEqualTo(ScalingConnector.Status.REJECTED);
        assertThat(GrantedReplicas.applyStatus("STALE")).isEqualTo(ScalingConnector.Status.REJECTED);
        assertThat(GrantedReplicas.applyStatus("INVALID")).isEqualTo(ScalingConnector.Status.FAILED);
    }

    @Test
    void pressureRisesLinearlyFromTheMinimumToTheAsk() {
        GrantedReplicas.Pressure p = GrantedReplicas.pressure(4, 2);
        assertThat(p.minReplicas()).isEqualTo(2);
        assertThat(p.candidateReplicas()).containsExactly(2, 3, 4);
        assertThat(p.valueAt()).containsExactly(0.5, 0.75, 1.0);
        assertThat(GrantedReplicas.pressure(0, 1).candidateReplicas()).isEmpty();
        assertThat(GrantedReplicas.pressure(0, 1).minReplicas()).isZero();
    }

    @Test
    void eachModeAsksForItsSubComponentsAtTheirSlotsPrefillFirst() {
        Replicas r = new Replicas(3, 5);
        assertThat(GrantedReplicas.asks(PoolMode.DISAGG, r, 1))
                .extracting(GrantedReplicas.ComponentAsk::subType, GrantedReplicas.ComponentAsk::desiredReplicas)
                .containsExactly(tuple(SubType.PREFILL, 3), tuple(SubType.DECODE, 5));
        assertThat(GrantedReplicas.asks(PoolMode.PREFILL, r, 1))
                .extracting(GrantedReplicas.ComponentAsk::subType, GrantedReplicas.ComponentAsk::desiredReplicas)
                .containsExactly(tuple(SubType.PREFILL, 3));
        assertThat(GrantedReplicas.asks(PoolMode.DECODE, r, 1))
                .extracting(GrantedReplicas.ComponentAsk::subType, GrantedReplicas.ComponentAsk::desiredReplicas)
                .containsExactly(tuple(SubType.DECODE, 5));
        assertThat(GrantedReplicas.asks(PoolMode.AGG, r, 1))
                .extracting(GrantedReplicas.ComponentAsk::subType, GrantedReplicas.ComponentAsk::desiredReplicas)
                .containsExactly(tuple(SubType.AGGREGATED, 5));
        assertThat(GrantedReplicas.asks(PoolMode.AGG, r, 2).get(0).pressure())
                .isEqualTo(GrantedReplicas.pressure(5, 2));
    }

    @Test
    void anAggregatedGrantCountsInTheDecodeSlotAndAnUntypedOneToo() {
        GrantedReplicas g = new GrantedReplicas(new Replicas(0, 1));
        assertThat(g.absorb("GRANTED", List.of(new GrantedReplicas.Grant(SubType.AGGREGATED, 3, 3))))
                .isEqualTo(new Replicas(0, 3));
        assertThat(g.absorb("GRANTED", List.of(new GrantedReplicas.Grant(null, 2, 2))))
                .isEqualTo(new Replicas(0, 2));
    }
}
