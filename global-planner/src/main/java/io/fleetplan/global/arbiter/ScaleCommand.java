package io.fleetplan.global.arbiter;

import io.fleetplan.common.pool.SubType;

/** What the executor must do for a decision: set {@code target} to {@code toReplicas}. */
public record ScaleCommand(
        String decisionId, TargetKey target, SubType subType, int fromReplicas, int toReplicas, int gpusPerReplica) {

    public boolean scaleDown() {
        return toReplicas < fromReplicas;
    }
}
