package io.fleetplan.router.global;

import org.jspecify.annotations.Nullable;

/**
 * Where a request goes.
 *
 * @param prefillPool   prefill pool namespace; null = no remote prefill (aggregated or decode-only)
 * @param decodePool    decode (or aggregated) pool namespace; null = rejected
 * @param prefillReason why this prefill pool (null when none)
 * @param decodeReason  why this decode pool
 */
public record PoolPlan(
        @Nullable String prefillPool,
        @Nullable String decodePool,
        @Nullable Reason prefillReason,
        Reason decodeReason) {

    /** Why a pool was chosen. */
    public enum Reason {
        /** The grid cell for the request's size and latency target. */
        GRID,
        /** A priority override rule matched. */
        PRIORITY_OVERRIDE,
        /** The chosen pool had no ready worker (or failed); the nearest ready pool by priority serves instead. */
        FALLBACK_READY_POOL,
        /** No prefill pool is ready: the decode pool prefills locally (Dynamo's decode-only fallback). */
        DECODE_ONLY,
        /** No pool of the needed kind has a ready worker. */
        NO_READY_POOL
    }

    public boolean servable() {
        return decodePool != null;
    }
}
