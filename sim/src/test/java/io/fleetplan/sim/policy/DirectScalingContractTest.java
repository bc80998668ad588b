package io.fleetplan.sim.policy;

import static org.assertj.core.api.Assertions.assertThat;

import io.fleetplan.common.pool.PoolMode;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.core.ScalingConnectorContract;
import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.PolicyContexts;
import io.fleetplan.sim.replay.ReplayTest;

/** The Dynamo baselines' connector, straight to a replayed prefill pool, keeps the live connectors' contract. */
class DirectScalingContractTest extends ScalingConnectorContract {

    @Override
    protected ScalingConnector connector() {
        PolicyContext ctx = PolicyContexts.atStart(ReplayTest.stack(), false);
        ScalingConnector c = PlannerPolicy.dynamoLoad().connector(ctx.cluster().pool("prefill"), ctx);
        assertThat(c).isInstanceOf(DirectScaling.class);
        return c;
    }

    @Override
    protected PoolMode mode() {
        return PoolMode.PREFILL;
    }
}
