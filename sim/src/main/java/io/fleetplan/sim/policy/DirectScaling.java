package io.fleetplan.sim.policy;

import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ReplicaState;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.scaling.Replicas;
import io.fleetplan.sim.replay.PolicyContext;
import io.fleetplan.sim.replay.SimPool;

/**
 * A pool planner's connector straight to its replayed pool, with no GlobalPlanner (the Dynamo baselines: Dynamo
 * has no cross-pool arbiter). It reports what the {@code kubernetes} and {@code virtual} connectors report: the
 * pool's scale target, settling until every replica of it is ready.
 */
final class DirectScaling implements ScalingConnector {

    private final PolicyContext ctx;
    private final SimPool pool;
    private final boolean prefill;

    DirectScaling(PolicyContext ctx, SimPool pool) {
        this.ctx = ctx;
        this.pool = pool;
        this.prefill = pool.subType().prefillSlot();
    }

    @Override
    public ReplicaState state() {
        return new ReplicaState(replicas(pool.target()), pool.target() != pool.ready());
    }

    @Override
    public ApplyResult apply(PlannerDecision decision) {
        int wanted = prefill
                ? decision.recommended().prefill()
                : decision.recommended().decode();
        int before = pool.target();
        int now = ctx.scaleTo(pool, wanted);
        Status s = now == wanted ? Status.APPLIED : now == before ? Status.REJECTED : Status.PARTIAL;
        return new ApplyResult(s, replicas(now), "scaled to " + now + " of " + wanted);
    }

    private Replicas replicas(int n) {
        return prefill ? new Replicas(n, 0) : new Replicas(0, n);
    }

    @Override
    public String name() {
        return "replay";
    }
}
