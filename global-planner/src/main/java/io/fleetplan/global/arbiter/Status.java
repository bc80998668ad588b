package io.fleetplan.global.arbiter;

/** What happened to a proposal (wire: {@code DecisionStatus}; INVALID becomes gRPC INVALID_ARGUMENT). */
public enum Status {
    /** Every target granted as asked. */
    GRANTED,
    /** Some target granted less than asked (more than before, or a scale-down stopped at the floor). */
    PARTIAL,
    /** Nothing changed for the scale-ups; the caller holds and asks again (its demand stays pending). */
    REJECTED,
    /** Sequence lower than one already decided for the pool. */
    STALE,
    /** The executor failed; the ledger holds what is really there. */
    ERROR,
    /**
     * Pushed: a higher-priority pool took replicas above this pool's minimum (reason PREEMPTION), or the cluster
     * ran more than max_total_gpus and this pool was scaled back to the budget (reason BUDGET_CEILING).
     */
    PREEMPTED,
    /** The proposal names a target the arbiter does not know (or ambiguously); nothing changed. */
    INVALID
}
