package io.fleetplan.router.core;

/** Why a worker was (or no worker could be) chosen. */
public enum RouteReason {
    /** KV mode, temperature 0: the single lowest cost. */
    KV_LOWEST_COST,
    /** KV mode: several equal lowest costs, the one with the smallest cached tree won. */
    KV_TIE_SMALLEST_TREE,
    /** KV mode: equal costs and tree sizes, picked uniformly at random. */
    KV_TIE_RANDOM,
    /** KV mode, temperature > 0: sampled from the softmax of normalised costs. */
    KV_SOFTMAX,
    ROUND_ROBIN,
    RANDOM,
    /** The request named its worker. */
    PINNED,
    /** Only one candidate was ready. */
    ONLY_CANDIDATE,
    /** Rejected: no registered, ready, non-draining worker is left (after exclusions). */
    NO_READY_WORKER,
    /** Rejected: every candidate is over a busy threshold. */
    ALL_WORKERS_BUSY,
    /** Rejected: the pinned worker is not registered or not ready. */
    PINNED_WORKER_UNAVAILABLE;

    public boolean routed() {
        return ordinal() <= ONLY_CANDIDATE.ordinal();
    }
}
