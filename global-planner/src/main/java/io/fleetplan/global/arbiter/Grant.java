package io.fleetplan.global.arbiter;

import io.fleetplan.common.pool.SubType;

/**
 * What one target may run after a decision.
 *
 * @param desiredReplicas what the pool asked (for pushes: its latest ask)
 * @param grantedReplicas what the arbiter committed to
 * @param currentReplicas committed replicas before the decision
 */
public record Grant(
        TargetKey target,
        SubType subType,
        int desiredReplicas,
        int grantedReplicas,
        int currentReplicas,
        int gpusPerReplica) {}
