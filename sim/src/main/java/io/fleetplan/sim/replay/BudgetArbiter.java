package io.fleetplan.sim.replay;

/**
 * Decides how much of a scale-up fits the shared GPU budget (the GlobalPlanner's role in replay).
 * Implementations are pure: they read the cluster's held GPUs and return a grant.
 */
@FunctionalInterface
public interface BudgetArbiter {

    /** @return replicas granted to {@code pool}, between its current target and {@code wanted} */
    int grant(SimPool pool, int wanted, Cluster cluster);

    /**
     * Grants what fits beside the GPUs every worker holds now (draining and starting ones included), so the
     * physical GPU count never exceeds the budget: a partial grant rather than Dynamo's all-or-nothing.
     */
    BudgetArbiter HEADROOM = (pool, wanted, cluster) -> {
        int budget = cluster.budget();
        if (budget < 0 || pool.gpusPerReplica() == 0) {
            return wanted;
        }
        int free = Math.max(0, budget - cluster.heldGpus());
        return Math.min(wanted, pool.target() + free / pool.gpusPerReplica());
    };
}
