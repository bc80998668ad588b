package io.fleetplan.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.common.pool.SubType;
import io.fleetplan.common.time.VirtualScheduler;
import io.fleetplan.global.arbiter.ArbiterSettings;
import io.fleetplan.global.arbiter.TargetKey;
import io.fleetplan.global.virtual.VirtualGlobalPlanner;
import io.fleetplan.pool.core.Action;
import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.scaling.GpuBudget;
import io.fleetplan.pool.scaling.LoadReason;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.pool.scaling.ThroughputReason;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The replay's connector counts what the GlobalPlanner granted, as the live one does, pushes included. */
class GlobalPlannerLinkTest {

    private static PlannerDecision decision(Replicas current, Replicas wanted) {
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
    void aPartialGrantIsWhatThePoolHasAndAPushLaterRaisesIt() {
        VirtualScheduler time = new VirtualScheduler();
        VirtualGlobalPlanner gp = new VirtualGlobalPlanner(
                ArbiterSettings.ofBudget(4, -1), time, Duration.ofSeconds(60), Duration.ofSeconds(30));
        gp.addTarget(new TargetKey("replay", "prefill", "prefill"), SubType.PREFILL, 3, 1);
        gp.addTarget(new TargetKey("replay", "decode", "decode"), SubType.DECODE, 1, 1);
        GlobalPlannerLink prefill = new GlobalPlannerLink(
                gp,
                "prefill",
                "replay",
                "prefill",
                "prefill",
                PoolMode.PREFILL,
                0,
                1,
                new Replicas(3, 0),
                time.clock());
        GlobalPlannerLink decode = new GlobalPlannerLink(
                gp, "decode", "replay", "decode", "decode", PoolMode.DECODE, 0, 1, new Replicas(0, 1), time.clock());

        ScalingConnector.ApplyResult up = decode.apply(decision(new Replicas(0, 1), new Replicas(0, 3)));
        assertThat(up.status()).isEqualTo(ScalingConnector.Status.REJECTED);
        assertThat(decode.state().current()).isEqualTo(new Replicas(0, 1));
        assertThat(decode.state().scalingInProgress())
                .as("the live connector never reports settling")
                .isFalse();

        assertThat(prefill.apply(decision(new Replicas(3, 0), new Replicas(1, 0)))
                        .status())
                .isEqualTo(ScalingConnector.Status.APPLIED);
        assertThat(prefill.state().current()).isEqualTo(new Replicas(1, 0));
        time.advanceBy(Duration.ofSeconds(30)); // prefill's replicas are gone: the GPUs go to decode's waiting ask
        assertThat(decode.state().current()).isEqualTo(new Replicas(0, 3));
    }
}
