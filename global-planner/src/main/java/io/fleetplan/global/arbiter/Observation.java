package io.fleetplan.global.arbiter;

/**
 * What an executor sees of one target.
 *
 * @param specReplicas    the replica count written (DGDSA spec.replicas)
 * @param runningReplicas replicas that still hold GPUs (created, starting or terminating); an executor that cannot
 *                        tell reports spec. A scale-down is released from the budget only when this drops.
 * @param readyReplicas   replicas serving
 */
public record Observation(TargetKey target, SubType subType, int specReplicas, int runningReplicas, int readyReplicas,
                          int gpusPerReplica) {

    /** A target at rest: everything at {@code replicas}. */
    public static Observation steady(TargetKey target, SubType subType, int replicas, int gpusPerReplica) {
        return new Observation(target, subType, replicas, replicas, replicas, gpusPerReplica);
    }
}
