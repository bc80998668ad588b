package io.fleetplan.pool.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.scaling.GpuBudget;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ScalingConnector} promises the {@link PlannerLoop}, checked once for each implementation (as
 * flink's autoscaler checks every state store against one abstract test): it reports the replicas the pool has; a
 * request never comes back with more than was asked for on the way up, nor fewer on the way down; the replicas an
 * answer reports are the state the next tick reads. The loop only calls {@code apply} for decisions that change
 * something. Connectors that can refuse also pass {@link RefusingScalingConnectorContract}. Published in
 * pool-planner's test-jar: sim runs its own connectors through it too.
 */
public abstract class ScalingConnectorContract {

    private static final Set<ScalingConnector.Status> ANSWERS = EnumSet.of(
            ScalingConnector.Status.APPLIED,
            ScalingConnector.Status.PARTIAL,
            ScalingConnector.Status.REJECTED,
            ScalingConnector.Status.ADVISORY,
            ScalingConnector.Status.FAILED);

    /** A connector for a pool in {@link #mode()} that runs at least one replica of each component it scales. */
    protected abstract ScalingConnector connector() throws Exception;

    /** Which components the connector scales (a replayed pool is one); the other count is left as it is. */
    protected PoolMode mode() {
        return PoolMode.DISAGG;
    }

    /** {@code from} with each component this mode scales changed by its delta, to at least 1. */
    protected final Replicas changed(Replicas from, int prefillDelta, int decodeDelta) {
        return new Replicas(
                mode().scalesPrefill() ? Math.max(1, from.prefill() + prefillDelta) : from.prefill(),
                mode().scalesDecode() ? Math.max(1, from.decode() + decodeDelta) : from.decode());
    }

    protected static PlannerDecision decision(Replicas current, Replicas wanted) {
        return new PlannerDecision(
                1,
                Instant.EPOCH,
                current,
                wanted,
                Replicas.ZERO,
                Action.SCALE_UP,
                ThroughputReason.SCALE,
                LoadReason.DISABLED,
                LoadReason.DISABLED,
                GpuBudget.Outcome.WITHIN_BUDGET,
                PlannerDecision.Prediction.NONE,
                PlannerDecision.Estimates.NONE);
    }

    @Test
    void reportsWhatThePoolHasAndIsNamed() throws Exception {
        ScalingConnector c = connector();
        Replicas now = c.state().current();
        if (mode().scalesPrefill()) {
            assertThat(now.prefill()).isPositive();
        }
        if (mode().scalesDecode()) {
            assertThat(now.decode()).isPositive();
        }
        assertThat(c.state().current()).as("reading the state changes nothing").isEqualTo(now);
        assertThat(c.name()).isNotBlank();
    }

    @Test
    void aScaleUpNeverReportsMoreThanAskedAndTheStateFollowsTheAnswer() throws Exception {
        ScalingConnector c = connector();
        Replicas before = c.state().current();
        Replicas asked = changed(before, 2, 1);
        ScalingConnector.ApplyResult r = c.apply(decision(before, asked));
        assertThat(r.status()).isIn(ANSWERS);
        assertThat(r.replicas().prefill()).isBetween(before.prefill(), asked.prefill());
        assertThat(r.replicas().decode()).isBetween(before.decode(), asked.decode());
        assertThat(c.state().current()).as("what the next tick reads").isEqualTo(r.replicas());
        assertThat(r.message()).isNotNull();
    }

    @Test
    void aScaleDownNeverReportsFewerThanAskedAndTheStateFollowsTheAnswer() throws Exception {
        ScalingConnector c = connector();
        Replicas start = c.state().current();
        Replicas up = c.apply(decision(start, changed(start, 2, 2))).replicas();
        Replicas asked = changed(up, -1, -1);
        ScalingConnector.ApplyResult r = c.apply(decision(up, asked));
        assertThat(r.status()).isIn(ANSWERS);
        assertThat(r.replicas().prefill()).isBetween(asked.prefill(), up.prefill());
        assertThat(r.replicas().decode()).isBetween(asked.decode(), up.decode());
        assertThat(c.state().current()).isEqualTo(r.replicas());
    }
}
