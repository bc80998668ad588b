package io.fleetplan.router.core;

import java.time.Instant;

/**
 * A snapshot of one registered worker, for metrics export, ListWorkers and planners.
 *
 * @param spec                 what it registered with
 * @param draining             gets no new requests
 * @param ready                heard from within the heartbeat timeout and not failed since
 * @param lastSeen             last registration, heartbeat or event
 * @param engineLoad           load the worker last reported
 * @param routerPrefillTokens  the router's count of prompt tokens routed there and not yet past first token
 * @param routerDecodeBlocks   the router's count of KV blocks of requests it has running there
 * @param inFlight             requests the router has outstanding there
 * @param cachedBlocks         blocks the prefix index says it caches
 */
public record WorkerView(
        WorkerSpec spec,
        boolean draining,
        boolean ready,
        Instant lastSeen,
        ReportedLoad engineLoad,
        long routerPrefillTokens,
        long routerDecodeBlocks,
        int inFlight,
        int cachedBlocks) {

    public String id() {
        return spec.id();
    }
}
