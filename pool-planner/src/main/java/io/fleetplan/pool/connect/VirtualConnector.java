package io.fleetplan.pool.connect;

import io.fleetplan.pool.core.PlannerDecision;
import io.fleetplan.pool.core.ReplicaState;
import io.fleetplan.pool.core.ScalingConnector;
import io.fleetplan.pool.scaling.Replicas;

/**
 * Dynamo's virtual connector: scales nothing itself. It records the desired replicas for an external
 * environment (the simulator) to read with {@link #desired()}, which reports back with {@link #reportReady}
 * once the replicas run. Until then the planner sees scaling in progress. Single-threaded, like its driver.
 */
public final class VirtualConnector implements ScalingConnector {

    private Replicas desired;
    private Replicas ready;
    private long decisions;

    public VirtualConnector(Replicas initial) {
        this.desired = initial;
        this.ready = initial;
    }

    @Override
    public ReplicaState state() {
        return new ReplicaState(desired, !desired.equals(ready));
    }

    @Override
    public ApplyResult apply(PlannerDecision decision) {
        if (decision.recommended().equals(desired)) {
            return new ApplyResult(Status.NO_CHANGE, desired, "unchanged");
        }
        desired = decision.recommended();
        decisions++;
        return new ApplyResult(Status.APPLIED, desired, "scaling decision " + decisions + " recorded");
    }

    /** The replicas the planner wants the environment to run. */
    public Replicas desired() {
        return desired;
    }

    /** The environment reports the replicas that are running and ready. */
    public void reportReady(Replicas running) {
        this.ready = running;
    }

    public long decisionCount() {
        return decisions;
    }

    @Override
    public String name() {
        return "virtual";
    }
}
