package io.fleetplan.global.arbiter;

import io.fleetplan.common.pool.SubType;

/**
 * What an executor sees of one target.
 *
 * @param specReplicas        the replica count written (DGDSA spec.replicas)
 * @param runningReplicas     replicas that still hold GPUs (created, starting, serving or terminating); an executor
 *                            that cannot tell reports spec. A scale-down is released from the budget only when this
 *                            drops.
 * @param readyReplicas       replicas serving
 * @param terminatingReplicas replicas among the running ones on their way out (terminating pods, draining workers)
 */
public record Observation(
        TargetKey target,
        SubType subType,
        int specReplicas,
        int runningReplicas,
        int readyReplicas,
        int gpusPerReplica,
        int terminatingReplicas) {

    /**
     * For an executor that does not see terminations itself: replicas running above the written spec are taken
     * to be on their way out (a scale-down marks the excess for removal when it is written).
     */
    public Observation(
            TargetKey target,
            SubType subType,
            int specReplicas,
            int runningReplicas,
            int readyReplicas,
            int gpusPerReplica) {
        this(
                target,
                subType,
                specReplicas,
                runningReplicas,
                readyReplicas,
                gpusPerReplica,
                Math.max(0, runningReplicas - specReplicas));
    }

    /** A target at rest: everything at {@code replicas}. */
    public static Observation steady(TargetKey target, SubType subType, int replicas, int gpusPerReplica) {
        return new Observation(target, subType, replicas, replicas, replicas, gpusPerReplica, 0);
    }
}
