package io.fleetplan.pool.connect;

import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ReplicaState;
import io.fleetplan.pool.core.ScalingConnector;

/** {@code advisory: true}: reads the real state, computes and reports, never acts. */
public final class AdvisoryConnector implements ScalingConnector {

    private final ScalingConnector observed;

    public AdvisoryConnector(ScalingConnector observed) {
        this.observed = observed;
    }

    @Override
    public ReplicaState state() {
        return observed.state();
    }

    @Override
    public ApplyResult apply(PlannerDecision decision) {
        return new ApplyResult(Status.ADVISORY, decision.current(), "advisory: would set " + decision.recommended());
    }

    @Override
    public String name() {
        return "advisory(" + observed.name() + ")";
    }
}
