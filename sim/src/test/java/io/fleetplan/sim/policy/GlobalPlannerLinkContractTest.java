package io.fleetplan.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.config.ConfigLoader;
import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.common.stack.StackConfig;
import io.fleetplan.pool.core.RefusingScalingConnectorContract;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.PolicyContexts;

/**
 * fleetplan's connector in a replay, to a decode pool through the replay's GlobalPlanner, keeps the live
 * connectors' contract; the prefill pool taking the rest of the budget makes it refuse.
 */
class GlobalPlannerLinkContractTest extends RefusingScalingConnectorContract {

    private static final StackConfig STACK = ConfigLoader.parse("""
            budget: {max_total_gpus: 4}
            pools:
              - {name: prefill, mode: prefill, min_replicas: 1, max_replicas: 8}
              - {name: decode, mode: decode, min_replicas: 1, max_replicas: 8}
            """, "contract stack", StackConfig.class);

    private PolicyContext ctx;

    @Override
    protected ScalingConnector connector() {
        ctx = PolicyContexts.atStart(STACK, true);
        ScalingConnector c =
                PlannerPolicy.fleetplanDefault().connector(ctx.cluster().pool("decode"), ctx);
        assertThat(c).isInstanceOf(GlobalPlannerLink.class);
        return c;
    }

    @Override
    protected PoolMode mode() {
        return PoolMode.DECODE;
    }

    @Override
    protected void refuseNext() {
        ctx.scaleTo(ctx.cluster().pool("prefill"), 3); // 3 prefill + 1 decode GPUs: the budget is spent
    }
}
