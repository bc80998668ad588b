package io.fleetplan.router.core;

import org.jspecify.annotations.Nullable;

/**
 * The outcome of {@link PoolRouter#route}.
 *
 * @param workerId       chosen worker; null when rejected
 * @param reason         why
 * @param overlapBlocks  prompt blocks the chosen worker already caches (prefix index)
 * @param requiredBlocks ceil(isl / block size)
 * @param cost           the chosen worker's cost (KV mode; 0 otherwise)
 * @param candidates     workers that were eligible
 */
public record RouteDecision(
        @Nullable String workerId,
        RouteReason reason,
        int overlapBlocks,
        int requiredBlocks,
        double cost,
        int candidates) {

    public boolean routed() {
        return reason.routed();
    }

    /** Predicted prefix hit rate: cached blocks over the prompt's blocks (Dynamo router_kv_hit_rate). */
    public double kvHitRate() {
        return requiredBlocks == 0 ? 0.0 : Math.min(1.0, overlapBlocks / (double) requiredBlocks);
    }

    /** The prompt tokens the chosen worker must compute: the prompt less its predicted prefix hit. */
    public int uncachedTokens(int isl) {
        return (int) Math.round(isl * (1 - kvHitRate()));
    }

    static RouteDecision rejected(RouteReason reason, int requiredBlocks, int candidates) {
        return new RouteDecision(null, reason, 0, requiredBlocks, 0, candidates);
    }
}
