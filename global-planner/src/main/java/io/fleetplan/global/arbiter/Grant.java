package io.fleetplan.global.arbiter;

/**
 * What one target may run after a decision.
 *
 * @param desiredReplicas what the pool asked (for pushes: its latest ask)
 * @param grantedReplicas what the arbiter committed to
 * @param currentReplicas committed replicas before the decision
 */
public record Grant(TargetKey target, SubType subType, int desiredReplicas, int grantedReplicas, int currentReplicas,
                    int gpusPerReplica) {
}
